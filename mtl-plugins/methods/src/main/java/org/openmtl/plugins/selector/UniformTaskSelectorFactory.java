package org.openmtl.plugins.selector;

import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.selector.TaskSelector;

/**
 * Registers {@link UniformTaskSelector} as selector {@code uniform} (Collobert &amp; Weston 2008).
 */
public final class UniformTaskSelectorFactory implements PluginFactory<TaskSelector> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.SELECTOR, "uniform")
                    .setDescription(
                            "Naive MT-SGD: each step samples tasks uniformly at random, then a"
                                + " batch of examples labelled for them.")
                    .optCitation(
                            "Collobert & Weston, A Unified Architecture for Natural Language"
                                + " Processing: Deep Neural Networks with Multitask Learning, ICML"
                                + " 2008")
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
    public UniformTaskSelectorFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public TaskSelector create(PluginConfig config) {
        return new UniformTaskSelector(
                config.seed(),
                config.getInt("tasks.per.step"),
                config.qualifiedKey("tasks.per.step"));
    }
}
