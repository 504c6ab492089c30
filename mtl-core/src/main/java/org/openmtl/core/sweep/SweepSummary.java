package org.openmtl.core.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openmtl.core.config.RunKeys;

/**
 * Aggregates a sweep's trials over seeds: trials that differ only in {@code seed} form a group;
 * for every task metric the group's mean, sample standard deviation and count.
 */
public final class SweepSummary {

    private SweepSummary() {}

    /**
     * Summarizes trials.
     *
     * @param results each trial with its result
     * @return {@code {"groups": [{"point": {...}, "seeds": n, "failed": n, "tasks": {task: {metric: {"mean", "std", "n"}}}, "ms_per_step": {...}}]}}
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> summarize(List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> results) {
        Map<String, List<Map<String, Object>>> groups = new LinkedHashMap<>();
        Map<String, Map<String, String>> points = new LinkedHashMap<>();
        for (Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>> r : results) {
            Map<String, String> point = new LinkedHashMap<>(r.getKey().point());
            point.remove(RunKeys.SEED);
            String key = SweepRunner.label(point);
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r.getValue());
            points.put(key, point);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map.Entry<String, List<Map<String, Object>>> g : groups.entrySet()) {
            Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();
            List<Double> ms = new ArrayList<>();
            int failed = 0;
            for (Map<String, Object> result : g.getValue()) {
                if (!"completed".equals(result.get("status"))) {
                    failed++;
                    continue;
                }
                Map<String, Map<String, Object>> tasks = (Map<String, Map<String, Object>>) result.getOrDefault("tasks", Map.of());
                tasks.forEach((task, metrics) -> metrics.forEach((metric, v) -> {
                    if (v instanceof Number n) {
                        values.computeIfAbsent(task, t -> new LinkedHashMap<>()).computeIfAbsent(metric, m -> new ArrayList<>())
                                .add(n.doubleValue());
                    }
                }));
                if (result.get("ms_per_step") instanceof Number n) {
                    ms.add(n.doubleValue());
                }
            }
            Map<String, Object> tasks = new LinkedHashMap<>();
            values.forEach((task, metrics) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                metrics.forEach((metric, list) -> m.put(metric, stats(list)));
                tasks.put(task, m);
            });
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("point", points.get(g.getKey()));
            group.put("trials", g.getValue().size());
            group.put("failed", failed);
            group.put("tasks", tasks);
            if (!ms.isEmpty()) {
                group.put("ms_per_step", stats(ms));
            }
            out.add(group);
        }
        return Map.of("groups", out);
    }

    private static Map<String, Object> stats(List<Double> list) {
        double mean = list.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double ss = 0;
        for (double v : list) {
            ss += (v - mean) * (v - mean);
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("mean", mean);
        s.put("std", list.size() > 1 ? Math.sqrt(ss / (list.size() - 1)) : 0.0);
        s.put("n", list.size());
        return s;
    }

    /**
     * The summary as a Markdown table: one row per group, the first metric of each task as mean ± std
     * (accuracies in percent), and ms/step.
     *
     * @param summary what {@link #summarize} returned
     * @return the table
     */
    @SuppressWarnings("unchecked")
    public static String markdown(Map<String, Object> summary) {
        List<Map<String, Object>> groups = (List<Map<String, Object>>) summary.get("groups");
        Set<String> columns = new LinkedHashSet<>();
        for (Map<String, Object> g : groups) {
            Map<String, Map<String, Object>> tasks = (Map<String, Map<String, Object>>) g.get("tasks");
            tasks.forEach((task, metrics) -> columns.add(task + "\u0000" + metrics.keySet().iterator().next()));
        }
        StringBuilder sb = new StringBuilder("| configuration | seeds |");
        for (String c : columns) {
            String[] tm = c.split("\u0000");
            sb.append(' ').append(tm[0]).append(' ').append(tm[1]).append(tm[1].equals("accuracy") ? " (%)" : "").append(" |");
        }
        sb.append(" ms/step |\n|---|---|");
        columns.forEach(c -> sb.append("---|"));
        sb.append("---|\n");
        for (Map<String, Object> g : groups) {
            Map<String, String> point = (Map<String, String>) g.get("point");
            int trials = ((Number) g.get("trials")).intValue();
            int failed = ((Number) g.get("failed")).intValue();
            sb.append("| ").append(point.isEmpty() ? "(base)" : SweepRunner.label(point)).append(" | ")
                    .append(trials - failed).append(failed > 0 ? " (" + failed + " failed)" : "").append(" |");
            Map<String, Map<String, Object>> tasks = (Map<String, Map<String, Object>>) g.get("tasks");
            for (String c : columns) {
                String[] tm = c.split("\u0000");
                Map<String, Object> s = tasks.containsKey(tm[0]) ? (Map<String, Object>) tasks.get(tm[0]).get(tm[1]) : null;
                if (s == null) {
                    sb.append(" – |");
                } else {
                    double scale = tm[1].equals("accuracy") ? 100 : 1;
                    sb.append(String.format(Locale.ROOT, " %.2f ± %.2f |", scale * ((Number) s.get("mean")).doubleValue(),
                            scale * ((Number) s.get("std")).doubleValue()));
                }
            }
            Map<String, Object> ms = (Map<String, Object>) g.get("ms_per_step");
            sb.append(ms == null ? " – |" : String.format(Locale.ROOT, " %.1f |", ((Number) ms.get("mean")).doubleValue()));
            sb.append('\n');
        }
        return sb.toString();
    }
}
