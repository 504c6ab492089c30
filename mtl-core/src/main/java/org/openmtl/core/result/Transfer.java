package org.openmtl.core.result;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Positive and negative transfer: a multi-task result against single-task results, task by task.
 *
 * <p>For task t with primary metric M_t, the relative gain over the single-task network is
 * g_t = (−1)^{l_t} (M_t − M_t^single) / M_t^single × 100, with l_t = 1 when lower is better; a
 * negative g_t is negative transfer. The average over tasks is Δm% = (1/T) Σ_t g_t (Maninis,
 * Radosavovic &amp; Kokkinos, CVPR 2019; Vandenhende et al., TPAMI 2021).
 */
public final class Transfer {

    /** Metric names known to be better when lower, for results that do not record a direction. */
    private static final Set<String> LOWER_IS_BETTER = Set.of("loss", "cross_entropy", "mse", "mae", "rmse", "error");

    private Transfer() {}

    /**
     * One task's comparison.
     *
     * @param metric the primary metric compared
     * @param higherIsBetter its direction
     * @param value the multi-task value
     * @param single the single-task value
     * @param gainPercent the signed relative gain in percent (positive: the multi-task result is better)
     */
    public record TaskGain(String metric, boolean higherIsBetter, double value, double single, double gainPercent) {

        /**
         * Whether sharing hurt this task.
         *
         * @return true when the gain is negative
         */
        public boolean negative() {
            return gainPercent < 0;
        }
    }

    /**
     * The signed relative gain of one metric.
     *
     * @param value the multi-task value
     * @param single the single-task value
     * @param higherIsBetter the metric's direction
     * @return the gain in percent
     * @throws IllegalArgumentException if the single-task value is zero or either is not finite
     */
    public static double gainPercent(double value, double single, boolean higherIsBetter) {
        if (!Double.isFinite(value) || !Double.isFinite(single) || single == 0) {
            throw new IllegalArgumentException("cannot compare " + value + " with the single-task value " + single);
        }
        double relative = (value - single) / Math.abs(single) * 100;
        return higherIsBetter ? relative : -relative;
    }

    /**
     * Δm%: the mean of the tasks' gains.
     *
     * @param gains the gains
     * @return their mean, NaN when empty
     */
    public static double deltaM(Map<String, TaskGain> gains) {
        return gains.values().stream().mapToDouble(TaskGain::gainPercent).average().orElse(Double.NaN);
    }

    /**
     * Compares the test metrics of two results (maps as in {@code result.json}).
     *
     * @param result the multi-task result
     * @param single the single-task result
     * @return the gain of every task of {@code result}, in its order
     * @throws IllegalArgumentException if a task or its primary metric is missing from the
     *     single-task result
     */
    public static Map<String, TaskGain> compare(Map<String, Object> result, Map<String, Object> single) {
        return compare(testMetrics(result), testMetrics(single), primaryMetrics(result));
    }

