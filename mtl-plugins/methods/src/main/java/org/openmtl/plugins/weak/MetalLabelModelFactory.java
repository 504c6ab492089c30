package org.openmtl.plugins.weak;

import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weak.LabelModel;

/** Registers {@link MetalLabelModel} as label model {@code metal}. */
public final class MetalLabelModelFactory implements PluginFactory<LabelModel> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.LABEL_MODEL, "metal")
                    .setDescription(
                            "The MeTaL label model: source accuracies from the overlaps of their votes by matrix completion, probabilistic labels over the task graph's feasible label vectors.")
                    .optCitation(MetalSettingsKeys.CITATION)
                    .addKeys(MetalSettingsKeys.KEYS)
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public MetalLabelModelFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public LabelModel create(PluginConfig config) {
        return new MetalLabelModel(MetalSettingsKeys.settings(config));
    }
}
