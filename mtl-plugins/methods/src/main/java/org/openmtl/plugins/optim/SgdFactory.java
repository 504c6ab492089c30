package org.openmtl.plugins.optim;

import org.openmtl.api.optim.Optimizer;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/** Registers {@link SgdOptimizer} as optimizer {@code sgd} (Polyak 1964; Sutskever et al. 2013). */
public final class SgdFactory implements PluginFactory<Optimizer> {

    /** The plugin name, also written into checkpoints of its state. */
    static final String NAME = "sgd";

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.OPTIMIZER, NAME)
                    .setDescription("Stochastic gradient descent with momentum and weight decay.")
                    .optCitation(
                            "Sutskever et al., On the importance of initialization and momentum in"
                                    + " deep learning, ICML 2013")
                    .addKeys(
                            LearningRateSchedule.withScheduleKeys(
                                    ConfigKey.number(
                                            "lr",
                                            0.01,
                                            0.0,
                                            null,
                                            "The learning rate (the schedule's base rate)."),
                                    ConfigKey.number(
                                            "momentum",
                                            0.9,
                                            0.0,
                                            1.0,
                                            "Momentum factor mu of the velocity v = mu*v + lr*g"
                                                    + " (0: plain SGD)."),
                                    ConfigKey.number(
                                            "weight.decay",
                                            0.0,
                                            0.0,
                                            null,
                                            "L2 penalty factor added to the gradient as"
                                                    + " weight.decay*w.")))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public SgdFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Optimizer create(PluginConfig config) {
        return new SgdOptimizer(
                LearningRateSchedule.from(config, config.getDouble("lr")),
                config.getDouble("momentum"),
                config.getDouble("weight.decay"));
    }
}
