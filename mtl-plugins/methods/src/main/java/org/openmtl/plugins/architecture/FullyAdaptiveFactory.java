package org.openmtl.plugins.architecture;

import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/** Registers {@link FullyAdaptive} as architecture {@code fully-adaptive} (Lu et al., CVPR 2017). */
public final class FullyAdaptiveFactory implements PluginFactory<Architecture> {

    private static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(PluginKind.ARCHITECTURE, "fully-adaptive")
            .setDescription("Starts with every trunk stage shared and widens stages top-down, grouping the branches"
                    + " above each stage by the tasks' difficult-example affinity (complete linkage) under a cost per"
                    + " new branch.")
            .optCitation("Lu, Kumar, Zhai, Cheng, Javidi & Feris, Fully-adaptive Feature Sharing in Multi-Task Networks"
                    + " with Applications in Person Attribute Classification, CVPR 2017")
            .addKeys(TrunkHeadDesign.configKeys())
            .addKeys(
                    ConfigKey.integer("rounds", 3, 0, 64, "Widening rounds, one stage each from the top (capped at the"
                            + " number of stages and at epochs - 1); the epochs are split evenly among the thin phase and"
                            + " the rounds."),
                    ConfigKey.number("l0", 0.1, 0.0, null, "L0: the cost of one more branch at a stage with no pooling"
                            + " above it (doubled for each pooling stage from there up)."),
                    ConfigKey.number("alpha", 1.0, 0.0, null, "alpha: the weight of the grouping's separation loss"
                            + " L_s (1 - within-group complete-linkage affinity)."))
            .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public FullyAdaptiveFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Architecture create(PluginConfig config) {
        return new FullyAdaptive(TrunkHeadDesign.from(config), config.getInt("rounds"), config.getDouble("l0"),
                config.getDouble("alpha"));
    }
}
