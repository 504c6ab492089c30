package org.openmtl.core.result;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import org.openmtl.core.config.MetricTarget;

/**
 * Fast adaptation: how many training steps a run needs before a task metric reaches a target,
 * read from the run's learning curve (its {@code history}).
 *
 * <p>The curve is the validation split's per-epoch metrics ({@code history[i].validation}), or the
 * test split's where a run has no validation split. The trainer evaluates once per epoch, so a
 * target is detected at the end of the first epoch whose value reaches it, and its steps are the
 * optimizer steps up to that epoch's end: the sum of {@code history[0..i].steps}. The answer is
 * therefore exact to one epoch; a target reached in the middle of an epoch counts that epoch's
 * steps in full.
 *
 * <p>A target is absolute ({@code target.metrics}: {@code TASK.METRIC:VALUE}) or relative to the
 * single-task network ({@code target.relative}: a fraction f of the single-task network's best
 * value on the same curve; for a higher-is-better metric the target is f × best, for a
 * lower-is-better one best / f, so f = 0.95 asks for 95 % of the best accuracy, or a loss within
 * 1/0.95 of the best loss).
 */
public final class StepsToTarget {

    private StepsToTarget() {}

    /**
     * A target with its direction.
     *
     * @param task the task
     * @param metric the metric
     * @param value the value to reach
     * @param higherIsBetter the metric's direction: reached when the value is at least (true) or at
     *     most (false) {@code value}
     */
    public record Target(String task, String metric, double value, boolean higherIsBetter) {

        /**
         * Whether a measured value reaches this target.
         *
         * @param v the value (NaN never reaches)
         * @return true when reached
         */
        public boolean reachedBy(double v) {
            return Double.isFinite(v) && (higherIsBetter ? v >= value : v <= value);
        }

        /** e.g. {@code accuracy ≥ 0.9}. */
        String describe() {
            return metric + (higherIsBetter ? " \u2265 " : " \u2264 ") + format(value);
        }
    }

    /**
     * Where a curve first reaches a target.
     *
     * @param reached whether it does
     * @param epoch the first epoch whose value reaches it (0 when not reached)
     * @param steps the optimizer steps up to that epoch's end (-1 when not reached, or when the
     *     history does not record steps per epoch)
     * @param value the value at that epoch (NaN when not reached)
     */
    public record Reach(boolean reached, int epoch, long steps, double value) {

        static final Reach NEVER = new Reach(false, 0, -1, Double.NaN);
    }

    /**
     * The split whose per-epoch values a result's curve is: {@code validation} when any epoch
     * recorded validation metrics, {@code test} otherwise.
     *
     * @param history the history records
     * @return the split's name in the history
     */
    public static String curve(List<Map<String, Object>> history) {
        for (Map<String, Object> record : history) {
            if (record.get("validation") instanceof Map<?, ?> m && !m.isEmpty()) {
                return "validation";
            }
        }
        return "test";
    }

    /**
     * Where a curve first reaches a target.
     *
     * @param history the history records, in epoch order
     * @param curve the split ({@link #curve})
     * @param target the target
     * @return the first epoch reaching it with its cumulative steps, or {@link Reach#NEVER}
     */
    public static Reach reach(List<Map<String, Object>> history, String curve, Target target) {
        long steps = 0;
        for (int i = 0; i < history.size(); i++) {
            Map<String, Object> record = history.get(i);
            if (steps >= 0) {
                steps = record.get("steps") instanceof Number n ? steps + n.longValue() : -1;
            }
            double v = value(record, curve, target.task(), target.metric());
            if (target.reachedBy(v)) {
                int epoch = record.get("epoch") instanceof Number e ? e.intValue() : i + 1;
                return new Reach(true, epoch, steps, v);
            }
        }
        return Reach.NEVER;
    }

    /**
     * The best value a curve reaches.
     *
     * @param history the history records
     * @param curve the split
     * @param task the task
     * @param metric the metric
     * @param higherIsBetter its direction
     * @return the largest (or smallest) finite value, empty when there is none
     */
    public static OptionalDouble best(List<Map<String, Object>> history, String curve, String task, String metric,
            boolean higherIsBetter) {
        OptionalDouble best = OptionalDouble.empty();
        for (Map<String, Object> record : history) {
            double v = value(record, curve, task, metric);
            if (Double.isFinite(v) && (best.isEmpty() || (higherIsBetter ? v > best.getAsDouble() : v < best.getAsDouble()))) {
                best = OptionalDouble.of(v);
            }
        }
        return best;
    }

    /**
     * The relative target: f × best for a higher-is-better metric, best / f for a lower-is-better one.
     *
     * @param best the single-task network's best value
     * @param fraction f in (0, 1]
     * @param higherIsBetter the metric's direction
     * @return the target value
     */
    public static double relativeTarget(double best, double fraction, boolean higherIsBetter) {
        return higherIsBetter ? fraction * best : best / fraction;
    }

    /**
     * A metric's direction as a result records it: {@code metric_directions}, then {@code
     * primary_metrics}, then the direction known for its name.
     *
     * @param result a {@code result.json} map
     * @param task the task
     * @param metric the metric
     * @return true when higher is better
     */
    @SuppressWarnings("unchecked")
    public static boolean higherIsBetter(Map<String, Object> result, String task, String metric) {
        if (result.get("metric_directions") instanceof Map<?, ?> all && all.get(task) instanceof Map<?, ?> m
                && m.get(metric) instanceof Boolean b) {
            return b;
        }
        Transfer.Primary primary = Transfer.primaryMetrics(result).get(task);
        if (primary != null && primary.metric().equals(metric)) {
            return primary.higherIsBetter();
        }
        return Transfer.Primary.guess(metric).higherIsBetter();
    }

