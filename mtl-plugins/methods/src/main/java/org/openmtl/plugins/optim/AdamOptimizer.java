package org.openmtl.plugins.optim;

import org.openmtl.api.optim.Optimizer;
import org.openmtl.api.optim.OptimizerContext;
import org.openmtl.api.optim.ParameterUpdater;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginConfigException;

/**
 * Adam (Kingma &amp; Ba, <i>Adam: A Method for Stochastic Optimization</i>, ICLR 2015) with L2
 * weight decay, or AdamW (Loshchilov &amp; Hutter, <i>Decoupled Weight Decay Regularization</i>,
 * ICLR 2019) whose weight decay shrinks the weights directly instead of entering the moments. Each
 * run gets a fresh {@link AdamUpdater}.
 */
public final class AdamOptimizer implements Optimizer {

    private final String name;
    private final LearningRateSchedule schedule;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final boolean decoupled;

    private AdamOptimizer(String name, PluginConfig config, boolean decoupled) {
        this.name = name;
        this.schedule = LearningRateSchedule.from(config, config.getDouble("lr"));
        this.beta1 = belowOne(config, "beta1");
        this.beta2 = belowOne(config, "beta2");
        this.epsilon = config.getDouble("epsilon");
        if (epsilon <= 0) {
            throw new PluginConfigException(
                    config.qualifiedKey("epsilon"),
                    epsilon + " is not valid; expected a positive number, e.g. 1e-8");
        }
        this.weightDecay = config.getDouble("weight.decay");
        this.decoupled = decoupled;
    }

    /**
     * Reads Adam's or AdamW's configuration.
     *
     * @param name the plugin name ({@code adam} or {@code adamw}), recorded in checkpoints
     * @param config the validated configuration
     * @param decoupled true for AdamW's decoupled weight decay
     * @return the optimizer
     * @throws PluginConfigException naming the key when a beta is 1 or epsilon is 0
     */
    static AdamOptimizer from(String name, PluginConfig config, boolean decoupled) {
        return new AdamOptimizer(name, config, decoupled);
    }

    /**
     * The keys of Adam and AdamW, which differ only in the default weight decay.
     *
     * @param defaultWeightDecay the default of {@code weight.decay}
     * @param weightDecayDescription what the weight decay does in this variant
     * @return the keys, the schedule's included
     */
    static ConfigKey[] configKeys(double defaultWeightDecay, String weightDecayDescription) {
        return LearningRateSchedule.withScheduleKeys(
                ConfigKey.number(
                        "lr", 1e-3, 0.0, null, "The learning rate (the schedule's base rate)."),
                ConfigKey.number(
                        "beta1",
                        0.9,
                        0.0,
                        1.0,
                        "Decay rate of the first-moment estimate, below 1."),
                ConfigKey.number(
                        "beta2",
                        0.999,
                        0.0,
                        1.0,
                        "Decay rate of the second-moment estimate, below 1."),
                ConfigKey.number(
                        "epsilon",
                        1e-8,
                        0.0,
                        null,
                        "Added to the root of the second moment, above 0."),
                ConfigKey.number(
                        "weight.decay", defaultWeightDecay, 0.0, null, weightDecayDescription));
    }

    private static double belowOne(PluginConfig config, String key) {
        double value = config.getDouble(key);
        if (value >= 1) {
            throw new PluginConfigException(
                    config.qualifiedKey(key),
                    value + " is not valid; expected a number in [0, 1), e.g. 0.9");
        }
        return value;
    }

    double beta1() {
        return beta1;
    }

    double beta2() {
        return beta2;
    }

    double epsilon() {
        return epsilon;
    }

    double weightDecay() {
        return weightDecay;
    }

    boolean decoupled() {
        return decoupled;
    }

    @Override
    public ParameterUpdater create(OptimizerContext context) {
        return new AdamUpdater(name, schedule, context, this);
    }
}
