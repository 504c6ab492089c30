package org.openmtl.core.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.result.StepsToTarget;

/**
 * Steps to target over the seeds of one sweep group: per target (absolute from {@code
 * target.metrics}, relative from {@code target.relative}) the steps of the group's trials that
 * reached it, those of the single-task trials they are compared with, and the ratio of the two.
 *
 * <p>Targets are measured on each trial's history with the sweep's current configuration (see
 * {@link StepsToTarget}), so changing a target re-summarizes without training. The steps are
 * averaged over the seeds that reached the target and the count of those is given beside them: a
 * seed that never reaches it has no step count to average. The ratio is the geometric mean over
 * the seeds where both the trial and its single-task trial reached the target of steps(trial) /
 * steps(single-task): ratios of 2 and 1/2 average to 1, as they should.
 */
final class TargetStepsSummary {

    /** One target of the group, accumulated over its seeds. */
    private static final class Row {
        final Map<String, Object> first;
        int trials;
        int reached;
        final List<Double> steps = new ArrayList<>();
        int singleTrials;
        int singleReached;
        final List<Double> singleSteps = new ArrayList<>();
        final List<Double> logRatios = new ArrayList<>();

        Row(Map<String, Object> first) {
            this.first = first;
        }
    }

    private final Map<String, Row> rows = new LinkedHashMap<>();

    /**
     * Adds one completed trial.
     *
     * @param config the trial's configuration (its targets)
     * @param result its result
     * @param single the single-task trial it is compared with, or null
     * @param isSingle whether the trial is itself a single-task trial (its relative target is then
     *     a fraction of its own best)
     */
    void add(RunConfig config, Map<String, Object> result, Map<String, Object> single, boolean isSingle) {
        if (!config.metricTargets().isEmpty()) {
            List<Map<String, Object>> own = StepsToTarget.absolute(result, config.metricTargets());
            List<Map<String, Object>> base = single == null ? null : StepsToTarget.absolute(single, config.metricTargets());
            for (int i = 0; i < own.size(); i++) {
                Map<String, Object> e = own.get(i);
                Row row = row(e);
                count(row, e);
                if (base != null) {
                    Map<String, Object> b = base.get(i);
                    row.singleTrials++;
                    if (Boolean.TRUE.equals(b.get("reached"))) {
                        row.singleReached++;
                        if (b.get("steps") instanceof Number n) {
                            row.singleSteps.add(n.doubleValue());
                        }
                    }
                    if (e.get("steps") instanceof Number s && b.get("steps") instanceof Number t && s.doubleValue() > 0
                            && t.doubleValue() > 0) {
                        row.logRatios.add(Math.log(s.doubleValue() / t.doubleValue()));
                    }
                }
            }
        }
        double fraction = config.relativeTarget();
        if (fraction > 0 && (isSingle || single != null)) {
            for (Map<String, Object> e : StepsToTarget.relative(result, isSingle ? result : single, fraction)) {
                Row row = row(e);
                count(row, e);
                if (!isSingle) {
                    row.singleTrials++;
                    if (Boolean.TRUE.equals(e.get("single_task_reached"))) {
                        row.singleReached++;
                        if (e.get("single_task_steps") instanceof Number n) {
                            row.singleSteps.add(n.doubleValue());
                        }
                    }
                    if (e.get("ratio") instanceof Number r) {
                        row.logRatios.add(Math.log(r.doubleValue()));
                    }
                }
            }
        }
    }

    private Row row(Map<String, Object> entry) {
        // a relative target's value differs by seed (each seed's single-task best); its fraction does not
        Object target = "relative".equals(entry.get("kind")) ? entry.get("fraction") : entry.get("target");
        String key = entry.get("kind") + "\u0000" + entry.get("task") + "\u0000" + entry.get("metric") + "\u0000" + target;
        return rows.computeIfAbsent(key, k -> new Row(entry));
    }

    private static void count(Row row, Map<String, Object> entry) {
        row.trials++;
        if (Boolean.TRUE.equals(entry.get("reached"))) {
            row.reached++;
            if (entry.get("steps") instanceof Number n) {
                row.steps.add(n.doubleValue());
            }
        }
    }

