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
                                    + " projections onto every task's unit gradient; or IMTL-L:"
                                    + " learned loss scales that equalize the scaled losses.")
                    .optCitation(
                            "Liu, Li, Kuang, Xue, Chen, Yang, Liao & Zhang, Towards Impartial"
                                    + " Multi-task Learning, ICLR 2021")
                    .addKeys(
                            GradientWeighting.UPDATE_EVERY,
                            ConfigKey.choice(
                                    "variant",
                                    "g",
                                    "g: IMTL-G gradient balancing (needs the shared-parameter"
                                            + " Gramian); l: IMTL-L, learned loss scales e^s"
                                            + " trained to make every scaled loss equal (losses"
                                            + " only, the cost of equal). The paper's hybrid of"
                                            + " both is not offered: its scales need a gradient"
                                            + " the gradient-weighting SPI does not pass back.",
                                    "g",
                                    "l"),
                            ConfigKey.number(
                                    "init",
                                    0.0,
                                    null,
                                    null,
                                    "variant l: the initial log-scale s of every task."))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public ImtlWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        if (config.getString("variant").equals("l")) {
            return new ImtlLossWeighting(config.getDouble("init"));
        }
        return new ImtlWeighting(config.getInt(GradientWeighting.UPDATE_EVERY.name()));
    }
}
