package org.openmtl.plugins.selector;

import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.selector.TaskSelector;

/** Registers {@link ProportionalTaskSelector} with a temperature as selector {@code temperature}. */
public final class TemperatureTaskSelectorFactory implements PluginFactory<TaskSelector> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.SELECTOR, "temperature")
                    .setDescription("Samples each step's task with probability proportional to n_t^(1/T), n_t its labelled training examples: T = 1 is proportional, large T approaches uniform.")
                    .optCitation("Arivazhagan et al., Massively Multilingual Neural Machine Translation in the Wild: Findings and Challenges, 2019 (temperature-based sampling)")
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
                                    2.0,
                                    1e-3,
                                    1e6,
                                    "T in p_t proportional to n_t^(1/T): 1 samples in proportion to"
                                            + " the tasks' data, larger values flatten towards"
                                            + " uniform."))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public TemperatureTaskSelectorFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public TaskSelector create(PluginConfig config) {
        return new ProportionalTaskSelector(config.seed(), config.getInt("tasks.per.step"), config.qualifiedKey("tasks.per.step"), config.getDouble("temperature"));
    }
}
