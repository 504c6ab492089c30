/**
 * Plugin discovery contract: a {@link org.openmtl.api.plugin.PluginFactory} registered through
 * {@link java.util.ServiceLoader} describes itself with a {@link
 * org.openmtl.api.plugin.PluginDescriptor} and creates a fresh, independent plugin object per run
 * from an immutable, already validated {@link org.openmtl.api.plugin.PluginConfig}.
 */
package org.openmtl.api.plugin;
