package org.openmtl.api.plugin;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds a validated {@link PluginConfig} from raw string values, checking each against the type
 * and range its {@link ConfigKey} declares. The framework's configuration uses it for every plugin;
 * tests and the test kit use it to configure plugins directly.
 */
public final class PluginConfigs {

    private PluginConfigs() {}

    /**
     * A configuration holding only the defaults.
     *
     * @param descriptor the plugin's descriptor
     * @param seed the plugin's seed
     * @return the configuration
     */
    public static PluginConfig defaults(PluginDescriptor descriptor, long seed) {
        return of(descriptor, Map.of(), seed);
    }

    /**
     * Validates values against a descriptor.
     *
     * @param descriptor the plugin's descriptor
     * @param values raw values by relative key; missing keys take their defaults
     * @param seed the plugin's seed
     * @return the configuration
     * @throws PluginConfigException naming the full key when a value is unknown, of the wrong type
     *     or out of range
     */
    public static PluginConfig of(
            PluginDescriptor descriptor, Map<String, String> values, long seed) {
        Map<String, ConfigKey> declared = new LinkedHashMap<>();
        for (ConfigKey key : descriptor.keys()) {
            declared.put(key.name(), key);
        }
        for (String key : values.keySet()) {
            if (!declared.containsKey(key)) {
                throw new PluginConfigException(
                        descriptor.keyPrefix() + key,
                        "unknown key of "
                                + descriptor.kind().configName()
                                + " '"
                                + descriptor.name()
                                + "'; its keys are "
                                + (declared.isEmpty() ? "(none)" : String.join(", ", declared.keySet())));
            }
        }
        Map<String, Object> parsed = new LinkedHashMap<>();
        for (ConfigKey key : declared.values()) {
            String raw = values.getOrDefault(key.name(), key.defaultValue());
            parsed.put(key.name(), parse(descriptor.keyPrefix() + key.name(), key, raw));
        }
        return new Validated(descriptor, Collections.unmodifiableMap(parsed), seed);
    }

    /**
     * Parses and checks one raw value.
     *
     * @param fullKey the key as the user writes it, for messages
     * @param key the declaration
     * @param raw the raw value
     * @return an Integer, Long, Double, Boolean, String or List
     * @throws PluginConfigException if the value does not fit the declaration
     */
    public static Object parse(String fullKey, ConfigKey key, String raw) {
        String value = raw == null ? "" : raw.trim();
        try {
            switch (key.type()) {
                case INT:
                    return checkRange(fullKey, key, Integer.parseInt(value), value);
                case LONG:
                    return checkRange(fullKey, key, Long.parseLong(value), value);
                case DOUBLE:
                    double d = Double.parseDouble(value);
                    if (!Double.isFinite(d)) {
                        throw new NumberFormatException(value);
                    }
                    return checkRange(fullKey, key, d, value);
                case BOOLEAN:
                    String b = value.toLowerCase(Locale.ROOT);
                    if (!b.equals("true") && !b.equals("false")) {
                        throw new NumberFormatException(value);
                    }
                    return Boolean.parseBoolean(b);
                case DOUBLE_LIST:
                    List<Double> numbers = new ArrayList<>();
                    for (String part : split(value)) {
                        double x = Double.parseDouble(part);
                        if (!Double.isFinite(x)) {
                            throw new NumberFormatException(part);
                        }
                        checkRange(fullKey, key, x, part);
                        numbers.add(x);
                    }
                    return List.copyOf(numbers);
                case STRING_LIST:
                    List<String> words = split(value);
                    for (String w : words) {
                        checkChoice(fullKey, key, w);
                    }
                    return List.copyOf(words);
                case STRING:
                default:
                    checkChoice(fullKey, key, value);
                    return value;
            }
        } catch (NumberFormatException e) {
            throw new PluginConfigException(
                    fullKey, "'" + raw + "' is not valid; expected " + key.expected());
        }
    }

    private static List<String> split(String value) {
        List<String> parts = new ArrayList<>();
        String v = value;
        if (v.startsWith("[") && v.endsWith("]")) {
            v = v.substring(1, v.length() - 1);
        }
        for (String part : v.split(",")) {
            if (!part.isBlank()) {
                parts.add(part.trim());
            }
        }
        return parts;
    }

    private static void checkChoice(String fullKey, ConfigKey key, String value) {
        if (!key.choices().isEmpty() && !key.choices().contains(value)) {
            throw new PluginConfigException(
                    fullKey, "'" + value + "' is not valid; expected one of " + String.join(", ", key.choices()));
        }
    }

    private static <T extends Number> T checkRange(String fullKey, ConfigKey key, T number, String raw) {
        double v = number.doubleValue();
        if ((key.min() != null && v < key.min()) || (key.max() != null && v > key.max())) {
            throw new PluginConfigException(
                    fullKey, "'" + raw + "' is out of range; expected " + key.expected());
        }
        return number;
    }

    private static final class Validated implements PluginConfig {
        private final PluginDescriptor descriptor;
        private final Map<String, Object> values;
        private final long seed;

        Validated(PluginDescriptor descriptor, Map<String, Object> values, long seed) {
            this.descriptor = descriptor;
            this.values = values;
            this.seed = seed;
        }

        private Object get(String key) {
            Object v = values.get(key);
            if (v == null) {
                throw new IllegalArgumentException(
                        descriptor.kind().configName()
                                + " '"
                                + descriptor.name()
                                + "' read key '"
                                + key
                                + "' it did not declare");
            }
            return v;
        }

        @Override
        public String getString(String key) {
            Object v = get(key);
            return v instanceof List ? String.join(",", ((List<?>) v).stream().map(String::valueOf).toList()) : String.valueOf(v);
        }

        @Override
        public int getInt(String key) {
            return ((Number) get(key)).intValue();
        }

        @Override
        public long getLong(String key) {
            return ((Number) get(key)).longValue();
        }

        @Override
        public double getDouble(String key) {
            return ((Number) get(key)).doubleValue();
        }

        @Override
        public boolean getBoolean(String key) {
            return (Boolean) get(key);
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<Double> getDoubleList(String key) {
            return (List<Double>) get(key);
        }

        @Override
        @SuppressWarnings("unchecked")
        public List<String> getStringList(String key) {
            return (List<String>) get(key);
        }

        @Override
        public long seed() {
            return seed;
        }

        @Override
        public String qualifiedKey(String key) {
            return descriptor.keyPrefix() + key;
        }
    }
}