    /**
     * The group's {@code steps_to_target} list for {@code summary.json}.
     *
     * @return per target: task, metric, higher_is_better, kind, target (absolute) or fraction
     *     (relative), trials, reached, steps (mean, std, n over the seeds that reached it), and where
     *     compared with single-task trials single_task (trials, reached, steps) and ratio
     *     (geometric_mean, n); empty when the group has no target
     */
    List<Map<String, Object>> summary() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Row row : rows.values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (String k : new String[] {"task", "metric", "higher_is_better", "kind"}) {
                m.put(k, row.first.get(k));
            }
            if ("relative".equals(row.first.get("kind"))) {
                m.put("fraction", row.first.get("fraction"));
            } else {
                m.put("target", row.first.get("target"));
            }
            m.put("trials", row.trials);
            m.put("reached", row.reached);
            if (!row.steps.isEmpty()) {
                m.put("steps", SweepSummary.stats(row.steps));
            }
            if (row.singleTrials > 0) {
                Map<String, Object> single = new LinkedHashMap<>();
                single.put("trials", row.singleTrials);
                single.put("reached", row.singleReached);
                if (!row.singleSteps.isEmpty()) {
                    single.put("steps", SweepSummary.stats(row.singleSteps));
                }
                m.put("single_task", single);
            }
            if (!row.logRatios.isEmpty()) {
                double meanLog = row.logRatios.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
                m.put("ratio", Map.of("geometric_mean", Math.exp(meanLog), "n", row.logRatios.size()));
            }
            out.add(m);
        }
        return out;
    }

    /**
     * The summary's steps-to-target section as Markdown, or empty when no group has a target.
     *
     * @param groups the summary's groups
     * @return the section
     */
    @SuppressWarnings("unchecked")
    static String markdown(List<Map<String, Object>> groups) {
        StringBuilder table = new StringBuilder();
        for (Map<String, Object> g : groups) {
            if (!(g.get("steps_to_target") instanceof List<?> targets) || targets.isEmpty()) {
                continue;
            }
            Map<String, String> point = (Map<String, String>) g.get("point");
            for (Object o : targets) {
                Map<String, Object> t = (Map<String, Object>) o;
                table.append("| ").append(point.isEmpty() ? "(base)" : SweepRunner.label(point)).append(" | ")
                        .append(t.get("task")).append(" | ").append(targetText(t)).append(" | ")
                        .append(stepsText((Map<String, Object>) t.get("steps"), t.get("reached"), t.get("trials"))).append(" |");
                Map<String, Object> single = (Map<String, Object>) t.get("single_task");
                table.append(single == null ? " – |"
                        : " " + stepsText((Map<String, Object>) single.get("steps"), single.get("reached"), single.get("trials")) + " |");
                Map<String, Object> ratio = (Map<String, Object>) t.get("ratio");
                table.append(ratio == null ? " – |" : String.format(Locale.ROOT, " %.2f (%d) |",
                        ((Number) ratio.get("geometric_mean")).doubleValue(), ((Number) ratio.get("n")).intValue()));
                table.append('\n');
            }
        }
        if (table.length() == 0) {
            return "";
        }
        return "\n## Steps to target\n\n"
                + "Optimizer steps until a task's validation metric first reaches the target, read from each trial's per-epoch"
                + " history: the steps up to the end of the first epoch whose value reaches it (exact to one epoch)."
                + " Steps: mean ± std over the seeds that reached the target (reached/seeds). Single-task: the"
                + " architecture=independent trials of the same seeds and protocol, on the same target. Ratio: geometric mean over"
                + " the seeds where both reached it of steps / single-task steps (below 1: the configuration gets there faster;"
                + " in parentheses the number of seeds). A relative target is a fraction of each seed's single-task best"
                + " validation value (target.relative); absolute ones come from target.metrics.\n\n"
                + "| configuration | task | target | steps (reached) | single-task steps (reached) | ratio |\n"
                + "|---|---|---|---|---|---|\n" + table;
    }

    private static String targetText(Map<String, Object> t) {
        boolean higher = Boolean.TRUE.equals(t.get("higher_is_better"));
        String metric = String.valueOf(t.get("metric"));
        if ("relative".equals(t.get("kind"))) {
            String f = number(((Number) t.get("fraction")).doubleValue());
            return higher ? metric + " ≥ " + f + " × single-task best" : metric + " ≤ single-task best / " + f;
        }
        return metric + (higher ? " ≥ " : " ≤ ") + number(((Number) t.get("target")).doubleValue());
    }

    private static String stepsText(Map<String, Object> steps, Object reached, Object trials) {
        String count = " (" + ((Number) reached).intValue() + "/" + ((Number) trials).intValue() + ")";
        if (steps == null) {
            return (((Number) reached).intValue() > 0 ? "steps not recorded" : "never") + count;
        }
        return String.format(Locale.ROOT, "%,.0f ± %,.0f", ((Number) steps.get("mean")).doubleValue(),
                ((Number) steps.get("std")).doubleValue()) + count;
    }

    private static String number(double v) {
        String s = String.format(Locale.ROOT, "%.4g", v);
        return s.contains("e") || !s.contains(".") ? s : s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
