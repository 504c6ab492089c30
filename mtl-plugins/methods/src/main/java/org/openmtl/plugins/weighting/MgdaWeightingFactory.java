package org.openmtl.plugins.weighting;

import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.Weighting;

/**
 * Registers {@link MgdaWeighting} on shared-parameter gradients as weighting {@code mgda} (Sener
 * &amp; Koltun, <i>Multi-Task Learning as Multi-Objective Optimization</i>, NeurIPS 2018).
 */
public final class MgdaWeightingFactory implements PluginFactory<Weighting> {

    static final String CITATION = "Sener & Koltun, Multi-Task Learning as Multi-Objective Optimization, NeurIPS 2018";

    static ConfigKey normalizationKey() {
        return ConfigKey.choice("normalization", "none",
                "Scale of each task gradient before the min-norm problem: none, l2 (its norm), loss (its loss) or loss+"
                        + " (loss times norm).", "none", "l2", "loss", "loss+");
    }

    static ConfigKey normalizedUpdateKey() {
        return ConfigKey.bool("normalized.update", false,
                "false: weights alpha_i on the original gradients, as the authors' code; true: weights alpha_i/c_i, so the"
                        + " update is exactly the min-norm point of the normalized gradients (same for normalization none).");
    }

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, "mgda")
                    .setDescription("MGDA: task weights at the min-norm point of the convex hull of the shared-parameter gradients.")
                    .optCitation(CITATION)
                    .addKeys(GradientWeighting.UPDATE_EVERY, normalizationKey(), normalizedUpdateKey(),
                            GradientWeighting.headsKey("weighted"))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public MgdaWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new MgdaWeighting("mgda", GradientRequirement.GRAMIAN,
                MgdaWeighting.Normalization.of(config.getString("normalization")),
                config.getBoolean("normalized.update"),
                config.getInt(GradientWeighting.UPDATE_EVERY.name()),
                config.getString("heads").equals("weighted"));
    }
}
