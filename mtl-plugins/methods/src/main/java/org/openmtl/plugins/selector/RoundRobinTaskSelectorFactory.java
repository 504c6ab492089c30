package org.openmtl.plugins.selector;

import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.selector.TaskSelector;

/** Registers {@link RoundRobinTaskSelector} as selector {@code round-robin}. */
public final class RoundRobinTaskSelectorFactory implements PluginFactory<TaskSelector> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.SELECTOR, "round-robin")
                    .setDescription("Trains the tasks in turn, one (or tasks.per.step) per step, the cycle running on across epochs.")
                    .optCitation("Dong, Wu, He, Yu & Wang, Multi-Task Learning for Multiple Language Translation, ACL 2015 (alternating task updates)")
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
    public RoundRobinTaskSelectorFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public TaskSelector create(PluginConfig config) {
        return new RoundRobinTaskSelector(config.seed(), config.getInt("tasks.per.step"), config.qualifiedKey("tasks.per.step"));
    }
}
