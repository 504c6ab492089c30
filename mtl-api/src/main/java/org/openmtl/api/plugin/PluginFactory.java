package org.openmtl.api.plugin;

/**
 * The service a plugin jar registers in {@code
 * META-INF/services/org.openmtl.api.plugin.PluginFactory}: it describes one plugin and creates a
 * fresh instance of it per run. Implementations need a public no-argument constructor and no
 * mutable static state.
 *
 * @param <T> the plugin type, {@link PluginKind#type()} of the descriptor's kind
 */
public interface PluginFactory<T> {

    /**
     * Describes the plugin. Called once at discovery; must not fail.
     *
     * @return the descriptor
     */
    PluginDescriptor descriptor();

    /**
     * Creates a new plugin instance for one run.
     *
     * @param config the plugin's validated configuration
     * @return a new instance; never shared between runs
     * @throws PluginConfigException if the configuration is inconsistent
     */
    T create(PluginConfig config);
}
