package org.openmtl.core.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reading and writing the typed parts of result files. Reading is lenient (a result written by an
 * older build may lack a section): a missing or mistyped value reads as absent; a section that is
 * read into a typed field is taken out of the "other sections", so that writing the record back
 * gives the same JSON tree.
 */
final class Json {

    private Json() {}

    static boolean isNumber(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber();
    }

    static boolean isString(JsonElement e) {
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
    }

    /** A metric value: a number, or null where the file has null (a non-finite value). */
    static Double metric(JsonElement e) {
        return isNumber(e) ? e.getAsDouble() : null;
    }

    /** Whether a value is an object whose values are all objects of numbers or nulls. */
    static boolean isMetricTable(JsonElement e) {
        if (e == null || !e.isJsonObject()) {
            return false;
        }
        for (Map.Entry<String, JsonElement> row : e.getAsJsonObject().entrySet()) {
            if (!isNumberMap(row.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Whether a value is an object whose values are all numbers or nulls. */
    static boolean isNumberMap(JsonElement e) {
        if (e == null || !e.isJsonObject()) {
            return false;
        }
        for (Map.Entry<String, JsonElement> v : e.getAsJsonObject().entrySet()) {
            if (!v.getValue().isJsonNull() && !isNumber(v.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** task → metric → value (null for a non-finite value), in the file's order. */
    static Map<String, Map<String, Double>> metricTable(JsonElement e) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        e.getAsJsonObject().entrySet().forEach(row -> out.put(row.getKey(), numberMap(row.getValue())));
        return Collections.unmodifiableMap(out);
    }

    /** key → value (null for a non-finite value), in the file's order. */
    static Map<String, Double> numberMap(JsonElement e) {
        Map<String, Double> out = new LinkedHashMap<>();
        e.getAsJsonObject().entrySet().forEach(v -> out.put(v.getKey(), metric(v.getValue())));
        return Collections.unmodifiableMap(out);
    }

    static JsonObject write(Map<String, Map<String, Double>> table) {
        JsonObject o = new JsonObject();
        table.forEach((k, v) -> o.add(k, writeNumbers(v)));
        return o;
    }

    static JsonObject writeNumbers(Map<String, Double> values) {
        JsonObject o = new JsonObject();
        values.forEach((k, v) -> o.add(k, number(v)));
        return o;
    }

    /** A number as written to files: non-finite and absent as null. */
    static JsonElement number(Double v) {
        return v == null || !Double.isFinite(v) ? JsonNull.INSTANCE : new JsonPrimitive(v);
    }

    /** A copy of an object without the given keys. */
    static JsonObject without(JsonObject o, Set<String> keys) {
        JsonObject rest = new JsonObject();
        o.entrySet().forEach(e -> {
            if (!keys.contains(e.getKey())) {
                rest.add(e.getKey(), e.getValue().deepCopy());
            }
        });
        return rest;
    }
}
