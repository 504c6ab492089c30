package org.openmtl.core.config;

import java.util.Map;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.core.plugin.PluginRegistry;
import org.openmtl.core.plugin.RegisteredPlugin;

/**
 * Refuses a preference-conditioned architecture without a weighting that draws a preference per
 * step, and such a weighting without such an architecture. The first would run: the network would
 * read one fixed preference and learn to ignore it, so its "front" would be one model evaluated at
 * inputs it never saw vary. The second would train random preference weights on a network that
 * cannot be told which trade-off to make. Both plugins are created from the resolved
 * configuration and asked what they declare; nothing here knows a plugin by name.
 */
final class PreferenceConditioningCheck {

    private PreferenceConditioningCheck() {}

    /**
     * Checks the chosen architecture and weighting.
     *
     * @param registry the plugins
     * @param names the chosen plugin per kind
     * @param configs their resolved configurations
     * @param source where the keys were set, for messages
     * @throws ConfigException naming both plugins and what to use instead
     */
    static void check(
            PluginRegistry registry,
            Map<PluginKind, String> names,
            Map<PluginKind, PluginConfig> configs,
            ConfigSource source) {
        if (!(create(registry, PluginKind.ARCHITECTURE, names, configs, source) instanceof Architecture a)
                || !(create(registry, PluginKind.WEIGHTING, names, configs, source) instanceof Weighting w)) {
            return;
        }
        boolean conditioned = a.conditionedOnPreference();
        boolean draws = w.drawsPreferences();
        if (conditioned == draws) {
            return;
        }
        String weightingName = names.get(PluginKind.WEIGHTING);
        String architectureName = names.get(PluginKind.ARCHITECTURE);
        String where = " (architecture set in " + source.origin("architecture") + ", weighting set in "
                + source.origin("weighting") + ")";
        if (conditioned) {
            throw new ConfigException("architecture '" + architectureName + "' reads a preference vector over the"
                    + " tasks as an input, but weighting '" + weightingName + "' draws no preference per training"
                    + " step: the network would see one preference throughout and its front would not be trained"
                    + where + ". Use a weighting that draws preferences (e.g. weighting=cosmos), or an architecture"
                    + " without preference input (e.g. architecture=hard-sharing).");
        }
        throw new ConfigException("weighting '" + weightingName + "' draws a preference for every training step and"
                + " trains the network conditioned on it, but architecture '" + architectureName + "' does not read"
                + " a preference" + where + ". Use a preference-conditioned architecture (e.g. architecture=cosmos),"
                + " or a weighting for a single network (e.g. weighting=rlw for random weights, static for one"
                + " preference).");
    }

    private static Object create(
            PluginRegistry registry,
            PluginKind kind,
            Map<PluginKind, String> names,
            Map<PluginKind, PluginConfig> configs,
            ConfigSource source) {
        RegisteredPlugin plugin = registry.require(kind, names.get(kind));
        try {
            return plugin.factory().create(configs.get(kind));
        } catch (PluginConfigException e) {
            throw new ConfigException(e.getMessage() + " (set in " + source.origin(e.getKey()) + ")", e);
        } catch (RuntimeException e) {
            // a plugin that cannot be created from its configuration fails when the run creates it
            return null;
        }
    }
}
