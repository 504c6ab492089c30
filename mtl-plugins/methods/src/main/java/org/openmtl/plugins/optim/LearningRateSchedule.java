package org.openmtl.plugins.optim;

import java.util.Arrays;
import java.util.Locale;
import org.openmtl.api.optim.OptimizerContext;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginConfigException;

/**
 * A learning-rate schedule: the learning rate as a function of the global step and the run's
 * horizon, shared by every built-in optimizer (same keys, same meaning).
 *
 * <ul>
 *   <li>{@code constant}: lr.
 *   <li>{@code step}: lr·gamma^⌊e/N⌋, e the epoch (from 0) the step falls in, N = {@code
 *       step.epochs}.
 *   <li>{@code cosine}: min + (lr − min)·(1 + cos(π·p))/2, p the fraction of the post-warm-up steps
 *       done (Loshchilov &amp; Hutter, <i>SGDR: Stochastic Gradient Descent with Warm Restarts</i>,
 *       ICLR 2017, without restarts).
 * </ul>
 *
 * <p>With {@code warmup.steps} = W &gt; 0, step t &lt; W uses that rate times (t + 1)/W, a linear
 * ramp that reaches the full rate on step W − 1 and never trains a step at rate 0 (Goyal et al.,
 * <i>Accurate, Large Minibatch SGD: Training ImageNet in 1 Hour</i>, 2017).
 */
final class LearningRateSchedule {

    /** The shape of the schedule. */
    enum Kind {
        /** The base rate throughout. */
        CONSTANT,
        /** Multiplied by gamma every {@code step.epochs} epochs. */
        STEP,
        /** Cosine annealing from the base rate to {@code min.lr} over the run. */
        COSINE
    }

    private final Kind kind;
    private final double baseRate;
    private final int stepEpochs;
    private final double gamma;
    private final double minRate;
    private final int warmupSteps;

    LearningRateSchedule(
            Kind kind,
            double baseRate,
            int stepEpochs,
            double gamma,
            double minRate,
            int warmupSteps) {
        this.kind = kind;
        this.baseRate = baseRate;
        this.stepEpochs = stepEpochs;
        this.gamma = gamma;
        this.minRate = minRate;
        this.warmupSteps = warmupSteps;
    }

    /**
     * An optimizer's keys followed by the schedule keys every built-in optimizer declares.
     *
     * @param own the optimizer's own keys
     * @return all its keys
     */
    static ConfigKey[] withScheduleKeys(ConfigKey... own) {
        ConfigKey[] schedule = {
            ConfigKey.choice(
                    "schedule",
                    "constant",
                    "Learning-rate schedule: constant, step (times gamma every step.epochs epochs)"
                            + " or cosine (annealed to min.lr over the run).",
                    "constant",
                    "step",
                    "cosine"),
            ConfigKey.integer(
                    "step.epochs",
                    10,
                    1,
                    Integer.MAX_VALUE,
                    "For schedule step: multiply the learning rate by gamma every this many"
                            + " epochs."),
            ConfigKey.number(
                    "gamma", 0.1, 0.0, 1.0, "For schedule step: the factor of each decay."),
            ConfigKey.number(
                    "min.lr",
                    0.0,
                    0.0,
                    null,
                    "For schedule cosine: the learning rate at the end of the run."),
            ConfigKey.integer(
                    "warmup.steps",
                    0,
                    0,
                    Integer.MAX_VALUE,
                    "Ramp the learning rate up linearly over this many first steps (0: no"
                            + " warm-up).")
        };
        ConfigKey[] all = Arrays.copyOf(own, own.length + schedule.length);
        System.arraycopy(schedule, 0, all, own.length, schedule.length);
        return all;
    }

    /**
     * Reads the schedule from an optimizer's configuration.
     *
     * @param config the optimizer's validated configuration
     * @param baseRate the optimizer's learning rate
     * @return the schedule
     * @throws PluginConfigException naming {@code min.lr} when a cosine schedule would rise
     */
    static LearningRateSchedule from(PluginConfig config, double baseRate) {
        Kind kind = Kind.valueOf(config.getString("schedule").toUpperCase(Locale.ROOT));
        double minRate = config.getDouble("min.lr");
        if (kind == Kind.COSINE && minRate > baseRate) {
            throw new PluginConfigException(
                    config.qualifiedKey("min.lr"),
                    minRate
                            + " is above the learning rate "
                            + baseRate
                            + "; expected a final rate no larger than the initial one");
        }
        return new LearningRateSchedule(
                kind,
                baseRate,
                config.getInt("step.epochs"),
                config.getDouble("gamma"),
                minRate,
                config.getInt("warmup.steps"));
    }

    /**
     * The learning rate of a step.
     *
     * @param step the global step, from 0
     * @param horizon the run's steps per epoch and epochs
     * @return the learning rate
     */
    double at(long step, OptimizerContext horizon) {
        double rate;
        switch (kind) {
            case STEP:
                long epoch = horizon.stepsPerEpoch() > 0 ? step / horizon.stepsPerEpoch() : 0;
                rate = baseRate * Math.pow(gamma, (double) (epoch / stepEpochs));
                break;
            case COSINE:
                double span = horizon.totalSteps() - warmupSteps;
                double done =
                        step < warmupSteps
                                ? 0
                                : span <= 0 ? 1 : Math.min(1, (step - warmupSteps) / span);
                rate = minRate + (baseRate - minRate) * (1 + Math.cos(Math.PI * done)) / 2;
                break;
            case CONSTANT:
            default:
                rate = baseRate;
        }
        if (step < warmupSteps) {
            rate *= (step + 1) / (double) warmupSteps;
        }
        return rate;
    }
}
