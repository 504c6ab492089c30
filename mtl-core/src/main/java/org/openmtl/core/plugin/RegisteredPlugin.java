package org.openmtl.core.plugin;

import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;

/**
 * A discovered plugin: its descriptor, its factory and the jar (or directory) it came from.
 *
 * @param descriptor the descriptor
 * @param factory the factory
 * @param origin the jar or class-path entry that provided it
 */
public record RegisteredPlugin(PluginDescriptor descriptor, PluginFactory<?> factory, String origin) {

    /**
     * A short label, e.g. {@code weighting equal}.
     *
     * @return kind and name
     */
    public String label() {
        return descriptor.kind().configName() + " " + descriptor.name();
    }
}
