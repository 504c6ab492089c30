package org.openmtl.api.weighting;

import ai.djl.ndarray.NDArray;

/** A weighting that needs only the task losses: it returns the scalar objective to differentiate. */
public interface LossWeighting extends Weighting {

    @Override
    default GradientRequirement requirement() {
        return GradientRequirement.LOSSES;
    }

    /**
     * The objective of this step, typically Σ w_i L_i.
     *
     * @param losses the per-task losses of the step (scalars with gradient history)
     * @param step the step's position and manager
     * @return a scalar to run one backward on
     */
    NDArray objective(TaskLosses losses, StepContext step);
}
