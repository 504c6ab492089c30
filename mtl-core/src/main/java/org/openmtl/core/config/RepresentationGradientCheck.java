package org.openmtl.core.config;

import java.util.Map;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.RepresentationGradients;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.core.plugin.PluginRegistry;
import org.openmtl.core.plugin.RegisteredPlugin;

/**
 * Refuses a weighting that combines gradients with respect to the shared representation on an
 * architecture whose representation gradients do not stand for its shared parameters' ({@link
 * RepresentationGradients}): such a run would not fail, it would quietly train with a plain sum or
 * a diagonal Gramian. Both plugins are created from the resolved configuration (creation builds no
 * network) and asked what they declare; nothing here knows a plugin by name.
 */
final class RepresentationGradientCheck {

    private RepresentationGradientCheck() {}

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
        Object weighting = create(registry, PluginKind.WEIGHTING, names, configs, source);
        if (!(weighting instanceof Weighting w) || w.requirement() != GradientRequirement.REPRESENTATION) {
            return;
        }
        Object architecture = create(registry, PluginKind.ARCHITECTURE, names, configs, source);
        if (!(architecture instanceof Architecture a)) {
            return;
        }
        RepresentationGradients declared = a.representationGradients();
        if (declared == RepresentationGradients.FAITHFUL) {
            return;
        }
        String weightingName = names.get(PluginKind.WEIGHTING);
        String architectureName = names.get(PluginKind.ARCHITECTURE);
        String why = declared == RepresentationGradients.NOT_SHARED
                ? "shares nothing: its representation is the input, which no parameter produces, so the"
                        + " weighting would only rescale separate networks"
                : declared == RepresentationGradients.DISJOINT
                ? "gives each task its own block of that representation, so the per-task gradients are"
                        + " orthogonal and the weighting would see no conflict between tasks"
                : "runs shared parameters after the representation (in each task's part), so the"
                        + " weighting's combination would not reach them: they would get the plain sum"
                        + " of the tasks' gradients";
        throw new ConfigException("weighting '" + weightingName + "' (set in " + source.origin("weighting")
                + ") combines gradients with respect to the shared representation, but architecture '"
                + architectureName + "' (set in " + source.origin("architecture") + ") " + why
                + " (it declares " + declared + "). Use " + alternative(registry, weightingName)
                + ", or an architecture with one shared representation (e.g. architecture=hard-sharing).");
    }

    /** The weighting's own parameter-gradient mode if it has one, else the general advice. */
    private static String alternative(PluginRegistry registry, String weightingName) {
        PluginDescriptor d = registry.require(PluginKind.WEIGHTING, weightingName).descriptor();
        for (ConfigKey key : d.keys()) {
            if (key.name().equals("gradients") && key.choices().contains("parameters")) {
                return "the shared parameters' gradients instead (" + d.keyPrefix() + "gradients=parameters)";
            }
        }
        return "a weighting that combines the shared parameters' gradients (its page under docs/methods/weighting"
                + " names what it needs)";
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
            // a plugin that cannot be created from its configuration fails when the run creates it,
            // with its own message; this check has nothing to add
            return null;
        }
    }
}
