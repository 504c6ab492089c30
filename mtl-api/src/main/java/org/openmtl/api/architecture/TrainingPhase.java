package org.openmtl.api.architecture;

import ai.djl.nn.Parameter;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A stretch of training with its own set of trained parameters, e.g. AdaShare's warm-up (weights
 * only), policy learning (policies and weights), and re-training (weights, fixed policy).
 *
 * <p>A phase may train on a part of the training split only ({@link #onPart}): AdaShare's search
 * learns the weights on one half and the policy on the other, as its authors split the training
 * set. The examples of part {@code p} of {@code n} are those whose index i has i mod n = p; the
 * trainer keeps the selector's order and regroups them into batches of the run's batch size.
 *
 * @param name the phase's name, recorded in the history
 * @param epochs how many epochs it lasts
 * @param trainable which parameters the optimizer updates during the phase
 * @param dataPart which part of the training split the phase trains on, in [0, dataParts)
 * @param dataParts into how many parts the training split is divided; 1 for all of it
 */
public record TrainingPhase(String name, int epochs, Predicate<Parameter> trainable, int dataPart, int dataParts) {

    /** Validates the fields. */
    public TrainingPhase {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(trainable, "trainable");
        if (epochs < 0) {
            throw new IllegalArgumentException("phase '" + name + "' has negative epochs");
        }
        if (dataParts < 1 || dataPart < 0 || dataPart >= dataParts) {
            throw new IllegalArgumentException("phase '" + name + "' trains on part " + dataPart + " of " + dataParts
                    + "; expected 0 <= part < parts");
        }
    }

    /**
     * A phase on the whole training split.
     *
     * @param name the phase's name
     * @param epochs its length
     * @param trainable which parameters it trains
     */
    public TrainingPhase(String name, int epochs, Predicate<Parameter> trainable) {
        this(name, epochs, trainable, 0, 1);
    }

    /**
     * This phase on one part of the training split.
     *
     * @param part the part, in [0, parts)
     * @param parts the number of parts
     * @return the phase
     */
    public TrainingPhase onPart(int part, int parts) {
        return new TrainingPhase(name, epochs, trainable, part, parts);
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
