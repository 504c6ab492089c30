package org.openmtl.plugins.weighting;

import java.util.Locale;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.Weighting;

/**
 * Registers {@link PcGradWeighting} as weighting {@code pcgrad} (Yu, Kumar, Gupta, Levine, Hausman
 * &amp; Finn, <i>Gradient Surgery for Multi-Task Learning</i>, NeurIPS 2020).
 */
public final class PcGradWeightingFactory implements PluginFactory<Weighting> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, "pcgrad")
                    .setDescription(
                            "PCGrad: each task's gradient is projected onto the"
                                    + " normal plane of every other task's gradient it conflicts"
                                    + " with, in a random order; the results are summed.")
                    .optCitation(
                            "Yu, Kumar, Gupta, Levine, Hausman & Finn, Gradient Surgery for"
                                    + " Multi-Task Learning, NeurIPS 2020")
                    .addKeys(
                            GradientWeighting.UPDATE_EVERY,
                            ConfigKey.choice(
                                    "reduction",
                                    "sum",
                                    "How the projected gradients are combined: sum (the paper's"
                                            + " update) or mean.",
                                    "sum",
                                    "mean"),
                            ConfigKey.choice(
                                    "gradients",
                                    "parameters",
                                    "Which task gradients are projected: parameters (the shared"
                                            + " parameters', of which only the Gramian is needed)"
                                            + " or representation (the shared representation's,"
                                            + " cheaper: no per-task backward through the trunk).",
                                    "parameters",
                                    "representation"))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public PcGradWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new PcGradWeighting(
                config.getInt(GradientWeighting.UPDATE_EVERY.name()),
                PcGradWeighting.Reduction.valueOf(
                        config.getString("reduction").toUpperCase(Locale.ROOT)),
                config.getString("gradients").equals("representation")
                        ? GradientRequirement.REPRESENTATION
                        : GradientRequirement.GRAMIAN,
                config.seed());
    }
}
