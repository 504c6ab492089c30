package org.openmtl.api.plugin;

import java.util.List;
import java.util.Objects;

/**
 * One configuration key of a plugin (or of the framework): its name, type, default, allowed values
 * and description. A plugin's keys are written relative to the plugin, e.g. {@code weights}; in a
 * config file they appear as {@code <kind>.<plugin>.<key>}, e.g. {@code weighting.static.weights}.
 *
 * @param name the key, lowercase words separated by dots
 * @param type the value type
 * @param defaultValue the default as written in a config file; empty when the default is "unset"
 * @param description one sentence for the reference and {@code ./mtl plugins --verbose}
 * @param min the smallest allowed value for numbers (inclusive), or null
 * @param max the largest allowed value for numbers (inclusive), or null
 * @param choices the allowed values for a string key, or empty for any
 */
public record ConfigKey(
        String name,
        ValueType type,
        String defaultValue,
        String description,
        Double min,
        Double max,
        List<String> choices) {

    /** Validates and copies the fields. */
    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(description, "description");
        if (!name.matches("[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)*")) {
            throw new IllegalArgumentException(
                    "config key '" + name + "' is not lowercase words separated by dots");
        }
        if (description.isBlank()) {
            throw new IllegalArgumentException("config key '" + name + "' has no description");
        }
        choices = choices == null ? List.of() : List.copyOf(choices);
    }

    /**
     * A string key.
     *
     * @param name the key
     * @param defaultValue the default
     * @param description what it sets
     * @return the key
     */
    public static ConfigKey string(String name, String defaultValue, String description) {
        return new ConfigKey(name, ValueType.STRING, defaultValue, description, null, null, null);
    }

    /**
     * A string key restricted to a set of values.
     *
     * @param name the key
     * @param defaultValue the default, one of {@code choices}
     * @param description what it sets
     * @param choices the allowed values
     * @return the key
     */
    public static ConfigKey choice(
            String name, String defaultValue, String description, String... choices) {
        return new ConfigKey(
                name, ValueType.STRING, defaultValue, description, null, null, List.of(choices));
    }

    /**
     * An integer key with an inclusive range.
     *
     * @param name the key
     * @param defaultValue the default
     * @param min the smallest allowed value
     * @param max the largest allowed value
     * @param description what it sets
     * @return the key
     */
    public static ConfigKey integer(
            String name, int defaultValue, int min, int max, String description) {
        return new ConfigKey(
                name,
                ValueType.INT,
                Integer.toString(defaultValue),
                description,
                (double) min,
                (double) max,
                null);
    }

    /**
     * A long key with an inclusive range.
     *
     * @param name the key
     * @param defaultValue the default
     * @param min the smallest allowed value
     * @param description what it sets
     * @return the key
     */
    public static ConfigKey longInteger(
            String name, long defaultValue, long min, String description) {
        return new ConfigKey(
                name,
                ValueType.LONG,
                Long.toString(defaultValue),
                description,
                (double) min,
                null,
                null);
    }

    /**
     * A number key with an inclusive range.
     *
     * @param name the key
     * @param defaultValue the default
     * @param min the smallest allowed value, or null
     * @param max the largest allowed value, or null
     * @param description what it sets
     * @return the key
     */
    public static ConfigKey number(
            String name, double defaultValue, Double min, Double max, String description) {
        return new ConfigKey(
                name,
                ValueType.DOUBLE,
                Double.toString(defaultValue),
                description,
                min,
                max,
                null);
    }

    /**
     * A boolean key.
     *
     * @param name the key
     * @param defaultValue the default
     * @param description what it sets
     * @return the key
     */
    public static ConfigKey bool(String name, boolean defaultValue, String description) {
        return new ConfigKey(
                name,
                ValueType.BOOLEAN,
                Boolean.toString(defaultValue),
                description,
                null,
                null,
                null);
    }

    /**
     * A list-of-numbers key.
     *
     * @param name the key
     * @param defaultValue the default as written, e.g. {@code "1,1"}, or empty for unset
     * @param description what it sets
     * @return the key
     */
    public static ConfigKey numbers(String name, String defaultValue, String description) {
        return new ConfigKey(
                name, ValueType.DOUBLE_LIST, defaultValue, description, null, null, null);
    }

    /**
     * A list-of-words key.
     *
     * @param name the key
     * @param defaultValue the default as written, e.g. {@code "a,b"}, or empty for unset
     * @param description what it sets
     * @return the key
     */
    public static ConfigKey words(String name, String defaultValue, String description) {
        return new ConfigKey(
                name, ValueType.STRING_LIST, defaultValue, description, null, null, null);
    }

    /**
     * Describes what values this key accepts, for error messages.
     *
     * @return e.g. {@code "an integer in [1, 1000]"}
     */
    public String expected() {
        StringBuilder sb = new StringBuilder(type.description());
        if (!choices.isEmpty()) {
            sb.append(", one of ").append(String.join(", ", choices));
        }
        if (min != null || max != null) {
            sb.append(" in [")
                    .append(min == null ? "-inf" : format(min))
                    .append(", ")
                    .append(max == null ? "inf" : format(max))
                    .append(']');
        }
        return sb.toString();
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }
}
