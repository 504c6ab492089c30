package org.openmtl.plugins.weak;

import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weak.LabelModel;

/** Registers {@link IndependentTaskLabelModel} as label model {@code independent}. */
public final class IndependentTaskLabelModelFactory implements PluginFactory<LabelModel> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.LABEL_MODEL, "independent")
                    .setDescription(
                            "One MeTaL label model per task, each on its covering sources' votes, the task graph's relations ignored (the baseline that models tasks separately).")
                    .optCitation(MetalSettingsKeys.CITATION)
                    .addKeys(MetalSettingsKeys.KEYS)
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public IndependentTaskLabelModelFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public LabelModel create(PluginConfig config) {
        return new IndependentTaskLabelModel(MetalSettingsKeys.settings(config));
    }
}
