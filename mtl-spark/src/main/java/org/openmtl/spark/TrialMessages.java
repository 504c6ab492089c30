package org.openmtl.spark;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.ToNumberPolicy;
import com.google.gson.reflect.TypeToken;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openmtl.core.sweep.TrialOutcome;
import org.openmtl.core.sweep.TrialSpec;

/**
 * Trials and outcomes in the form in which they travel between the driver and a Spark task: a
 * trial as a JSON string (its values are strings), an outcome as a plain map of JDK types. Neither
 * carries a framework class, so nothing of the framework has to be serializable, and every number
 * keeps its exact value.
 */
final class TrialMessages {

    private static final Gson GSON = new GsonBuilder()
            .serializeNulls()
            .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
            .create();

    private static final TypeToken<Map<String, Object>> MAP = new TypeToken<>() {};

    private TrialMessages() {}

    static String spec(TrialSpec trial) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", trial.id());
        m.put("attempt", trial.attempt());
        m.put("values", trial.values());
        return GSON.toJson(m);
    }

    @SuppressWarnings("unchecked")
    static TrialSpec spec(String json) {
        Map<String, Object> m = GSON.fromJson(json, MAP.getType());
        Map<String, String> values = new LinkedHashMap<>();
        ((Map<String, Object>) m.get("values")).forEach((k, v) -> values.put(k, String.valueOf(v)));
        return new TrialSpec((String) m.get("id"), values, ((Number) m.get("attempt")).intValue());
    }

    /**
     * An outcome as a plain map of JDK types (maps, lists, strings, numbers, booleans), which Java
     * serialization carries exactly: JSON would turn a diverged trial's NaN loss into a string.
     */
    static LinkedHashMap<String, Object> outcome(TrialOutcome outcome) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        m.put("status", outcome.status().name());
        m.put("result", plain(outcome.result()));
        m.put("reason", outcome.reason());
        m.put("worker", outcome.worker());
        m.put("seconds", outcome.seconds());
        return m;
    }

    @SuppressWarnings("unchecked")
    static TrialOutcome outcome(Map<String, Object> m) {
        return new TrialOutcome(TrialOutcome.Status.valueOf((String) m.get("status")), (Map<String, Object>) m.get("result"),
                (String) m.get("reason"), (String) m.get("worker"), ((Number) m.get("seconds")).doubleValue());
    }

    /** A deep copy of a result made only of serializable JDK types; anything else becomes its text. */
    private static Object plain(Object o) {
        if (o == null || o instanceof String || o instanceof Boolean || o instanceof Double || o instanceof Float
                || o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
            return o;
        }
        if (o instanceof Map<?, ?> map) {
            LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), plain(v)));
            return copy;
        }
        if (o instanceof Iterable<?> list) {
            ArrayList<Object> copy = new ArrayList<>();
            list.forEach(v -> copy.add(plain(v)));
            return copy;
        }
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        return o.toString();
    }
}
