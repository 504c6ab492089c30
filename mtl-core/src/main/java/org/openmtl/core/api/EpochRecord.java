package org.openmtl.core.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One epoch of a run's history ({@code result.json}'s {@code history[i]}).
 *
 * @param epoch the epoch, from 1
 * @param phase the training phase's name (adaptive architectures have several)
 * @param learningRate the optimizer's learning rate in the epoch ({@code lr})
 * @param steps the epoch's optimizer steps
 * @param seconds the epoch's training time
 * @param msPerStep milliseconds per step ({@code ms_per_step})
 * @param train per task its training loss and running primary metric
 * @param validation per task its validation metrics
 * @param test per task its test metrics
 * @param weights per task its mean weight over the epoch; empty when the weighting reported none
 * @param others the epoch's other sections as written ({@code gradients}, {@code affinity},
 *     {@code structure}, ...)
 */
public record EpochRecord(
        int epoch,
        String phase,
        double learningRate,
        int steps,
        double seconds,
        double msPerStep,
        Map<String, Map<String, Double>> train,
        Map<String, Map<String, Double>> validation,
        Map<String, Map<String, Double>> test,
        Map<String, Double> weights,
        JsonObject others) {

    private static final Set<String> TYPED = Set.of("epoch", "phase", "lr", "steps", "seconds", "ms_per_step", "train",
            "validation", "test", "weights");

    /** Copies the collections so the record cannot change under its reader. */
    public EpochRecord {
        train = copy(train);
        validation = copy(validation);
        test = copy(test);
        weights = weights == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(weights));
        others = others == null ? new JsonObject() : others.deepCopy();
    }

    @Override
    public JsonObject others() {
        return others.deepCopy();
    }

    /**
     * One of the epoch's other sections.
     *
     * @param name the section's key, e.g. {@code structure}
     * @return the section as written, if the epoch has it
     */
    public Optional<JsonElement> section(String name) {
        return Optional.ofNullable(others.get(name)).map(JsonElement::deepCopy);
    }

    static EpochRecord fromJson(JsonObject o) {
        JsonObject others = new JsonObject();
        o.entrySet().forEach(e -> {
            if (!TYPED.contains(e.getKey())) {
                others.add(e.getKey(), e.getValue());
            }
        });
        int epoch = intOr(o, "epoch", others);
        String phase = Json.isString(o.get("phase")) ? o.get("phase").getAsString() : keep(o, "phase", others, "");
        double lr = doubleOr(o, "lr", others);
        int steps = intOr(o, "steps", others);
        double seconds = doubleOr(o, "seconds", others);
        double ms = doubleOr(o, "ms_per_step", others);
        Map<String, Map<String, Double>> train = table(o, "train", others);
        Map<String, Map<String, Double>> validation = table(o, "validation", others);
        Map<String, Map<String, Double>> test = table(o, "test", others);
        Map<String, Double> weights = Map.of();
        if (o.has("weights")) {
            if (Json.isNumberMap(o.get("weights")) && o.getAsJsonObject("weights").size() > 0) {
                weights = Json.numberMap(o.get("weights"));
            } else {
                others.add("weights", o.get("weights"));
            }
        }
        return new EpochRecord(epoch, phase, lr, steps, seconds, ms, train, validation, test, weights, others);
    }

    JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.add("epoch", new JsonPrimitive(epoch));
        o.add("phase", new JsonPrimitive(phase));
        o.add("lr", Json.number(learningRate));
        o.add("steps", new JsonPrimitive(steps));
        o.add("seconds", Json.number(seconds));
        o.add("ms_per_step", Json.number(msPerStep));
        o.add("train", Json.write(train));
        o.add("validation", Json.write(validation));
        o.add("test", Json.write(test));
        if (!weights.isEmpty()) {
            o.add("weights", Json.writeNumbers(weights));
        }
        others.entrySet().forEach(e -> o.add(e.getKey(), e.getValue().deepCopy()));
        return o;
    }

    private static Map<String, Map<String, Double>> table(JsonObject o, String key, JsonObject others) {
        if (Json.isMetricTable(o.get(key))) {
            return Json.metricTable(o.get(key));
        }
        if (o.has(key)) {
            others.add(key, o.get(key));
        }
        return Map.of();
    }

    private static int intOr(JsonObject o, String key, JsonObject others) {
        if (Json.isNumber(o.get(key))) {
            return o.get(key).getAsInt();
        }
        keep(o, key, others, null);
        return 0;
    }

    private static double doubleOr(JsonObject o, String key, JsonObject others) {
        if (Json.isNumber(o.get(key))) {
            return o.get(key).getAsDouble();
        }
        keep(o, key, others, null);
        return Double.NaN;
    }

    /** Keeps a value the record cannot type among the others, so that writing gives it back. */
    private static String keep(JsonObject o, String key, JsonObject others, String fallback) {
        if (o.has(key)) {
            others.add(key, o.get(key));
        }
        return fallback;
    }

    private static Map<String, Map<String, Double>> copy(Map<String, Map<String, Double>> table) {
        if (table == null) {
            return Map.of();
        }
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        table.forEach((k, v) -> out.put(k, Collections.unmodifiableMap(new LinkedHashMap<>(v))));
        return Collections.unmodifiableMap(out);
    }
}
