package org.openmtl.core.results;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.reflect.TypeToken;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a trial's {@code result.json} content into the rows of the metric tables, and the JSON
 * columns into text. Non-finite numbers become null, exactly as {@code result.json} writes them,
 * so every stored JSON text is valid JSON that SQLite's and PostgreSQL's JSON functions accept.
 */
final class ResultRows {

    /** The splits of a history entry, in the order they are reported. */
    static final List<String> SPLITS = List.of("train", "validation", "test");

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    private ResultRows() {}

    /** A final metric; value null when not finite. */
    record Metric(String split, String task, String metric, Double value) {}

    /** A per-epoch metric; value null when not finite. */
    record EpochMetric(int epoch, String phase, String split, String task, String metric, Double value) {}

    /** A per-epoch task weight; null when not finite. */
    record Weight(int epoch, String phase, String task, Double weight) {}

    /** The final validation and test metrics: the result's {@code validation} and {@code tasks}. */
    static List<Metric> finalMetrics(Map<String, Object> result) {
        Map<String, Metric> rows = new LinkedHashMap<>();
        for (String[] section : new String[][] {{"validation", "validation"}, {"tasks", "test"}}) {
            String split = section[1];
            forEachMetric(result.get(section[0]), (task, metric, value) ->
                    rows.put(split + '\0' + task + '\0' + metric, new Metric(split, task, metric, value)));
        }
        return new ArrayList<>(rows.values());
    }

    /** The per-epoch metrics of the result's {@code history}; a repeated key keeps its last value. */
    static List<EpochMetric> epochMetrics(Map<String, Object> result) {
        Map<String, EpochMetric> rows = new LinkedHashMap<>();
        for (Map<?, ?> entry : history(result)) {
            Integer epoch = integer(entry.get("epoch"));
            if (epoch == null) {
                continue;
            }
            String phase = phase(entry);
            for (String split : SPLITS) {
                forEachMetric(entry.get(split), (task, metric, value) -> rows.put(
                        epoch + "\0" + phase + '\0' + split + '\0' + task + '\0' + metric,
                        new EpochMetric(epoch, phase, split, task, metric, value)));
            }
        }
        return new ArrayList<>(rows.values());
    }

    /** The per-epoch task weights of the result's {@code history}. */
    static List<Weight> weights(Map<String, Object> result) {
        Map<String, Weight> rows = new LinkedHashMap<>();
        for (Map<?, ?> entry : history(result)) {
            Integer epoch = integer(entry.get("epoch"));
            if (epoch == null || !(entry.get("weights") instanceof Map<?, ?> weights)) {
                continue;
            }
            String phase = phase(entry);
            weights.forEach((task, w) -> {
                if (w == null || w instanceof Number) {
                    rows.put(epoch + "\0" + phase + '\0' + task,
                            new Weight(epoch, phase, String.valueOf(task), finite(w)));
                }
            });
        }
        return new ArrayList<>(rows.values());
    }

    /** A number of the result (e.g. {@code ms_per_step}), null when absent or not finite. */
    static Double number(Map<String, Object> result, String key) {
        return result == null ? null : finite(result.get(key));
    }

    /** An integral number of the result (e.g. {@code parameters}), null when absent. */
    static Long whole(Map<String, Object> result, String key) {
        Double d = number(result, key);
        return d == null ? null : Math.round(d);
    }

    /** The framework build the result's provenance names ({@code provenance.build}); null when absent. */
    static String build(Map<String, Object> result) {
        Object provenance = result == null ? null : result.get("provenance");
        Object build = provenance instanceof Map<?, ?> p ? p.get("build") : null;
        return build instanceof String b && !b.isBlank() ? b : null;
    }

    /** Compact JSON text, non-finite numbers as null; null for null. */
    static String json(Object value) {
        return value == null ? null : GSON.toJson(org.openmtl.core.result.ResultFiles.withoutNonFinite(value));
    }

    /** Parses JSON text written by {@link #json}. */
    static Map<String, Object> parseObject(String json) {
        return GSON.fromJson(json, new TypeToken<LinkedHashMap<String, Object>>() {}.getType());
    }

    /** Parses a JSON object of strings. */
    static Map<String, String> parseStrings(String json) {
        if (json == null) {
            return new LinkedHashMap<>();
        }
        return GSON.fromJson(json, new TypeToken<LinkedHashMap<String, String>>() {}.getType());
    }

    static Double finite(Object value) {
        if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        return null;
    }

    private static List<Map<?, ?>> history(Map<String, Object> result) {
        List<Map<?, ?>> entries = new ArrayList<>();
        if (result != null && result.get("history") instanceof Collection<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) {
                    entries.add(m);
                }
            }
        }
        return entries;
    }

    private static String phase(Map<?, ?> entry) {
        Object phase = entry.get("phase");
        return phase == null ? "" : String.valueOf(phase);
    }

    private static Integer integer(Object value) {
        return value instanceof Number n && Double.isFinite(n.doubleValue()) ? (int) Math.round(n.doubleValue()) : null;
    }

    private interface MetricSink {
        void accept(String task, String metric, Double value);
    }

    /** Visits {task: {metric: number}}; entries that are not numbers (or null) are skipped. */
    private static void forEachMetric(Object section, MetricSink sink) {
        if (!(section instanceof Map<?, ?> tasks)) {
            return;
        }
        tasks.forEach((task, metrics) -> {
            if (metrics instanceof Map<?, ?> m) {
                m.forEach((metric, value) -> {
                    if (value == null || value instanceof Number) {
                        sink.accept(String.valueOf(task), String.valueOf(metric), finite(value));
                    }
                });
            }
        });
    }
}
