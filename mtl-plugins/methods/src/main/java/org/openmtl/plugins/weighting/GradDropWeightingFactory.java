package org.openmtl.plugins.weighting;

import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.Weighting;

/**
 * Registers {@link GradDropWeighting} as weighting {@code graddrop} (Chen, Ngiam, Huang, Luong,
 * Kretzschmar, Chai &amp; Anguelov, <i>Just Pick a Sign: Optimizing Deep Multitask Models with
 * Gradient Sign Dropout</i>, NeurIPS 2020).
 */
public final class GradDropWeightingFactory implements PluginFactory<Weighting> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, "graddrop")
                    .setDescription(
                            "GradDrop: per feature of the shared representation, keeps one sign"
                                    + " of the task gradients (corrected by the activation's sign and"
                                    + " summed over the batch), drawn with probability given by its"
                                    + " share, and drops the other.")
                    .optCitation(
                            "Chen, Ngiam, Huang, Luong, Kretzschmar, Chai & Anguelov, Just Pick a"
                                    + " Sign: Optimizing Deep Multitask Models with Gradient Sign"
                                    + " Dropout, NeurIPS 2020")
                    .addKeys(
                            GradientWeighting.UPDATE_EVERY,
                            ConfigKey.number(
                                    "leak",
                                    0.0,
                                    0.0,
                                    1.0,
                                    "Fraction of each dropped component that is kept anyway (0 is"
                                            + " pure GradDrop, 1 the plain sum of the gradients)."))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public GradDropWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new GradDropWeighting(
                config.getInt(GradientWeighting.UPDATE_EVERY.name()),
                config.getDouble("leak"),
                config.seed());
    }
}
