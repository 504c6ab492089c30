package org.openmtl.plugins.architecture;

import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/** Registers {@link LearnToBranch} as architecture {@code learn-to-branch} (Guo et al., ICML 2020). */
public final class LearnToBranchFactory implements PluginFactory<Architecture> {

    private static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(PluginKind.ARCHITECTURE, "learn-to-branch")
            .setDescription("A tree of trunk-layer copies in which every node and every task head learns which node of the"
                    + " layer below to read (straight-through Gumbel-softmax over learned logits); the tree is then fixed"
                    + " by argmax, the unused nodes are dropped, and it is trained.")
            .optCitation("Guo, Lee & Ulbricht, Learning to Branch for Multi-Task Learning, ICML 2020")
            .addKeys(TrunkHeadDesign.configKeys())
            .addKeys(
                    ConfigKey.integer("branches", 0, 0, 64, "Nodes per layer of the tree (0: one per task, the paper's"
                            + " setting); each node of a layer copies that trunk layer."),
                    ConfigKey.number("tau", 5.0, 1e-3, null, "Initial Gumbel-softmax temperature (shapes the relaxed"
                            + " gradient of the logits; the forward pass always uses the hard sample)."),
                    ConfigKey.number("tau.decay", 0.9, 0.0, 1.0, "Factor applied to the temperature after every search"
                            + " epoch."),
                    ConfigKey.number("tau.min", 0.1, 1e-3, null, "The temperature is not annealed below this."),
                    ConfigKey.number("search", 0.5, 0.0, 1.0, "Fraction of the epochs spent searching the tree (at least"
                            + " one epoch; 1 searches throughout and never fixes the tree); the rest trains the fixed"
                            + " tree."),
                    ConfigKey.choice("final.tree", "argmax", "How each parent choice is fixed after the search: argmax"
                            + " (the most likely parent) or sample (one draw of its distribution).", "argmax", "sample"),
                    ConfigKey.choice("final.weights", "reinit", "The fixed tree's weights: reinit (trained from a fresh"
                            + " initialization, as the paper trains the found tree from scratch) or continue (from the"
                            + " searched weights).", "reinit", "continue"),
                    ConfigKey.number("logit.scale", 1.0, 1e-3, null, "The branching logits are this factor times the"
                            + " trained parameter: under Adam they move this many times faster than the weights (the"
                            + " paper's separate learning rate for the branching distributions; under SGD the factor"
                            + " counts squared); a variant kept beside lr.scale, 1 by default."),
                    ConfigKey.number("lr.scale", 100.0, 1e-6, 1e6, "The branching logits' learning rate as a multiple of"
                            + " the run's (a parameter group of their own: the paper trains the branching distributions"
                            + " with a learning rate of their own, and such structure parameters are commonly trained"
                            + " 10^2-10^3 times faster than the weights; 100 here). 1 trains them like the weights."))
            .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public LearnToBranchFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Architecture create(PluginConfig config) {
        double tau = config.getDouble("tau");
        double tauMin = config.getDouble("tau.min");
        if (tauMin > tau) {
            throw new PluginConfigException(config.qualifiedKey("tau.min"), "is " + tauMin + ", above the initial"
                    + " temperature " + config.qualifiedKey("tau") + " = " + tau + "; expected tau.min <= tau");
        }
        double search = config.getDouble("search");
        if (search <= 0) {
            throw new PluginConfigException(config.qualifiedKey("search"), "is " + search + "; expected a fraction of the"
                    + " epochs in (0, 1]: the tree must be searched for at least one epoch");
        }
        return new LearnToBranch(TrunkHeadDesign.from(config), config.getInt("branches"), tau,
                config.getDouble("tau.decay"), tauMin, search, config.getString("final.tree").equals("sample"),
                config.getString("final.weights").equals("reinit"), config.getDouble("logit.scale"),
                config.getDouble("lr.scale"));
    }
}
