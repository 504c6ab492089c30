package org.openmtl.plugins.weighting;

import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.Weighting;

/**
 * Registers {@link DynamicWeightAverage} as weighting {@code dwa} (Liu, Johns &amp; Davison,
 * <i>End-to-End Multi-Task Learning with Attention</i>, CVPR 2019).
 */
public final class DynamicWeightAverageFactory implements PluginFactory<Weighting> {

    /** The plugin's stable name. */
    public static final String NAME = "dwa";

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, NAME)
                    .setDescription(
                            "Dynamic weight average: w_i = K softmax(r_i/T), r_i the ratio of the"
                                    + " task's mean training loss over the last two epochs.")
                    .optCitation(
                            "Liu, Johns & Davison, End-to-End Multi-Task Learning with Attention,"
                                    + " CVPR 2019")
                    .addKeys(
                            ConfigKey.number(
                                    "temperature",
                                    2.0,
                                    1e-3,
                                    null,
                                    "Softmax temperature T: larger T makes the weights more"
                                            + " equal."))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public DynamicWeightAverageFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new DynamicWeightAverage(config.getDouble("temperature"));
    }
}
