package org.openmtl.api.weighting;

/**
 * A weighting that combines per-task gradients. Its {@link #requirement()} is one of
 * REPRESENTATION, PARAMETERS or GRAMIAN; task-specific parameters always receive their own task's
 * gradient, whatever the combination.
 */
public interface GradientWeighting extends Weighting {

    /**
     * Combines the per-task gradients of this step.
     *
     * @param gradients the gradients (or only their Gramian) and the losses
     * @param step the step's position and manager
     * @return task weights, or a direction of the weighting's own
     */
    Combination combine(TaskGradients gradients, StepContext step);
}
