package org.openmtl.plugins.weighting;

import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.Weighting;

/**
 * Registers {@link ImtlWeighting} (variants {@code hybrid}, the default, and {@code g}) and {@link
 * ImtlLossWeighting} (variant {@code l}) as weighting {@code imtl} (Liu, Li, Kuang, Xue, Chen, Yang, Liao
 * &amp; Zhang, <i>Towards Impartial Multi-task Learning</i>, ICLR 2021).
 */
public final class ImtlWeightingFactory implements PluginFactory<Weighting> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, "imtl")
                    .setDescription(
                            "IMTL: learned loss scales e^s (IMTL-L) and weights summing to 1 whose"
                                    + " combined gradient of the scaled losses has equal projections"
                                    + " onto every task's unit gradient (IMTL-G); or either part"
                                    + " alone.")
                    .optCitation(
                            "Liu, Li, Kuang, Xue, Chen, Yang, Liao & Zhang, Towards Impartial"
                                    + " Multi-task Learning, ICLR 2021")
                    .addKeys(
                            GradientWeighting.UPDATE_EVERY,
                            ConfigKey.choice(
                                    "variant",
                                    "hybrid",
                                    "hybrid: the paper's IMTL, learned loss scales with IMTL-G on"
                                            + " the scaled losses' shared-parameter Gramian (as"
                                            + " LibMTL's IMTL); g: IMTL-G alone on the raw losses;"
                                            + " l: IMTL-L alone, learned loss scales e^s trained to"
                                            + " make every scaled loss equal (losses only, the cost"
                                            + " of equal).",
                                    "hybrid",
                                    "g",
                                    "l"),
                            ConfigKey.number(
                                    "init",
                                    0.0,
                                    null,
                                    null,
                                    "variants hybrid and l: the initial log-scale s of every task."))
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
        return new ImtlWeighting(
                config.getInt(GradientWeighting.UPDATE_EVERY.name()),
                config.getString("variant").equals("hybrid"),
                config.getDouble("init"));
    }
}
