package org.openmtl.plugins;

import java.util.LinkedHashMap;
import java.util.Map;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.api.plugin.PluginFactory;

/** Configures built-in plugins in tests as a run would, from {@code key=value} strings. */
public final class TestPlugins {

    /** The seed plugins are configured with in tests. */
    public static final long SEED = 42L;

    private TestPlugins() {}

    /**
     * A validated configuration.
     *
     * @param factory the plugin's factory
     * @param settings relative {@code key=value} pairs; other keys take their defaults
     * @return the configuration
     */
    public static PluginConfig config(PluginFactory<?> factory, String... settings) {
        return configWithSeed(factory, SEED, settings);
    }

    /**
     * A validated configuration with a given seed.
     *
     * @param factory the plugin's factory
     * @param seed the plugin's seed
     * @param settings relative {@code key=value} pairs
     * @return the configuration
     */
    public static PluginConfig configWithSeed(
            PluginFactory<?> factory, long seed, String... settings) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String setting : settings) {
            int eq = setting.indexOf('=');
            values.put(setting.substring(0, eq), setting.substring(eq + 1));
        }
        return PluginConfigs.of(factory.descriptor(), values, seed);
    }

    /**
     * A new plugin.
     *
     * @param factory the plugin's factory
     * @param settings relative {@code key=value} pairs
     * @param <T> the plugin type
     * @return the plugin
     */
    public static <T> T create(PluginFactory<T> factory, String... settings) {
        return factory.create(config(factory, settings));
    }
}
