package org.openmtl.core.adapt;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.result.ResultFiles;

/**
 * A finished run with a saved model, named by {@code adapt.from} (a run's output directory) or by
 * {@code adapt.from} and {@code adapt.trial} (a sweep's output directory and one trial's id, whose
 * files are under {@code <sweep>/trials/<id>/}).
 *
 * @param directory the run's output directory
 * @param trial the sweep trial id, or empty
 * @param config the run's resolved configuration, as its result.json records it
 * @param model the saved parameters ({@code model.params})
 * @param recordedTasks the tasks the result reports, in the run's order (empty if it reports none)
 * @param build the framework build that trained the run, or {@code unknown}
 */
public record SavedRun(Path directory, String trial, Map<String, String> config, Path model, List<String> recordedTasks,
        String build) {

    /** Copies the collections. */
    public SavedRun {
        config = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(config));
        recordedTasks = List.copyOf(recordedTasks);
    }

    /**
     * The tasks the run trained, as its {@code tasks} key says; empty when it trained every task
     * of its dataset.
     *
     * @return task names
     */
    public List<String> trainedTasks() {
        List<String> tasks = new ArrayList<>();
        for (String t : config.getOrDefault(RunKeys.TASKS, "").split(",")) {
            if (!t.isBlank()) {
                tasks.add(t.trim());
            }
        }
        return tasks;
    }

    /**
     * Finds the run and checks that it completed and saved its model.
     *
     * @param from {@code adapt.from}
     * @param trial {@code adapt.trial}, or empty
     * @return the run
     * @throws ConfigException naming the key and the path when there is no such run, it did not
     *     complete, or it has no saved model
     */
    public static SavedRun resolve(Path from, String trial) {
        if (Files.isRegularFile(from) && from.getFileName().toString().equals("result.json")) {
            from = from.toAbsolutePath().getParent();
        }
        if (!Files.isDirectory(from)) {
            throw new ConfigException("adapt.from: " + from + (Files.exists(from) ? " is a file" : " does not exist")
                    + "; expected a run's output directory (with result.json and model.params) or a sweep's output"
                    + " directory (with sweep.json) together with adapt.trial");
        }
        Path directory = from;
        boolean sweep = Files.isRegularFile(from.resolve("sweep.json"));
        if (sweep) {
            Map<String, String> trials = trials(from.resolve("sweep.json"));
            if (trial.isEmpty()) {
                throw new ConfigException("adapt.trial: " + from + " is a sweep; name one of its " + trials.size()
                        + " trials with adapt.trial=<id>: " + listing(trials));
            }
            if (!trials.containsKey(trial)) {
                throw new ConfigException("adapt.trial: the sweep in " + from + " has no trial '" + trial + "'; its trials: "
                        + listing(trials));
            }
            directory = from.resolve("trials").resolve(trial);
        } else if (!trial.isEmpty()) {
            throw new ConfigException("adapt.trial: set to '" + trial + "', but adapt.from " + from + " is not a sweep's"
                    + " output directory (no sweep.json); leave adapt.trial empty for a run directory");
        }
        String what = sweep ? "trial " + trial + " of the sweep in " + from + " (" + directory + ")" : from.toString();
        Path result = directory.resolve("result.json");
        Path model = directory.resolve("model.params");
        if (!Files.isRegularFile(result)) {
            throw new ConfigException("adapt.from: " + what + " holds no finished run with a saved model (expected"
                    + " result.json and model.params; a run writes both when it finishes)");
        }
        JsonObject json;
        try {
            json = ResultFiles.readJson(result).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("adapt.from: " + result + " cannot be read as a run result: " + e.getMessage(), e);
        }
        String status = json.has("status") ? json.get("status").getAsString() : "missing";
        if (!"completed".equals(status)) {
            String reason = json.has("reason") && json.get("reason").isJsonPrimitive() ? ": " + json.get("reason").getAsString() : "";
            throw new ConfigException("adapt.from: the run in " + what + " did not complete (status " + status + reason
                    + "); adapt a completed run");
        }
        if (!Files.isRegularFile(model)) {
            throw new ConfigException("adapt.from: the run in " + what + " has no saved model (no model.params beside its"
                    + " result.json); adapt a run that saved its model");
        }
        if (!json.has("config") || !json.get("config").isJsonObject()) {
            throw new ConfigException("adapt.from: " + result + " records no configuration (no config object)");
        }
        Map<String, String> config = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : json.getAsJsonObject("config").entrySet()) {
            config.put(e.getKey(), e.getValue().isJsonNull() ? "" : e.getValue().getAsString());
        }
        List<String> recorded = new ArrayList<>();
        if (json.has("primary_metrics") && json.get("primary_metrics").isJsonObject()) {
            recorded.addAll(json.getAsJsonObject("primary_metrics").keySet());
        }
        String build = "unknown";
        if (json.has("provenance") && json.get("provenance").isJsonObject()
                && json.getAsJsonObject("provenance").has("build")) {
            build = json.getAsJsonObject("provenance").get("build").getAsString();
        }
        return new SavedRun(directory, trial, config, model, recorded, build);
    }

    /** Trial id to a label of its sweep point, in plan order. */
    private static Map<String, String> trials(Path sweepJson) {
        Map<String, String> trials = new LinkedHashMap<>();
        try {
            for (JsonElement t : ResultFiles.readJson(sweepJson).getAsJsonObject().getAsJsonArray("trials")) {
                JsonObject trial = t.getAsJsonObject();
                List<String> point = new ArrayList<>();
                if (trial.has("point")) {
                    trial.getAsJsonObject("point").entrySet().forEach(e -> point.add(e.getKey() + "=" + e.getValue().getAsString()));
                }
                trials.put(trial.get("id").getAsString(), String.join(" ", point));
            }
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("adapt.from: " + sweepJson + " cannot be read as a sweep plan: " + e.getMessage(), e);
        }
        return trials;
    }

    private static String listing(Map<String, String> trials) {
        List<String> shown = new ArrayList<>();
        int limit = 10;
        for (Map.Entry<String, String> t : trials.entrySet()) {
            if (shown.size() == limit) {
                shown.add("... (" + (trials.size() - limit) + " more in sweep.json)");
                break;
            }
            shown.add(t.getKey() + (t.getValue().isEmpty() ? "" : " (" + t.getValue() + ")"));
        }
        return String.join(", ", shown);
    }
}
