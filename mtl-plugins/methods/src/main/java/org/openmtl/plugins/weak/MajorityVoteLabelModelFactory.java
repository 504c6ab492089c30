package org.openmtl.plugins.weak;

import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weak.LabelModel;

/** Registers {@link MajorityVoteLabelModel} as label model {@code majority-vote}. */
public final class MajorityVoteLabelModelFactory implements PluginFactory<LabelModel> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.LABEL_MODEL, "majority-vote")
                    .setDescription(
                            "Per task, the class most sources vote for (ties share the probability, no vote gives the uniform distribution).")
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public MajorityVoteLabelModelFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public LabelModel create(PluginConfig config) {
        return new MajorityVoteLabelModel();
    }
}
