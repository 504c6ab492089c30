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
 * Registers {@link EpoWeighting} as weighting {@code epo} (Mahapatra &amp; Rajan, <i>Multi-Task
 * Learning with User Preferences: Gradient Descent with Controlled Ascent in Pareto
 * Optimization</i>, ICML 2020).
 */
public final class EpoWeightingFactory implements PluginFactory<Weighting> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, "epo")
                    .setDescription(
                            "EPO: a linear program on the Gramian steers the losses onto the ray"
                                    + " where preference times loss is equal for every task,"
                                    + " then descends along it (exact Pareto optimal search).")
                    .optCitation(
                            "Mahapatra & Rajan, Multi-Task Learning with User Preferences: Gradient"
                                    + " Descent with Controlled Ascent in Pareto Optimization,"
                                    + " ICML 2020")
                    .addKeys(
                            GradientWeighting.UPDATE_EVERY,
                            PreferenceVector.key(
                                    "The preference r, one non-negative weight per task in task"
                                            + " order; EPO seeks r_i*l_i equal for every task"
                                            + " (larger weight, smaller loss). Empty: all ones."),
                            ConfigKey.number(
                                    "eps",
                                    1e-4,
                                    0.0,
                                    null,
                                    "Non-uniformity (KL of r*l from uniform) under which the"
                                            + " losses count as on the preference ray and the"
                                            + " descent program is used (the authors' 1e-4)."),
                            ConfigKey.choice(
                                    "gradients",
                                    "parameters",
                                    "Which task gradients: parameters (the shared parameters',"
                                        + " of which only the Gramian is needed) or"
                                        + " representation (the shared representation's, cheaper).",
                                    "parameters",
                                    "representation"),
                            GradientWeighting.headsKey("weighted"))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public EpoWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new EpoWeighting(
                config.getString("gradients").equals("representation")
                        ? GradientRequirement.REPRESENTATION
                        : GradientRequirement.GRAMIAN,
                config.getDoubleList("preference"),
                config.getDouble("eps"),
                config.getInt(GradientWeighting.UPDATE_EVERY.name()),
                config.getString("heads").equals("weighted"),
                config.qualifiedKey("preference"));
    }
}
