package org.openmtl.plugins.architecture;

import java.util.Locale;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/** Registers {@link Mtan} as architecture {@code mtan} (Liu, Johns &amp; Davison, CVPR 2019). */
public final class MtanFactory implements PluginFactory<Architecture> {

    private static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(PluginKind.ARCHITECTURE, "mtan")
            .setDescription("A shared trunk with a task-specific soft-attention module at every stage that masks the"
                    + " shared features for its task.")
            .optCitation("Liu, Johns & Davison, End-to-End Multi-Task Learning with Attention, CVPR 2019")
            .addKeys(TrunkHeadDesign.configKeys())
            .addKeys(ConfigKey.choice(
                    "attention.norm",
                    "conv",
                    "Normalization in the attention modules: conv (BatchNorm after each of the two 1x1"
                            + " convolutions of a module on convolutional maps, as the authors' module, whose"
                            + " stages are all convolutional; none in a module on vectors, a fully connected"
                            + " stage or an mlp trunk), batch (BatchNorm in every module, on vectors too: its"
                            + " evaluation with running statistics was unstable on MultiLeNet's fully connected"
                            + " stage) or none (no normalization).",
                    "conv",
                    "batch",
                    "none"))
            .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public MtanFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Architecture create(PluginConfig config) {
        return new Mtan(TrunkHeadDesign.from(config),
                Mtan.Norm.valueOf(config.getString("attention.norm").toUpperCase(Locale.ROOT)));
    }
}
