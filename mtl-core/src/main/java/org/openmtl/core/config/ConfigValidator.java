package org.openmtl.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.core.plugin.PluginRegistry;
import org.openmtl.core.plugin.RegisteredPlugin;

/**
 * Checks every key of a {@link ConfigSource} against the framework's keys and the discovered
 * plugins' descriptors and resolves a {@link RunConfig}. Unknown keys fail naming the closest
 * known key; wrong values fail naming the key, where it was set, and what was expected.
 */
public final class ConfigValidator {

    private final PluginRegistry registry;

    /**
     * Creates a validator.
     *
     * @param registry the discovered plugins
     */
    public ConfigValidator(PluginRegistry registry) {
        this.registry = registry;
    }

    /**
     * Validates and resolves.
     *
     * @param source the merged configuration
     * @return the run configuration
     * @throws ConfigException for the first problem found
     */
    public RunConfig validate(ConfigSource source) {
        Map<String, String> values = source.values();
        Map<String, ConfigKey> coreKeys = new LinkedHashMap<>();
        RunKeys.keys().forEach(k -> coreKeys.put(k.name(), k));

        // unknown keys first: a typo is the likeliest mistake
        for (String key : values.keySet()) {
            if (!coreKeys.containsKey(key) && findPluginKey(key).isEmpty()) {
                throw unknownKey(key, source);
            }
        }

        Map<String, Object> core = new LinkedHashMap<>();
        Map<String, String> resolved = new LinkedHashMap<>();
        for (ConfigKey key : coreKeys.values()) {
            String raw = values.getOrDefault(key.name(), key.defaultValue());
            core.put(key.name(), parse(key.name(), key, raw, source));
            resolved.put(key.name(), raw.trim());
        }

        try {
            @SuppressWarnings("unchecked")
            List<String> targets = (List<String>) core.get(RunKeys.TARGET_METRICS);
            core.put(RunKeys.TARGET_METRICS, MetricTarget.parse(targets));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(RunKeys.TARGET_METRICS + ": " + e.getMessage() + " (set in "
                    + source.origin(RunKeys.TARGET_METRICS) + ")", e);
        }

        long seed = (Long) core.get(RunKeys.SEED);
        Map<PluginKind, String> names = new LinkedHashMap<>();
        Map<PluginKind, PluginConfig> configs = new LinkedHashMap<>();
        for (PluginKind kind : PluginKind.values()) {
            if (!kind.partOfTrainingRun()) {
                continue;
            }
            String name = ((String) core.get(kind.configName())).trim();
            RegisteredPlugin plugin;
            try {
                plugin = registry.require(kind, name);
            } catch (ConfigException e) {
                throw new ConfigException(e.getMessage() + " (set in " + source.origin(kind.configName()) + ")");
            }
            names.put(kind, name);
            PluginDescriptor d = plugin.descriptor();
            Map<String, String> own = new LinkedHashMap<>();
            values.forEach((k, v) -> {
                if (k.startsWith(d.keyPrefix())) {
                    own.put(k.substring(d.keyPrefix().length()), v);
                }
            });
            try {
                configs.put(kind, PluginConfigs.of(d, own, pluginSeed(seed, kind)));
            } catch (PluginConfigException e) {
                throw new ConfigException(e.getMessage() + " (set in " + source.origin(e.getKey()) + ")", e);
            }
            for (ConfigKey key : d.keys()) {
                resolved.put(d.keyPrefix() + key.name(), own.getOrDefault(key.name(), key.defaultValue()).trim());
            }
        }
        // keys of plugins that are not chosen are still checked, so a sweep cannot carry a typo
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!resolved.containsKey(e.getKey())) {
                PluginKey pk = findPluginKey(e.getKey()).orElseThrow();
                parse(e.getKey(), pk.key(), e.getValue(), source);
                resolved.put(e.getKey(), e.getValue().trim());
            }
        }
        // a combination that would run but quietly compute something else is refused here
        RepresentationGradientCheck.check(registry, names, configs, source);
        PreferenceConditioningCheck.check(registry, names, configs, source);
        return new RunConfig(core, names, configs, resolved);
    }

    /**
     * Every key the current registry knows, for suggestions and the reference.
     *
     * @return the keys, sorted
     */
    public List<String> knownKeys() {
        TreeSet<String> keys = new TreeSet<>();
        RunKeys.keys().forEach(k -> keys.add(k.name()));
        for (RegisteredPlugin p : registry.plugins()) {
            for (ConfigKey k : p.descriptor().keys()) {
                keys.add(p.descriptor().keyPrefix() + k.name());
            }
        }
        return new ArrayList<>(keys);
    }

    /**
     * The seed a plugin kind draws from: the master seed mixed with the kind, so that plugins do
     * not share a random stream.
     *
     * @param master the master seed
     * @param kind the plugin kind
     * @return the derived seed
     */
    public static long pluginSeed(long master, PluginKind kind) {
        long z = master * 0x9E3779B97F4A7C15L + (kind.ordinal() + 1) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private Object parse(String fullKey, ConfigKey key, String raw, ConfigSource source) {
        try {
            return PluginConfigs.parse(fullKey, key, raw);
        } catch (PluginConfigException e) {
            throw new ConfigException(e.getMessage() + " (set in " + source.origin(fullKey) + ")", e);
        }
    }

    private record PluginKey(RegisteredPlugin plugin, ConfigKey key) {}

    private Optional<PluginKey> findPluginKey(String key) {
        int firstDot = key.indexOf('.');
        if (firstDot < 0) {
            return Optional.empty();
        }
        PluginKind kind;
        try {
            kind = PluginKind.fromConfigName(key.substring(0, firstDot));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String rest = key.substring(firstDot + 1);
        int secondDot = rest.indexOf('.');
        if (secondDot < 0) {
            return Optional.empty();
        }
        Optional<RegisteredPlugin> plugin = registry.find(kind, rest.substring(0, secondDot));
        String relative = rest.substring(secondDot + 1);
        return plugin.flatMap(p -> p.descriptor().keys().stream()
                .filter(k -> k.name().equals(relative))
                .findFirst()
                .map(k -> new PluginKey(p, k)));
    }

    private ConfigException unknownKey(String key, ConfigSource source) {
        StringBuilder message = new StringBuilder("unknown configuration key '")
                .append(key)
                .append("' (set in ")
                .append(source.origin(key))
                .append(')');
        KeySuggestions.closest(key, knownKeys()).ifPresent(s -> message.append("; did you mean '").append(s).append("'?"));
        int dot = key.indexOf('.');
        if (dot > 0) {
            try {
                PluginKind kind = PluginKind.fromConfigName(key.substring(0, dot));
                String rest = key.substring(dot + 1);
                String name = rest.contains(".") ? rest.substring(0, rest.indexOf('.')) : rest;
                if (registry.find(kind, name).isEmpty()) {
                    message.append(" (no ").append(kind.configName()).append(" plugin is named '").append(name)
                            .append("'; available: ").append(String.join(", ", registry.names(kind))).append(')');
                }
            } catch (IllegalArgumentException ignored) {
                // not a plugin key: the suggestion is all we can offer
            }
        }
        message.append(". See ./mtl plugins --verbose and docs/configuration.md for the keys.");
        return new ConfigException(message.toString());
    }
}
