package org.openmtl.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.configuration2.CompositeConfiguration;
import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.MapConfiguration;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a configuration from a properties or YAML file and {@code key=value} overrides, and merges
 * them with precedence overrides &gt; file (the framework's defaults come last, in {@link
 * ConfigValidator}). Remembers where each key came from (file and line, or the command line), so
 * an error can point at it.
 */
public final class ConfigSource {

    private final Map<String, String> values;
    private final Map<String, String> origins;
    private final List<String> budgets;

    private ConfigSource(Map<String, String> values, Map<String, String> origins) {
        this(values, origins, List.of());
    }

    private ConfigSource(Map<String, String> values, Map<String, String> origins, List<String> budgets) {
        this.values = values;
        this.origins = origins;
        this.budgets = List.copyOf(budgets);
    }

    /**
     * The named budgets the configuration defines ({@code budgets.<name>.<key>}), whether or not
     * one was picked.
     *
     * @return the names, in the order they were defined
     */
    public List<String> budgets() {
        return budgets;
    }

    /**
     * Loads a file (or none) and applies overrides.
     *
     * @param file a {@code .properties}, {@code .yaml} or {@code .yml} file, or null for none
     * @param overrides {@code key=value} strings from the command line
     * @return the merged source
     * @throws ConfigException if the file cannot be read or parsed, or an override is malformed
     */
    public static ConfigSource load(Path file, List<String> overrides) {
        Map<String, String> fileValues = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        if (file != null) {
            fileValues.putAll(readFile(file));
            List<String> lines = readLines(file);
            for (String key : fileValues.keySet()) {
                origins.put(key, file + lineOf(lines, key));
            }
        }
        Map<String, String> overrideValues = parseOverrides(overrides);
        for (String key : overrideValues.keySet()) {
            origins.put(key, "the command line");
        }
        CompositeConfiguration composite = new CompositeConfiguration();
        composite.addConfiguration(new MapConfiguration(new LinkedHashMap<String, Object>(overrideValues)));
        composite.addConfiguration(new MapConfiguration(new LinkedHashMap<String, Object>(fileValues)));
        Map<String, String> merged = new LinkedHashMap<>();
        for (Iterator<String> it = composite.getKeys(); it.hasNext(); ) {
            String key = it.next();
            merged.put(key, composite.getString(key));
        }
        List<String> budgets = applyBudget(merged, origins, overrideValues.keySet());
        return new ConfigSource(merged, origins, budgets);
    }

    /** The key that picks a named budget. */
    public static final String BUDGET = "budget";

    /** The prefix of named budget definitions: {@code budgets.<name>.<key> = value}. */
    public static final String BUDGETS_PREFIX = "budgets.";

