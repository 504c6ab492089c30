package org.openmtl.plugins.weighting;

import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.Weighting;

/**
 * Registers {@link CaGradWeighting} as weighting {@code cagrad} (Liu, Liu, Jin, Stone &amp; Liu,
 * <i>Conflict-Averse Gradient Descent for Multi-task Learning</i>, NeurIPS 2021).
 */
public final class CaGradWeightingFactory implements PluginFactory<Weighting> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, "cagrad")
                    .setDescription(
                            "CAGrad: the update within c·‖g0‖ of the average shared-parameter"
                                    + " gradient g0 that maximizes the worst task's local"
                                    + " improvement.")
                    .optCitation(
                            "Liu, Liu, Jin, Stone & Liu, Conflict-Averse Gradient Descent for"
                                    + " Multi-task Learning, NeurIPS 2021")
                    .addKeys(
                            GradientWeighting.UPDATE_EVERY,
                            ConfigKey.number(
                                    "c",
                                    0.4,
                                    0.0,
                                    null,
                                    "Radius of the ball around the average gradient g0, as a"
                                            + " fraction of ‖g0‖ (0 gives plain averaging)."),
                            ConfigKey.integer(
                                    "rescale",
                                    1,
                                    0,
                                    2,
                                    "Rescaling of the update as in the authors' code: 0 none, 1"
                                            + " divide by 1 + c², 2 divide by 1 + c."))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public CaGradWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new CaGradWeighting(
                config.getInt(GradientWeighting.UPDATE_EVERY.name()),
                config.getDouble("c"),
                config.getInt("rescale"));
    }
}
