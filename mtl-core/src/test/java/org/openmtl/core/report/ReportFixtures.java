package org.openmtl.core.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Synthetic results shaped like result.json, so report tests need no training. */
final class ReportFixtures {

    private ReportFixtures() {}

    /**
     * A completed trial over the given tasks: test metrics near {@code level} (mse, lower is better),
     * a history of {@code epochs} epochs with validation metrics, weights that change when
     * {@code varyingWeights}, gradient cosines, and the given phases (null for none).
     */
    static Map<String, Object> trial(List<String> tasks, double level, int seed, int epochs, boolean varyingWeights,
            List<String> phases) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("status", "completed");
        Map<String, Object> test = new LinkedHashMap<>();
        Map<String, Object> primary = new LinkedHashMap<>();
        for (int t = 0; t < tasks.size(); t++) {
            test.put(tasks.get(t), Map.of("mse", level + 0.01 * t + 0.003 * seed, "mae", 2 * level));
            primary.put(tasks.get(t), Map.of("metric", "mse", "higher_is_better", false));
        }
        r.put("tasks", test);
        r.put("primary_metrics", primary);
        r.put("selected_epoch", epochs);
        r.put("epochs_completed", epochs);
        r.put("parameters", 1000 + (int) (level * 1000));
        r.put("ms_per_step", 2.5 + level * 10 + seed * 0.1);
        r.put("seconds", 3.2);
        r.put("config", Map.of("seed", Integer.toString(seed)));
        List<Map<String, Object>> history = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("epoch", e);
            if (phases != null) {
                h.put("phase", phases.get(Math.min(phases.size() - 1, (e - 1) * phases.size() / epochs)));
            }
            Map<String, Object> validation = new LinkedHashMap<>();
            Map<String, Object> weights = new LinkedHashMap<>();
            Map<String, Object> cosine = new LinkedHashMap<>();
            for (int t = 0; t < tasks.size(); t++) {
                validation.put(tasks.get(t), Map.of("mse", level + 1.0 / e + 0.02 * t + 0.01 * seed));
                weights.put(tasks.get(t), varyingWeights ? 1.0 + 0.1 * e * (t + 1) : 1.0);
                for (int u = t + 1; u < tasks.size(); u++) {
                    cosine.put(tasks.get(t) + "|" + tasks.get(u), 0.5 - 0.3 * (u - t) - 0.01 * e);
                }
            }
            h.put("validation", validation);
            h.put("weights", weights);
            h.put("gradients", Map.of("cosine", cosine));
            history.add(h);
        }
        r.put("history", history);
        return r;
    }

    /** A trial with extra top-level keys. */
    static Map<String, Object> with(Map<String, Object> trial, Map<String, Object> extra) {
        Map<String, Object> r = new LinkedHashMap<>(trial);
        r.putAll(extra);
        return r;
    }

    /** A fully-adaptive structure: the per-layer task groups. */
    static Map<String, Object> branchingStructure(List<String> tasks) {
        return Map.of("layers", List.of(List.of(tasks), List.of(tasks.subList(0, 1), tasks.subList(1, tasks.size()))),
                "widened", 1);
    }

    /** An AdaShare structure: a tasks × blocks policy. */
    static Map<String, Object> policyStructure(List<String> tasks) {
        List<List<Double>> p = new ArrayList<>();
        List<List<Integer>> d = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            p.add(List.of(0.9, 0.2 + 0.1 * t, 0.6));
            d.add(List.of(1, 0, 1));
        }
        return Map.of("tasks", tasks, "select_probability", p, "policy", d, "mode", "retrain");
    }

    /** A sweep of methods over two seeds each, as a sweep hands them to the report. */
    static List<HtmlReport.Entry> sweep(List<String> tasks, List<String> methods) {
        List<HtmlReport.Entry> entries = new ArrayList<>();
        for (int m = 0; m < methods.size(); m++) {
            for (int seed = 1; seed <= 2; seed++) {
                Map<String, Object> r = trial(tasks, 0.2 + 0.05 * m, seed, 6, m == 1, m == 2 ? List.of("warmup", "policy-1",
                        "weights-1", "retrain") : null);
                if (m == 2) {
                    r = with(r, Map.of("structure", seed == 1 ? branchingStructure(tasks) : policyStructure(tasks)));
                }
                if (m != 1) {
                    r = with(r, Map.of("peak_rss_mb", 700.0 + 50 * m + seed));
                }
                entries.add(new HtmlReport.Entry(methods.get(m) + " seed=" + seed, methods.get(m), r));
            }
        }
        return entries;
    }

    /**
     * A sweep summary's Δm% per training-set size: two configurations over the sizes 100, 1000 and
     * every example (0), the second without a value at 1000.
     */
    static Map<String, Object> transferBySize() {
        Map<String, Object> equal = Map.of("configuration", "weighting=equal", "cells", List.of(
                Map.of("train_limit", 100, "delta_m_percent", Map.of("mean", 8.75, "std", 1.5, "n", 3)),
                Map.of("train_limit", 1000, "delta_m_percent", Map.of("mean", 2.0, "std", 0.5, "n", 3)),
                Map.of("train_limit", 0, "delta_m_percent", Map.of("mean", -1.25, "std", 0.25, "n", 3))));
        Map<String, Object> mgda = Map.of("configuration", "weighting=mgda", "cells", List.of(
                Map.of("train_limit", 100, "delta_m_percent", Map.of("mean", 5.0, "std", 0.0, "n", 1)),
                Map.of("train_limit", 0, "delta_m_percent", Map.of("mean", 0.5, "std", 0.0, "n", 1))));
        return Map.of("groups", List.of(), "transfer_by_train_size", Map.of("key", "dataset.train.limit",
                "sizes", List.of(100, 1000, 0), "rows", List.of(equal, mgda)));
    }
}