    /**
     * Compares per-task metrics.
     *
     * @param tasks the multi-task metrics, task to metric to value
     * @param single the single-task metrics, same form
     * @param primary per task its primary metric and direction; tasks absent here use their first
     *     metric and the direction known for its name
     * @return the gain of every task of {@code tasks}, in its order
     * @throws IllegalArgumentException if a task or its primary metric is missing from {@code single}
     */
    public static Map<String, TaskGain> compare(Map<String, Map<String, Double>> tasks,
            Map<String, Map<String, Double>> single, Map<String, Primary> primary) {
        Map<String, TaskGain> gains = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Double>> task : tasks.entrySet()) {
            Map<String, Double> metrics = task.getValue();
            if (metrics.isEmpty()) {
                continue;
            }
            Primary p = primary.getOrDefault(task.getKey(), Primary.guess(metrics.keySet().iterator().next()));
            Map<String, Double> baseline = single.get(task.getKey());
            if (baseline == null) {
                throw new IllegalArgumentException("the single-task results have no task '" + task.getKey()
                        + "'; they have " + single.keySet());
            }
            Double value = metrics.get(p.metric());
            Double reference = baseline.get(p.metric());
            if (value == null || reference == null) {
                throw new IllegalArgumentException("task '" + task.getKey() + "': metric '" + p.metric()
                        + "' is missing from " + (value == null ? "the multi-task" : "the single-task") + " results");
            }
            gains.put(task.getKey(), new TaskGain(p.metric(), p.higherIsBetter(), value, reference,
                    gainPercent(value, reference, p.higherIsBetter())));
        }
        return gains;
    }

    /**
     * The {@code transfer} section of {@code result.json}.
     *
     * @param gains the tasks' gains
     * @param baseline where the single-task results came from
     * @return {@code {"baseline", "delta_m_percent", "negative_transfer": [tasks], "tasks": {t: {...}}}}
     */
    public static Map<String, Object> section(Map<String, TaskGain> gains, String baseline) {
        Map<String, Object> tasks = new LinkedHashMap<>();
        gains.forEach((task, g) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("metric", g.metric());
            m.put("higher_is_better", g.higherIsBetter());
            m.put("value", g.value());
            m.put("single_task", g.single());
            m.put("gain_percent", g.gainPercent());
            m.put("negative_transfer", g.negative());
            tasks.put(task, m);
        });
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("baseline", baseline);
        section.put("delta_m_percent", deltaM(gains));
        section.put("negative_transfer", gains.entrySet().stream().filter(e -> e.getValue().negative())
                .map(Map.Entry::getKey).toList());
        section.put("tasks", tasks);
        return section;
    }

    /**
     * A task's primary metric and its direction.
     *
     * @param metric the metric's name
     * @param higherIsBetter its direction
     */
    public record Primary(String metric, boolean higherIsBetter) {

        /**
         * The direction of a metric known by name (accuracy-like higher, losses and errors lower).
         *
         * @param metric the name
         * @return the primary metric
         */
        public static Primary guess(String metric) {
            return new Primary(metric, !LOWER_IS_BETTER.contains(metric));
        }
    }

    /**
     * The test metrics of a result, task to metric to value (non-numbers dropped).
     *
     * @param result a {@code result.json} map
     * @return the metrics
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Map<String, Double>> testMetrics(Map<String, Object> result) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        Object tasks = result.get("tasks");
        if (tasks instanceof Map<?, ?> map) {
            ((Map<String, Object>) map).forEach((task, metrics) -> {
                Map<String, Double> values = new LinkedHashMap<>();
                if (metrics instanceof Map<?, ?> m) {
                    ((Map<String, Object>) m).forEach((name, v) -> {
                        if (v instanceof Number n) {
                            values.put(name, n.doubleValue());
                        }
                    });
                }
                out.put(task, values);
            });
        }
        return out;
    }

    /**
     * The primary metrics a result records under {@code primary_metrics}.
     *
     * @param result a {@code result.json} map
     * @return task to primary metric; empty for results that record none
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Primary> primaryMetrics(Map<String, Object> result) {
        Map<String, Primary> out = new LinkedHashMap<>();
        if (result.get("primary_metrics") instanceof Map<?, ?> map) {
            ((Map<String, Object>) map).forEach((task, v) -> {
                if (v instanceof Map<?, ?> m && m.get("metric") instanceof String name) {
                    Object higher = m.get("higher_is_better");
                    out.put(task, higher instanceof Boolean b ? new Primary(name, b) : Primary.guess(name));
                }
            });
        }
        return out;
    }

    /**
     * The mean of per-seed Δm% values, for summaries.
     *
     * @param values Δm% per seed
     * @return mean and sample standard deviation
     */
    public static double[] meanAndStd(List<Double> values) {
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        return new double[] {mean, values.size() > 1 ? Math.sqrt(ss / (values.size() - 1)) : 0.0};
    }
}
