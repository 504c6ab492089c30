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
 * Registers {@link GradNormWeighting} as weighting {@code gradnorm} (Chen, Badrinarayanan, Lee
 * &amp; Rabinovich, <i>GradNorm: Gradient Normalization for Adaptive Loss Balancing in Deep
 * Multitask Networks</i>, ICML 2018).
 */
public final class GradNormWeightingFactory implements PluginFactory<Weighting> {

    /** The plugin's stable name. */
    public static final String NAME = "gradnorm";

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, NAME)
                    .setDescription(
                            "Adapts task weights so the weighted gradient norms follow each task's"
                                    + " relative training rate (asymmetry alpha).")
                    .optCitation(
                            "Chen, Badrinarayanan, Lee & Rabinovich, GradNorm: Gradient"
                                    + " Normalization for Adaptive Loss Balancing in Deep"
                                    + " Multitask Networks, ICML 2018")
                    .addKeys(
                            ConfigKey.number(
                                    "alpha",
                                    1.5,
                                    0.0,
                                    null,
                                    "Asymmetry: how strongly tasks that train slower (higher"
                                            + " L_i(t)/L_i(0)) get larger gradient norms; 0"
                                            + " equalizes the norms."),
                            ConfigKey.choice(
                                    "gradients",
                                    "representation",
                                    "representation: norms of the gradients w.r.t. the shared"
                                            + " representation (the last shared layer's output,"
                                            + " cheap); parameters: w.r.t. all shared parameters"
                                            + " (K backwards; only their Gramian is used).",
                                    "representation",
                                    "parameters"),
                            ConfigKey.choice(
                                    "initial.loss",
                                    "first-epoch",
                                    "L_i(0): first-epoch (LibMTL: the mean loss of the first"
                                            + " epoch, which trains with equal weights) or"
                                            + " first-step (the paper: the first step's loss,"
                                            + " GradNorm from that step on).",
                                    "first-epoch",
                                    "first-step"),
                            GradientWeighting.headsKey("weighted"),
                            GradientWeighting.UPDATE_EVERY)
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public GradNormWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        // the parameter variant needs only norms, so it asks for the Gramian of the shared
        // parameters' gradients: the same K backwards, nothing of the matrix is handed over
        GradientRequirement requirement =
                config.getString("gradients").equals("parameters")
                        ? GradientRequirement.GRAMIAN
                        : GradientRequirement.REPRESENTATION;
        return new GradNormWeighting(
                config.getDouble("alpha"),
                requirement,
                config.getInt(GradientWeighting.UPDATE_EVERY.name()),
                config.getString("heads").equals("weighted"),
                config.getString("initial.loss").equals("first-epoch"));
    }
}
