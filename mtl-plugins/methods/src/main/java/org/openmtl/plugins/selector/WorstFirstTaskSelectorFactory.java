package org.openmtl.plugins.selector;

import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.selector.TaskSelector;

/** Registers {@link WorstFirstTaskSelector} as selector {@code worst-first}. */
public final class WorstFirstTaskSelectorFactory implements PluginFactory<TaskSelector> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.SELECTOR, "worst-first")
                    .setDescription("Samples tasks by a softmax over their training loss relative to their first loss (running average), so tasks that lag behind are trained more often.")
                    .optCitation("Sharma, Jha, Hegde & Ravindran, Learning to Multi-Task by Active Sampling, ICLR 2018")
                    .addKeys(
                            ConfigKey.integer(
                                    "tasks.per.step",
                                    1,
                                    1,
                                    Integer.MAX_VALUE,
                                    "How many distinct tasks each step samples; they share the"
                                            + " batch equally."),
                            ConfigKey.number(
                                    "temperature",
                                    0.1,
                                    1e-4,
                                    1e4,
                                    "tau in p_t = softmax(r_t / tau), r_t the task's averaged loss"
                                            + " over its first loss: smaller values favour the"
                                            + " lagging task more strongly."),
                            ConfigKey.number(
                                    "decay",
                                    0.9,
                                    0.0,
                                    0.999999,
                                    "Decay of the running average of each task's loss per step in"
                                            + " which it is trained (0: the last loss only)."))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public WorstFirstTaskSelectorFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public TaskSelector create(PluginConfig config) {
        return new WorstFirstTaskSelector(config.seed(), config.getInt("tasks.per.step"), config.qualifiedKey("tasks.per.step"), config.getDouble("temperature"), config.getDouble("decay"));
    }
}
