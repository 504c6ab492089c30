package org.openmtl.plugins.weighting;

import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.Weighting;

/**
 * Registers {@link MgdaWeighting} on shared-representation gradients as weighting {@code mgda-ub},
 * the "upper bound" variant of Sener &amp; Koltun (NeurIPS 2018): one backward per task through
 * the heads only, then one through the shared part.
 */
public final class MgdaUbWeightingFactory implements PluginFactory<Weighting> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, "mgda-ub")
                    .setDescription("MGDA-UB: MGDA on the gradients with respect to the shared representation (the upper-bound approximation).")
                    .optCitation(MgdaWeightingFactory.CITATION)
                    .addKeys(GradientWeighting.UPDATE_EVERY, MgdaWeightingFactory.normalizationKey(),
                            MgdaWeightingFactory.normalizedUpdateKey(), GradientWeighting.headsKey("weighted"))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public MgdaUbWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new MgdaWeighting("mgda-ub", GradientRequirement.REPRESENTATION,
                MgdaWeighting.Normalization.of(config.getString("normalization")),
                config.getBoolean("normalized.update"),
                config.getInt(GradientWeighting.UPDATE_EVERY.name()),
                config.getString("heads").equals("weighted"));
    }
}
