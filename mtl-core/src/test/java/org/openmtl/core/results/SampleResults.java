package org.openmtl.core.results;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Result maps shaped like a trial's {@code result.json}, with numbers the tests can check. */
final class SampleResults {

    static final List<String> TASKS = List.of("left", "right");

    private SampleResults() {}

    /**
     * A completed result of {@code epochs} epochs; every metric value is distinct, derived from
     * {@code base}, epoch, split and task so a misplaced row shows.
     */
    static Map<String, Object> completed(double base, int epochs) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", "completed");
        result.put("tasks", split(base + 0.5, false));
        result.put("validation", split(base + 0.4, false));
        result.put("primary_metrics", Map.of("left", Map.of("metric", "accuracy", "higher_is_better", true)));
        result.put("selected_epoch", (double) epochs);
        result.put("epochs_completed", (double) epochs);
        result.put("parameters", 12345.0);
        result.put("ms_per_step", 3.25);
        result.put("seconds", 1.5);
        result.put("peak_rss_mb", 512.0);
        result.put("config", Map.of("weighting", "ew", "seed", "1"));
        result.put("provenance", Map.of("framework", "openmtl test", "seed", 1.0));
        List<Object> history = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("epoch", (double) e);
            entry.put("phase", e == 1 ? "warm-up" : "train");
            entry.put("lr", 0.01);
            entry.put("train", split(base + e * 0.01, true));
            entry.put("validation", split(base + e * 0.01 + 0.001, false));
            entry.put("test", split(base + e * 0.01 + 0.002, false));
            entry.put("weights", Map.of("left", 0.25 * e, "right", 1 - 0.25 * e));
            entry.put("diagnostics", Map.of("cosine", 0.5));
            history.add(entry);
        }
        result.put("history", history);
        return result;
    }

    private static Map<String, Object> split(double base, boolean withLoss) {
        Map<String, Object> tasks = new LinkedHashMap<>();
        for (int t = 0; t < TASKS.size(); t++) {
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("accuracy", base + t * 0.1);
            if (withLoss) {
                metrics.put("loss", 2 - base - t * 0.1);
            }
            tasks.put(TASKS.get(t), metrics);
        }
        return tasks;
    }
}
