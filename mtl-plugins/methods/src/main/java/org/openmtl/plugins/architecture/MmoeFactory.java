package org.openmtl.plugins.architecture;

import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/** Registers {@link Mmoe} as architecture {@code mmoe} (Ma et al., KDD 2018). */
public final class MmoeFactory implements PluginFactory<Architecture> {

    private static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(PluginKind.ARCHITECTURE, "mmoe")
            .setDescription("Multi-gate mixture of experts: shared expert trunks, and per task a softmax gate over the"
                    + " experts computed from the input.")
            .optCitation("Ma, Zhao, Yi, Chen, Hong & Chi, Modeling Task Relationships in Multi-task Learning with"
                    + " Multi-gate Mixture-of-Experts, KDD 2018")
            .addKeys(TrunkHeadDesign.configKeys())
            .addKeys(ConfigKey.integer("experts", 4, 1, 64,
                    "Number of experts, each a copy of the trunk (lenet for images, mlp for vectors)."))
            .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public MmoeFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Architecture create(PluginConfig config) {
        return new Mmoe(TrunkHeadDesign.from(config), config.getInt("experts"));
    }
}