    /**
     * The history records of a result.
     *
     * @param result a {@code result.json} map
     * @return its records (maps), in order
     */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> history(Map<String, Object> result) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (result.get("history") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    out.add((Map<String, Object>) m);
                }
            }
        }
        return out;
    }

    /**
     * The entries of a run's absolute targets ({@code target.metrics}).
     *
     * @param result the run's result (its history and metric directions)
     * @param targets the targets
     * @return one {@link #entry} per target, in order
     */
    public static List<Map<String, Object>> absolute(Map<String, Object> result, List<MetricTarget> targets) {
        List<Map<String, Object>> history = history(result);
        String curve = curve(history);
        List<Map<String, Object>> out = new ArrayList<>();
        for (MetricTarget t : targets) {
            Target target = new Target(t.task(), t.metric(), t.value(), higherIsBetter(result, t.task(), t.metric()));
            out.add(entry(target, "absolute", reach(history, curve, target)));
        }
        return out;
    }

    /**
     * The entries of the relative target: per task of {@code result}, its primary metric's target
     * is {@link #relativeTarget} of the single-task network's best value on its curve; both runs'
     * steps to it and their ratio (this run's steps over the single-task network's) are recorded.
     * Tasks the single-task result lacks, or for which it has no finite value, are left out.
     *
     * @param result the run's result
     * @param single the single-task network's result
     * @param fraction the fraction f in (0, 1]
     * @return one entry per task, with {@code fraction}, {@code single_task_best}, {@code
     *     single_task_reached}, {@code single_task_epoch}, {@code single_task_steps} and {@code ratio}
     *     added where known
     */
    public static List<Map<String, Object>> relative(Map<String, Object> result, Map<String, Object> single, double fraction) {
        List<Map<String, Object>> history = history(result);
        List<Map<String, Object>> singleHistory = history(single);
        String curve = curve(history);
        String singleCurve = curve(singleHistory);
        List<Map<String, Object>> out = new ArrayList<>();
        Map<String, Transfer.Primary> primary = new LinkedHashMap<>(Transfer.primaryMetrics(result));
        Transfer.testMetrics(result).forEach((task, metrics) -> {
            if (!primary.containsKey(task) && !metrics.isEmpty()) {
                primary.put(task, Transfer.Primary.guess(metrics.keySet().iterator().next()));
            }
        });
        primary.forEach((task, p) -> {
            OptionalDouble best = best(singleHistory, singleCurve, task, p.metric(), p.higherIsBetter());
            if (best.isEmpty()) {
                return;
            }
            Target target = new Target(task, p.metric(), relativeTarget(best.getAsDouble(), fraction, p.higherIsBetter()),
                    p.higherIsBetter());
            Reach own = reach(history, curve, target);
            Reach base = reach(singleHistory, singleCurve, target);
            Map<String, Object> e = entry(target, "relative", own);
            e.put("fraction", fraction);
            e.put("single_task_best", best.getAsDouble());
            e.put("single_task_reached", base.reached());
            if (base.reached()) {
                e.put("single_task_epoch", base.epoch());
                if (base.steps() >= 0) {
                    e.put("single_task_steps", base.steps());
                }
            }
            if (own.reached() && base.reached() && own.steps() > 0 && base.steps() > 0) {
                e.put("ratio", (double) own.steps() / base.steps());
            }
            out.add(e);
        });
        return out;
    }

    /**
     * One target's entry in {@code result.json}'s {@code steps_to_target.targets}.
     *
     * @param target the target
     * @param kind {@code absolute} or {@code relative}
     * @param reach where the run reached it
     * @return {@code {task, metric, higher_is_better, kind, target, reached, epoch, steps, value}}
     *     (epoch, steps and value only when reached; steps only when known)
     */
    public static Map<String, Object> entry(Target target, String kind, Reach reach) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("task", target.task());
        m.put("metric", target.metric());
        m.put("higher_is_better", target.higherIsBetter());
        m.put("kind", kind);
        m.put("target", target.value());
        m.put("reached", reach.reached());
        if (reach.reached()) {
            m.put("epoch", reach.epoch());
            if (reach.steps() >= 0) {
                m.put("steps", reach.steps());
            }
            m.put("value", reach.value());
        }
        return m;
    }

    /**
     * The {@code steps_to_target} section of {@code result.json}.
     *
     * @param curve the split the values came from
     * @param targets each target's {@link #entry}
     * @return {@code {curve, evaluated: "per epoch", targets: [...]}}
     */
    public static Map<String, Object> section(String curve, List<Map<String, Object>> targets) {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("curve", curve);
        section.put("evaluated", "per epoch");
        section.put("targets", targets);
        return section;
    }

    private static double value(Map<String, Object> record, String curve, String task, String metric) {
        if (record.get(curve) instanceof Map<?, ?> split && split.get(task) instanceof Map<?, ?> metrics
                && metrics.get(metric) instanceof Number n) {
            return n.doubleValue();
        }
        return Double.NaN;
    }

    static String format(double v) {
        String s = String.format(Locale.ROOT, "%.4g", v);
        return s.contains("e") ? s : s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
}
