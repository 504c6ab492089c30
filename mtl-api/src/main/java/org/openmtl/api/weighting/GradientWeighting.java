package org.openmtl.api.weighting;

import org.openmtl.api.plugin.ConfigKey;

/**
 * A weighting that combines per-task gradients. Its {@link #requirement()} is one of
 * REPRESENTATION, PARAMETERS or GRAMIAN; task-specific parameters always receive their own task's
 * gradient, whatever the combination.
 */
public interface GradientWeighting extends Weighting {

    /**
     * The key every gradient weighting declares ({@code weighting.<name>.update.every}): combine
     * gradients every N steps only; in between, the trainer computes no per-task gradient and takes
     * one backward of Σ w_i L_i with the last weights.
     */
    ConfigKey UPDATE_EVERY = ConfigKey.integer("update.every", 1, 1, 1_000_000,
            "Combine per-task gradients every N steps; in between, reuse the last task weights (no per-task gradients).");

    /**
     * How often this weighting combines per-task gradients (see {@link #UPDATE_EVERY}). Between
     * updates the trainer reuses {@link #lastWeights()}; a weighting whose combinations are
     * directions rather than weights should return 1.
     *
     * @return N ≥ 1
     */
    default int updateEvery() {
        return 1;
    }

    /**
     * Combines the per-task gradients of this step.
     *
     * @param gradients the gradients (or only their Gramian) and the losses
     * @param step the step's position and manager
     * @return task weights, or a direction of the weighting's own
     */
    Combination combine(TaskGradients gradients, StepContext step);
}
