package org.openmtl.plugins.weighting;

import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.Weighting;

/**
 * Registers {@link ParetoMtlWeighting} as weighting {@code pareto-mtl} (Lin, Zhen, Li, Zhang &amp;
 * Kwong, <i>Pareto Multi-Task Learning</i>, NeurIPS 2019).
 */
public final class ParetoMtlWeightingFactory implements PluginFactory<Weighting> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, "pareto-mtl")
                    .setDescription(
                            "Pareto MTL: constrained MGDA that keeps the losses in the subregion of"
                                    + " one of several evenly spread reference vectors, after an"
                                    + " initial phase that finds a point inside it.")
                    .optCitation(
                            "Lin, Zhen, Li, Zhang & Kwong, Pareto Multi-Task Learning, NeurIPS"
                                    + " 2019")
                    .addKeys(
                            GradientWeighting.UPDATE_EVERY,
                            PreferenceVector.key(
                                    "The run's preference p, one non-negative weight per task in"
                                            + " task order (larger weight, smaller loss); its"
                                            + " reference vector is u ~ 1/p, added to the evenly"
                                            + " spread ones. Empty: all ones (or index)."),
                            ConfigKey.integer(
                                    "index",
                                    -1,
                                    -1,
                                    1_000_000,
                                    "Aim at this one of the evenly spread reference vectors"
                                        + " (from 0; for 2 tasks the authors' pref_idx, 0 = (1,0),"
                                        + " the loss of task 1 largest); -1: use preference."),
                            ConfigKey.integer(
                                    "references",
                                    5,
                                    2,
                                    1_000,
                                    "How many evenly spread reference vectors: for 2 tasks n unit"
                                        + " vectors at angles j*90/(n-1) degrees (the authors'"
                                        + " npref); for more, the simplex grid with n-1 divisions"
                                        + " scaled to unit length."),
                            ConfigKey.integer(
                                    "init.epochs",
                                    2,
                                    0,
                                    1_000_000,
                                    "Epochs the initial phase may last; it ends earlier at the"
                                        + " first step whose losses violate no constraint (the"
                                        + " authors: 2)."),
                            ConfigKey.choice(
                                    "gradients",
                                    "parameters",
                                    "Which task gradients: parameters (the shared parameters',"
                                        + " of which only the Gramian is needed) or"
                                        + " representation (the shared representation's, the"
                                        + " cheaper approximation the authors' code mentions).",
                                    "parameters",
                                    "representation"),
                            GradientWeighting.headsKey("weighted"))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public ParetoMtlWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        int index = config.getInt("index");
        if (index >= 0 && !config.getDoubleList("preference").isEmpty()) {
            throw new PluginConfigException(
                    config.qualifiedKey("index"),
                    "is set, and so is "
                            + config.qualifiedKey("preference")
                            + "; the run aims at one reference vector: set one or the other");
        }
        return new ParetoMtlWeighting(
                config.getString("gradients").equals("representation")
                        ? GradientRequirement.REPRESENTATION
                        : GradientRequirement.GRAMIAN,
                config.getDoubleList("preference"),
                config.getInt("references"),
                index,
                config.getInt("init.epochs"),
                config.getInt(GradientWeighting.UPDATE_EVERY.name()),
                config.getString("heads").equals("weighted"),
                config.qualifiedKey("preference"),
                config.qualifiedKey("index"),
                config.qualifiedKey("references"));
    }
}