    /**
     * Resolves a named budget: a config may define bundles of keys under {@code budgets.<name>}
     * (e.g. the epochs and schedule of a paper's protocol), and {@code budget=<name>} applies one.
     * The bundle overrides the file's own values but not keys given on the command line; the
     * definitions and the {@code budget} key itself are removed, so a trial's identity depends
     * only on the values it runs with.
     */
    private static List<String> applyBudget(Map<String, String> merged, Map<String, String> origins, java.util.Set<String> fromCommandLine) {
        Map<String, Map<String, String>> budgets = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, String>> it = merged.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, String> e = it.next();
            if (!e.getKey().startsWith(BUDGETS_PREFIX)) {
                continue;
            }
            String rest = e.getKey().substring(BUDGETS_PREFIX.length());
            int dot = rest.indexOf('.');
            if (dot <= 0 || dot == rest.length() - 1) {
                throw new ConfigException(e.getKey() + ": a budget key is budgets.<name>.<key> (set in "
                        + origins.getOrDefault(e.getKey(), "the defaults") + ")");
            }
            budgets.computeIfAbsent(rest.substring(0, dot), n -> new LinkedHashMap<>()).put(rest.substring(dot + 1), e.getValue());
            it.remove();
        }
        String name = merged.remove(BUDGET);
        List<String> names = new ArrayList<>(budgets.keySet());
        if (name == null || name.isBlank()) {
            return names;
        }
        String where = origins.getOrDefault(BUDGET, "the defaults");
        Map<String, String> bundle = budgets.get(name.trim());
        if (bundle == null) {
            throw new ConfigException(BUDGET + ": no budget is named '" + name.trim() + "' (set in " + where + "); "
                    + (budgets.isEmpty() ? "this configuration defines none (budgets.<name>.<key> = value)"
                            : "defined: " + String.join(", ", budgets.keySet())));
        }
        bundle.forEach((k, v) -> {
            if (!fromCommandLine.contains(k)) {
                merged.put(k, v);
                origins.put(k, "budget '" + name.trim() + "' (" + origins.getOrDefault(BUDGETS_PREFIX + name.trim() + "." + k, where) + ")");
            }
        });
        return names;
    }

    /**
     * Builds a source from a map, as if every key came from the command line.
     *
     * @param values the values
     * @return the source
     */
    public static ConfigSource of(Map<String, String> values) {
        Map<String, String> origins = new LinkedHashMap<>();
        values.keySet().forEach(k -> origins.put(k, "the command line"));
        return new ConfigSource(new LinkedHashMap<>(values), origins);
    }

    /**
     * A source of other values that keeps this source's origins for the keys the two share: a
     * command that takes some keys for itself passes the rest on, and messages about them still say
     * where each was set. Keys this source lacks count as defaults.
     *
     * @param newValues the values
     * @return the source
     */
    public ConfigSource withValues(Map<String, String> newValues) {
        Map<String, String> kept = new LinkedHashMap<>();
        newValues.keySet().forEach(k -> {
            if (origins.containsKey(k)) {
                kept.put(k, origins.get(k));
            }
        });
        return new ConfigSource(new LinkedHashMap<>(newValues), kept, budgets);
    }

    /**
     * The merged raw values.
     *
     * @return key to value
     */
    public Map<String, String> values() {
        return values;
    }

    /**
     * Where a key was set, e.g. {@code run.properties line 3} or {@code the command line}.
     *
     * @param key the key
     * @return the origin, or {@code the defaults}
     */
    public String origin(String key) {
        return origins.getOrDefault(key, "the defaults");
    }

    private static Map<String, String> parseOverrides(List<String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(
                        "'" + override + "' on the command line is not a key=value override (e.g. epochs=5)");
            }
            values.put(override.substring(0, eq).trim(), override.substring(eq + 1).trim());
        }
        return values;
    }

    private static Map<String, String> readFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                return readYaml(file);
            }
            if (name.endsWith(".properties") || name.endsWith(".conf") || name.endsWith(".cfg")) {
                return readProperties(file);
            }
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage(), e);
        }
        throw new ConfigException(
                "config file " + file + " has an unknown format; expected .properties, .yaml or .yml");
    }

    private static Map<String, String> readProperties(Path file) throws IOException {
        PropertiesConfiguration properties = new PropertiesConfiguration();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.read(reader);
        } catch (ConfigurationException e) {
            throw new ConfigException("config file " + file + " is not a valid properties file: " + e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<String> it = properties.getKeys(); it.hasNext(); ) {
            String key = it.next();
            values.put(key, join(properties.getList(key)));
        }
        return values;
    }

    private static Map<String, String> readYaml(Path file) throws IOException {
        Object document;
        try (InputStream in = Files.newInputStream(file)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            document = new Yaml(new SafeConstructor(options)).load(in);
        } catch (YAMLException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: " + e.getMessage(), e);
        }
        Map<String, String> values = new LinkedHashMap<>();
        if (document == null) {
            return values;
        }
        if (!(document instanceof Map)) {
            throw new ConfigException("config file " + file + " must be a YAML mapping of keys to values");
        }
        flatten("", (Map<?, ?>) document, values, file);
        return values;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out, Path file) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map) {
                flatten(key + ".", (Map<?, ?>) v, out, file);
            } else if (v instanceof Collection) {
                out.put(key, join(new ArrayList<>((Collection<?>) v)));
            } else if (v == null) {
                out.put(key, "");
            } else {
                out.put(key, String.valueOf(v));
            }
        }
    }

    private static String join(List<?> list) {
        List<String> parts = new ArrayList<>();
        for (Object o : list) {
            parts.add(String.valueOf(o).trim());
        }
        return String.join(",", parts);
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static String lineOf(List<String> lines, String key) {
        String last = key.contains(".") ? key.substring(key.lastIndexOf('.') + 1) : key;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.startsWith(key + "=") || line.startsWith(key + " ") || line.startsWith(key + ":")
                    || line.startsWith(key + "\t")) {
                return " line " + (i + 1);
            }
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().startsWith(last + ":")) {
                return " line " + (i + 1);
            }
        }
        return "";
    }

    /**
     * Exposes the merged values as a Commons Configuration, for code that wants its API.
     *
     * @return a read-only view
     */
    public Configuration asConfiguration() {
        return new MapConfiguration(new LinkedHashMap<String, Object>(values));
    }
}
