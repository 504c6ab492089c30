package org.openmtl.plugins.weighting;

import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.Weighting;

/**
 * Registers {@link ImtlWeighting} as weighting {@code imtl} (Liu, Li, Kuang, Xue, Chen, Yang, Liao
 * &amp; Zhang, <i>Towards Impartial Multi-task Learning</i>, ICLR 2021).
 */
public final class ImtlWeightingFactory implements PluginFactory<Weighting> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, "imtl")
                    .setDescription(
                            "IMTL-G: weights summing to 1 whose combined gradient has equal"
                                    + " projections onto every task's unit gradient.")
                    .optCitation(
                            "Liu, Li, Kuang, Xue, Chen, Yang, Liao & Zhang, Towards Impartial"
                                    + " Multi-task Learning, ICLR 2021")
                    .addKeys(
                            GradientWeighting.UPDATE_EVERY,
                            ConfigKey.choice(
                                    "variant",
                                    "g",
                                    "g: IMTL-G gradient balancing. (IMTL-L's learned loss scales,"
                                            + " and the hybrid, need a trainer hook the gradient"
                                            + " weighting SPI does not have yet.)",
                                    "g"))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public ImtlWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new ImtlWeighting(config.getInt(GradientWeighting.UPDATE_EVERY.name()));
    }
}
