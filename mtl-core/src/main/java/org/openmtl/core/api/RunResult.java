package org.openmtl.core.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.result.ResultFiles;

/**
 * The result of one run, as {@code result.json} holds it: this record is that file's typed form,
 * and {@link #toJsonText()} writes the file's JSON again (see docs/api.md for the schema).
 *
 * <p>Sections the record does not type (the selection rule, the affinity averages, steps to
 * target, the transfer comparison, peak memory, and whatever a later build adds) are kept as
 * written in {@link #others()}, so that reading a result and writing it back loses nothing.
 *
 * @param status how the run ended
 * @param reason why a failed run failed; null for a completed run
 * @param tasks per task its test metrics at the selected epoch ({@code tasks})
 * @param validation per task its validation metrics at the selected epoch
 * @param primaryMetrics per task its primary metric and that metric's direction
 * @param metricDirections per task and metric whether higher is better
 * @param preference per task its weight in the weighting's preference, summing to 1; empty when the
 *     weighting has none
 * @param selectedEpoch the epoch whose model was kept (the latest one selected per task, when
 *     selection is per task)
 * @param epochsCompleted the epochs trained
 * @param parameters the network's parameter count
 * @param msPerStep the median over epochs of milliseconds per step; NaN when no epoch ended
 * @param seconds the run's wall-clock time
 * @param structure what an adaptive architecture decided (branching, policies); null for a fixed one
 * @param config every resolved configuration key, defaults included
 * @param provenance where the result came from
 * @param history one record per epoch
 * @param others the sections not typed here, as written
 */
