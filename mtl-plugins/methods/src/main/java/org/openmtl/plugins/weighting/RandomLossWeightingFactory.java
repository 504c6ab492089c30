package org.openmtl.plugins.weighting;

import java.util.Locale;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.Weighting;

/**
 * Registers {@link RandomLossWeighting} as weighting {@code rlw} (Lin, Ye, Xu, Shi &amp; Zhang,
 * <i>Reasonable Effectiveness of Random Weighting: A Litmus Test for Multi-Task Learning</i>, TMLR
 * 2022).
 */
public final class RandomLossWeightingFactory implements PluginFactory<Weighting> {

    /** The plugin's stable name. */
    public static final String NAME = "rlw";

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, NAME)
                    .setDescription(
                            "Random loss weighting: each step's weights are the softmax of a fresh"
                                    + " random vector.")
                    .optCitation(
                            "Lin, Ye, Xu, Shi & Zhang, Reasonable Effectiveness of Random"
                                    + " Weighting: A Litmus Test for Multi-Task Learning, TMLR"
                                    + " 2022")
                    .addKeys(
                            ConfigKey.choice(
                                    "distribution",
                                    "normal",
                                    "What the softmax is applied to: normal N(0, I), uniform"
                                            + " U(0, 1) per task, or dirichlet Dir(1, ..., 1).",
                                    "normal",
                                    "uniform",
                                    "dirichlet"),
                            ConfigKey.bool(
                                    "scaled",
                                    false,
                                    "Multiply the weights by the step's number of tasks, so they"
                                            + " sum to it like equal weighting's (false: they sum"
                                            + " to 1, as in the paper)."))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public RandomLossWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new RandomLossWeighting(
                RandomLossWeighting.Distribution.valueOf(
                        config.getString("distribution").toUpperCase(Locale.ROOT)),
                config.getBoolean("scaled"),
                config.seed());
    }
}
