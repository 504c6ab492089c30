package org.openmtl.plugins.architecture;

import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/**
 * Registers {@link Independent} as architecture {@code independent}, the single-task baseline
 * (Caruana 1997).
 */
public final class IndependentFactory implements PluginFactory<Architecture> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.ARCHITECTURE, "independent")
                    .setDescription(
                            "One full network (trunk and head) per task, nothing shared: the"
                                    + " single-task baseline.")
                    .optCitation("Caruana, Multitask Learning, Machine Learning 28(1), 1997")
                    .addKeys(TrunkHeadDesign.configKeys())
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public IndependentFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Architecture create(PluginConfig config) {
        return new Independent(TrunkHeadDesign.from(config));
    }
}
