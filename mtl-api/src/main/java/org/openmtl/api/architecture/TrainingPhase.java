package org.openmtl.api.architecture;

import ai.djl.nn.Parameter;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A stretch of training with its own set of trained parameters, e.g. AdaShare's warm-up (weights
 * only), policy learning (policies and weights), and re-training (weights, fixed policy).
 *
 * @param name the phase's name, recorded in the history
 * @param epochs how many epochs it lasts
 * @param trainable which parameters the optimizer updates during the phase
 */
public record TrainingPhase(String name, int epochs, Predicate<Parameter> trainable) {

    /** Validates the fields. */
    public TrainingPhase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(trainable, "trainable");
        if (epochs < 0) {
            throw new IllegalArgumentException("phase '" + name + "' has negative epochs");
        }
    }

    /**
     * A phase that trains every parameter.
     *
     * @param name the phase name
     * @param epochs its length
     * @return the phase
     */
    public static TrainingPhase all(String name, int epochs) {
        return new TrainingPhase(name, epochs, p -> true);
    }
}
