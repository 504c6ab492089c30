package org.openmtl.plugins.architecture;

import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/** Registers {@link LearnToBranch} as architecture {@code learn-to-branch} (Guo et al., ICML 2020). */
public final class LearnToBranchFactory implements PluginFactory<Architecture> {

    private static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(PluginKind.ARCHITECTURE, "learn-to-branch")
            .setDescription("A tree of trunk-stage copies whose parent choices (each node's and each task head's) are"
                    + " learned with the Gumbel-softmax, then fixed by argmax and trained.")
            .optCitation("Guo, Lee & Ulbricht, Learning to Branch for Multi-Task Learning, ICML 2020")
            .addKeys(TrunkHeadDesign.configKeys())
            .addKeys(
                    ConfigKey.integer("branches", 0, 0, 64, "Nodes per stage (0: one per task)."),
                    ConfigKey.number("tau", 5.0, 1e-3, null, "Initial Gumbel-softmax temperature."),
                    ConfigKey.number("tau.decay", 0.9, 0.0, 1.0, "Temperature factor per search epoch (floor 0.1)."),
                    ConfigKey.number("search", 0.5, 0.0, 1.0, "Fraction of the epochs spent searching the tree; the"
                            + " rest trains the fixed tree."),
                    ConfigKey.choice("final.tree", "argmax", "How each parent choice is fixed after the search: argmax or"
                            + " sample.", "argmax", "sample"))
            .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public LearnToBranchFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Architecture create(PluginConfig config) {
        return new LearnToBranch(TrunkHeadDesign.from(config), config.getInt("branches"), config.getDouble("tau"),
                config.getDouble("tau.decay"), config.getDouble("search"), config.getString("final.tree").equals("sample"));
    }
}
