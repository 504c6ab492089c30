package org.openmtl.plugins.selector;

import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.selector.TaskSelector;

/** Registers {@link AllTasksSelector} as selector {@code all} (Caruana 1997). */
public final class AllTasksSelectorFactory implements PluginFactory<TaskSelector> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.SELECTOR, "all")
                    .setDescription(
                            "Every task every step; each epoch one shuffled pass over the examples"
                                    + " labelled for any task.")
                    .optCitation("Caruana, Multitask Learning, Machine Learning 28(1), 1997")
                    .addKeys(
                            ConfigKey.bool(
                                    "drop.last",
                                    false,
                                    "Drop each epoch's last batch when it is smaller than"
                                            + " batch.size."))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public AllTasksSelectorFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public TaskSelector create(PluginConfig config) {
        return new AllTasksSelector(
                config.seed(), config.getBoolean("drop.last"), config.qualifiedKey("drop.last"));
    }
}