public record RunResult(
        Status status,
        String reason,
        Map<String, Map<String, Double>> tasks,
        Map<String, Map<String, Double>> validation,
        Map<String, PrimaryMetric> primaryMetrics,
        Map<String, Map<String, Boolean>> metricDirections,
        Map<String, Double> preference,
        int selectedEpoch,
        int epochsCompleted,
        long parameters,
        double msPerStep,
        double seconds,
        JsonObject structure,
        Map<String, String> config,
        RunProvenance provenance,
        List<EpochRecord> history,
        JsonObject others) {

    /** How a run ended ({@code result.json}'s {@code status}). */
    public enum Status {
        /** Every epoch ran and the result was written. */
        COMPLETED("completed"),
        /** The run stopped: an exception, or a non-finite loss; {@link RunResult#reason()} says which. */
        FAILED("failed");

        private final String json;

        Status(String json) {
            this.json = json;
        }

        /**
         * The value in {@code result.json}.
         *
         * @return {@code completed} or {@code failed}
         */
        public String json() {
            return json;
        }
    }

    private static final Set<String> TYPED = Set.of("status", "reason", "tasks", "validation", "primary_metrics",
            "metric_directions", "preference", "selected_epoch", "epochs_completed", "parameters", "ms_per_step", "seconds",
            "structure", "config", "provenance", "history");

    /** Copies the collections so the record cannot change under its reader. */
    public RunResult {
        Objects.requireNonNull(status, "status");
        tasks = table(tasks);
        validation = table(validation);
        primaryMetrics = primaryMetrics == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(primaryMetrics));
        Map<String, Map<String, Boolean>> directions = new LinkedHashMap<>();
        if (metricDirections != null) {
            metricDirections.forEach((k, v) -> directions.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        }
        metricDirections = Collections.unmodifiableMap(directions);
        preference = preference == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(preference));
        structure = structure == null ? null : structure.deepCopy();
        config = config == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(config));
        provenance = provenance == null ? new RunProvenance(null) : provenance;
        history = history == null ? List.of() : List.copyOf(history);
        others = others == null ? new JsonObject() : others.deepCopy();
    }

    @Override
    public JsonObject structure() {
        return structure == null ? null : structure.deepCopy();
    }

    @Override
    public JsonObject others() {
        return others.deepCopy();
    }

    /**
     * Whether the run completed.
     *
     * @return true for {@link Status#COMPLETED}
     */
    public boolean completed() {
        return status == Status.COMPLETED;
    }

    /**
     * A task's test value of one metric at the selected epoch.
     *
     * @param task the task
     * @param metric the metric
     * @return the value, if the result has it (a non-finite value is not written, so absent)
     */
    public Optional<Double> testMetric(String task, String metric) {
        return Optional.ofNullable(tasks.getOrDefault(task, Map.of()).get(metric));
    }

    /**
     * A task's primary test metric at the selected epoch.
     *
     * @param task the task
     * @return the value, if the result has it
     */
    public Optional<Double> primaryTestMetric(String task) {
        PrimaryMetric primary = primaryMetrics.get(task);
        return primary == null ? Optional.empty() : testMetric(task, primary.metric());
    }

    /**
     * Whether higher is better for a task's metric, as the task declared it.
     *
     * @param task the task
     * @param metric the metric
     * @return the direction, if the result records it
     */
    public Optional<Boolean> higherIsBetter(String task, String metric) {
        return Optional.ofNullable(metricDirections.getOrDefault(task, Map.of()).get(metric));
    }

    /**
     * One of the sections not typed here.
     *
     * @param name the section's key, e.g. {@code selection} or {@code steps_to_target}
     * @return the section as written, if the result has it
     */
    public Optional<JsonElement> section(String name) {
        return Optional.ofNullable(others.get(name)).map(JsonElement::deepCopy);
    }

    /**
     * Reads a {@code result.json}.
     *
     * @param file the file, or a run's output directory holding it
     * @return the result
     * @throws ConfigException if the file does not exist or is not a run's result
     */
    public static RunResult read(Path file) {
        Path json = Files.isDirectory(file) ? file.resolve("result.json") : file;
        if (!Files.isRegularFile(json)) {
            throw new ConfigException(json + " does not exist; expected a run's result.json or its output directory");
        }
        try {
            return fromJson(ResultFiles.readJson(json));
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(json + " cannot be read as a run result: " + e.getMessage(), e);
        }
    }

    /**
     * The typed form of a parsed {@code result.json}. Lenient: a section of the wrong shape or a
     * result of an older build reads with that section empty (and kept in {@link #others()}).
     *
     * @param json the parsed file
     * @return the result
     * @throws IllegalArgumentException if the JSON is not an object
     */
    public static RunResult fromJson(JsonElement json) {
        if (json == null || !json.isJsonObject()) {
            throw new IllegalArgumentException("a run result is a JSON object, not " + json);
        }
        JsonObject o = json.getAsJsonObject();
        JsonObject others = Json.without(o, TYPED);
        Status status = Status.FAILED;
        String statusText = Json.isString(o.get("status")) ? o.get("status").getAsString() : null;
        if (Status.COMPLETED.json().equals(statusText)) {
            status = Status.COMPLETED;
        } else if (!Status.FAILED.json().equals(statusText) && o.has("status")) {
            others.add("status", o.get("status").deepCopy()); // an unknown status is kept as written
        }
        String reason = null;
        if (Json.isString(o.get("reason"))) {
            reason = o.get("reason").getAsString();
        } else {
            keep(o, "reason", others);
        }
        Map<String, PrimaryMetric> primary = new LinkedHashMap<>();
        if (o.get("primary_metrics") != null && o.get("primary_metrics").isJsonObject()
                && o.getAsJsonObject("primary_metrics").entrySet().stream().allMatch(e -> isPrimary(e.getValue()))) {
            o.getAsJsonObject("primary_metrics").entrySet().forEach(e -> {
                JsonObject p = e.getValue().getAsJsonObject();
                primary.put(e.getKey(), new PrimaryMetric(p.get("metric").getAsString(), p.get("higher_is_better").getAsBoolean()));
            });
        } else {
            keep(o, "primary_metrics", others);
        }
        Map<String, Map<String, Boolean>> directions = new LinkedHashMap<>();
        if (isBooleanTable(o.get("metric_directions"))) {
            o.getAsJsonObject("metric_directions").entrySet().forEach(e -> {
                Map<String, Boolean> byMetric = new LinkedHashMap<>();
                e.getValue().getAsJsonObject().entrySet().forEach(m -> byMetric.put(m.getKey(), m.getValue().getAsBoolean()));
                directions.put(e.getKey(), byMetric);
            });
        } else {
            keep(o, "metric_directions", others);
        }
        Map<String, Double> preference = Map.of();
        if (Json.isNumberMap(o.get("preference")) && o.getAsJsonObject("preference").size() > 0) {
            preference = Json.numberMap(o.get("preference"));
        } else {
            keep(o, "preference", others);
        }
        JsonObject structure = null;
        if (o.get("structure") != null && o.get("structure").isJsonObject() && o.getAsJsonObject("structure").size() > 0) {
            structure = o.getAsJsonObject("structure");
        } else {
            keep(o, "structure", others);
        }
        Map<String, String> config = new TreeMap<>();
        if (o.get("config") != null && o.get("config").isJsonObject()
                && o.getAsJsonObject("config").entrySet().stream().allMatch(e -> Json.isString(e.getValue()))) {
            o.getAsJsonObject("config").entrySet().forEach(e -> config.put(e.getKey(), e.getValue().getAsString()));
        } else {
            keep(o, "config", others);
        }
        RunProvenance provenance = new RunProvenance(null);
        if (o.get("provenance") != null && o.get("provenance").isJsonObject()) {
            provenance = new RunProvenance(o.getAsJsonObject("provenance"));
        } else {
            keep(o, "provenance", others);
        }
        List<EpochRecord> history = new ArrayList<>();
        if (o.get("history") != null && o.get("history").isJsonArray()
                && o.getAsJsonArray("history").asList().stream().allMatch(JsonElement::isJsonObject)) {
            o.getAsJsonArray("history").forEach(h -> history.add(EpochRecord.fromJson(h.getAsJsonObject())));
        } else {
            keep(o, "history", others);
        }
        return new RunResult(status, reason, table(o, "tasks", others), table(o, "validation", others), primary, directions,
                preference, (int) number(o, "selected_epoch", others), (int) number(o, "epochs_completed", others),
                (long) number(o, "parameters", others), number(o, "ms_per_step", others), number(o, "seconds", others),
                structure, config, provenance, history, others);
    }

    /**
     * The result as {@code result.json} holds it: the typed fields, then the other sections.
     * Non-finite numbers are null here and left out of the file's text ({@link #toJsonText()}).
     *
     * @return the JSON tree
     */
    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.add("status", new JsonPrimitive(status.json()));
        if (reason != null) {
            o.add("reason", new JsonPrimitive(reason));
        }
        o.add("tasks", Json.write(tasks));
        o.add("validation", Json.write(validation));
        JsonObject primary = new JsonObject();
        primaryMetrics.forEach((task, p) -> {
            JsonObject m = new JsonObject();
            m.addProperty("metric", p.metric());
            m.addProperty("higher_is_better", p.higherIsBetter());
            primary.add(task, m);
        });
        o.add("primary_metrics", primary);
        JsonObject directions = new JsonObject();
        metricDirections.forEach((task, byMetric) -> {
            JsonObject m = new JsonObject();
            byMetric.forEach(m::addProperty);
            directions.add(task, m);
        });
        o.add("metric_directions", directions);
        if (!preference.isEmpty()) {
            o.add("preference", Json.writeNumbers(preference));
        }
        o.add("selected_epoch", new JsonPrimitive(selectedEpoch));
        o.add("epochs_completed", new JsonPrimitive(epochsCompleted));
        o.add("parameters", new JsonPrimitive(parameters));
        if (Double.isFinite(msPerStep)) {
            o.add("ms_per_step", new JsonPrimitive(msPerStep));
        }
        o.add("seconds", Json.number(seconds));
        if (structure != null) {
            o.add("structure", structure.deepCopy());
        }
        JsonObject configJson = new JsonObject();
        config.forEach(configJson::addProperty);
        o.add("config", configJson);
        o.add("provenance", provenance.fields());
        JsonArray historyJson = new JsonArray();
        history.forEach(h -> historyJson.add(h.toJson()));
        o.add("history", historyJson);
        others.entrySet().forEach(e -> o.add(e.getKey(), e.getValue().deepCopy()));
        return o;
    }

    /**
     * The text of {@code result.json} for this result, as the framework writes files.
     *
     * @return pretty-printed JSON
     */
    public String toJsonText() {
        return ResultFiles.toJson(toJson());
    }

    /**
     * Writes this result as a {@code result.json}, atomically.
     *
     * @param file the file
     * @throws IOException if writing fails
     */
    public void write(Path file) throws IOException {
        ResultFiles.writeJson(file, toJson());
    }

    /**
     * The typed form of a result the framework holds as maps (the trainer's return value).
     *
     * @param result maps, lists, strings, numbers, booleans
     * @return the result, exactly as {@code result.json} would read
     */
    public static RunResult fromMap(Map<String, Object> result) {
        return fromJson(JsonParser.parseString(ResultFiles.toJson(result)));
    }

    private static boolean isPrimary(JsonElement e) {
        return e.isJsonObject() && Json.isString(e.getAsJsonObject().get("metric"))
                && e.getAsJsonObject().get("higher_is_better") != null
                && e.getAsJsonObject().get("higher_is_better").isJsonPrimitive()
                && e.getAsJsonObject().get("higher_is_better").getAsJsonPrimitive().isBoolean();
    }

    private static boolean isBooleanTable(JsonElement e) {
        return e != null && e.isJsonObject() && e.getAsJsonObject().entrySet().stream().allMatch(row -> row.getValue().isJsonObject()
                && row.getValue().getAsJsonObject().entrySet().stream()
                        .allMatch(m -> m.getValue().isJsonPrimitive() && m.getValue().getAsJsonPrimitive().isBoolean()));
    }

    private static Map<String, Map<String, Double>> table(JsonObject o, String key, JsonObject others) {
        if (Json.isMetricTable(o.get(key))) {
            return Json.metricTable(o.get(key));
        }
        keep(o, key, others);
        return Map.of();
    }

    private static double number(JsonObject o, String key, JsonObject others) {
        if (Json.isNumber(o.get(key))) {
            return o.get(key).getAsDouble();
        }
        keep(o, key, others);
        return Double.NaN;
    }

    private static void keep(JsonObject o, String key, JsonObject others) {
        if (o.has(key)) {
            others.add(key, o.get(key).deepCopy());
        }
    }

    private static Map<String, Map<String, Double>> table(Map<String, Map<String, Double>> table) {
        if (table == null) {
            return Map.of();
        }
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        table.forEach((k, v) -> out.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        return Collections.unmodifiableMap(out);
    }
}
