package org.openmtl.plugins.selector;

import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.selector.TaskSelector;

/** Registers {@link ProportionalTaskSelector} as selector {@code proportional}. */
public final class ProportionalTaskSelectorFactory implements PluginFactory<TaskSelector> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.SELECTOR, "proportional")
                    .setDescription("Samples each step's task with probability proportional to its number of labelled training examples, then a batch of them.")
                    .optCitation("Sanh, Wolf & Ruder, A Hierarchical Multi-task Approach for Learning Embeddings from Semantic Tasks, AAAI 2019 (proportional sampling)")
                    .addKeys(
                            ConfigKey.integer(
                                    "tasks.per.step",
                                    1,
                                    1,
                                    Integer.MAX_VALUE,
                                    "How many distinct tasks each step samples; they share the"
                                            + " batch equally."))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public ProportionalTaskSelectorFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public TaskSelector create(PluginConfig config) {
        return new ProportionalTaskSelector(config.seed(), config.getInt("tasks.per.step"), config.qualifiedKey("tasks.per.step"), 1.0);
    }
}
