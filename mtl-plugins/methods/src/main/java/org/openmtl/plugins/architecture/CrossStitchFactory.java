package org.openmtl.plugins.architecture;

import java.util.ArrayList;
import java.util.List;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/** Registers {@link CrossStitch} as architecture {@code cross-stitch} (Misra et al., CVPR 2016). */
public final class CrossStitchFactory implements PluginFactory<Architecture> {

    private static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(PluginKind.ARCHITECTURE, "cross-stitch")
            .setDescription("One network column per task; after chosen trunk stages, learned linear combinations of"
                    + " the columns' activations (cross-stitch units) initialized near the identity.")
            .optCitation("Misra, Shrivastava, Gupta & Hebert, Cross-stitch Networks for Multi-task Learning, CVPR 2016")
            .addKeys(TrunkHeadDesign.configKeys())
            .addKeys(
                    ConfigKey.number("alpha.self", 0.9, 0.0, 1.0,
                            "Initial weight of a column on itself in every unit; the rest is shared equally among the"
                                    + " other columns (the paper's near-identity start)."),
                    ConfigKey.numbers("units.after", "",
                            "The trunk stages (1-based) followed by a cross-stitch unit; empty: every stage. Stages: lenet"
                                    + " 1 conv-pool-relu, 2 conv-pool-relu, 3 fc-relu; mlp one per hidden layer."),
                    ConfigKey.bool("alpha.per-channel", false,
                            "One T x T alpha per channel of the stage's output (convolution channels, or features of a"
                                    + " fully connected stage) instead of one per unit shared over the channels."),
                    ConfigKey.number("lr.scale", 1000.0, 1e-6, 1e6,
                            "Under SGD, the cross-stitch units' learning rate as a multiple of the run's (a parameter"
                                    + " group of its own); the paper, trained with SGD, trains the units 10^2-10^3 times"
                                    + " faster than the network and uses 10^3. 1 trains them like every other parameter."),
                    ConfigKey.number("lr.scale.adaptive", 1.0, 1e-6, 1e6,
                            "The same multiple under optimizers that normalize each parameter's step (adam, adamw):"
                                    + " their step is about the learning rate whatever the gradient's size, so the"
                                    + " paper's multiplier, which makes up for the units' small gradients under SGD,"
                                    + " would move alpha by about lr x 1000 per step; 1 by default."))
            .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public CrossStitchFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Architecture create(PluginConfig config) {
        List<Integer> units = new ArrayList<>();
        for (double u : config.getDoubleList("units.after")) {
            if (u != Math.rint(u) || u < 1) {
                throw new PluginConfigException(config.qualifiedKey("units.after"),
                        "'" + config.getString("units.after") + "' is not a list of stage numbers from 1");
            }
            if (!units.contains((int) u)) {
                units.add((int) u);
            }
        }
        return new CrossStitch(TrunkHeadDesign.from(config), config.getDouble("alpha.self"), units,
                config.qualifiedKey("units.after"), config.getBoolean("alpha.per-channel"), config.getDouble("lr.scale"),
                config.getDouble("lr.scale.adaptive"));
    }
}
