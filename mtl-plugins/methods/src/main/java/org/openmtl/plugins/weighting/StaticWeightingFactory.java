package org.openmtl.plugins.weighting;

import java.util.Locale;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.plugin.ValueType;
import org.openmtl.api.weighting.Weighting;

/** Registers {@link StaticWeighting} as weighting {@code static} (Xin et al. 2022). */
public final class StaticWeightingFactory implements PluginFactory<Weighting> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, "static")
                    .setDescription(
                            "A weighted sum of the task losses with weights fixed for the run:"
                                    + " given, or proportional to the tasks' training-set sizes.")
                    .optCitation(
                            "Xin et al., Do Current Multi-Task Optimization Methods in Deep"
                                + " Learning Even Help?, NeurIPS 2022")
                    .addKeys(
                            new ConfigKey(
                                    "weights",
                                    ValueType.DOUBLE_LIST,
                                    "",
                                    "One non-negative weight per task, in task order (mode"
                                            + " explicit); empty means all ones.",
                                    0.0,
                                    null,
                                    null),
                            ConfigKey.choice(
                                    "mode",
                                    "explicit",
                                    "explicit: the weights key (or all ones); proportional: w_i ="
                                            + " K*n_i/sum(n), n_i the task's labelled training"
                                            + " examples.",
                                    "explicit",
                                    "proportional"))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public StaticWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        StaticWeighting.Mode mode =
                StaticWeighting.Mode.valueOf(config.getString("mode").toUpperCase(Locale.ROOT));
        if (mode == StaticWeighting.Mode.PROPORTIONAL
                && !config.getDoubleList("weights").isEmpty()) {
            throw new PluginConfigException(
                    config.qualifiedKey("weights"),
                    "is set, but "
                            + config.qualifiedKey("mode")
                            + " is proportional, which derives the weights; set one or the other");
        }
        return new StaticWeighting(
                mode,
                config.getDoubleList("weights"),
                config.qualifiedKey("weights"),
                config.qualifiedKey("mode"));
    }
}
