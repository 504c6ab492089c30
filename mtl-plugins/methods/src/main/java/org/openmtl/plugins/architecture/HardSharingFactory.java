package org.openmtl.plugins.architecture;

import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/**
 * Registers {@link HardSharing} as architecture {@code hard-sharing} (Caruana 1997; MultiLeNet of
 * Sener &amp; Koltun 2018 for images).
 */
public final class HardSharingFactory implements PluginFactory<Architecture> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.ARCHITECTURE, "hard-sharing")
                    .setDescription("A trunk shared by all tasks and one head per task.")
                    .optCitation(
                            "Caruana, Multitask Learning, Machine Learning 28(1), 1997; image"
                                + " trunk: Sener & Koltun, Multi-Task Learning as Multi-Objective"
                                + " Optimization, NeurIPS 2018")
                    .addKeys(TrunkHeadDesign.configKeys())
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public HardSharingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Architecture create(PluginConfig config) {
        return new HardSharing(TrunkHeadDesign.from(config));
    }
}
