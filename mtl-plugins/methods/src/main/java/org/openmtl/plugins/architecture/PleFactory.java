package org.openmtl.plugins.architecture;

import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/** Registers {@link Ple} as architecture {@code ple} (Tang et al., RecSys 2020). */
public final class PleFactory implements PluginFactory<Architecture> {

    private static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(PluginKind.ARCHITECTURE, "ple")
            .setDescription("Progressive layered extraction: per level task-specific and shared experts, task gates"
                    + " over their own and the shared experts, and a shared gate between levels; one level is CGC.")
            .optCitation("Tang, Liu, Zhao & Gong, Progressive Layered Extraction (PLE): A Novel Multi-Task Learning"
                    + " (MTL) Model for Personalized Recommendations, RecSys 2020")
            .addKeys(TrunkHeadDesign.configKeys())
            .addKeys(
                    ConfigKey.integer("levels", 2, 1, 64, "Extraction levels, each a consecutive part of the trunk's"
                            + " stages (lenet has 3 stages, mlp one per hidden layer); 1 is CGC."),
                    ConfigKey.integer("experts.task", 1, 1, 64, "Experts of each task at each level."),
                    ConfigKey.integer("experts.shared", 1, 1, 64, "Shared experts at each level."))
            .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public PleFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Architecture create(PluginConfig config) {
        return new Ple(TrunkHeadDesign.from(config), config.getInt("levels"), config.getInt("experts.task"),
                config.getInt("experts.shared"), config.qualifiedKey("levels"));
    }
}
