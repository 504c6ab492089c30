package org.openmtl.api.weighting;

import ai.djl.ndarray.NDArray;

/**
 * The per-task gradients of one step: K rows, one per task, each the flattened gradient of that
 * task's loss with respect to the shared representation or the shared parameters (whichever the
 * weighting declared). For a GRAMIAN requirement only {@link #gramian()} may be used.
 */
public interface TaskGradients {

    /**
     * What the rows are gradients with respect to.
     *
     * @return REPRESENTATION, PARAMETERS or GRAMIAN
     */
    GradientRequirement requirement();

    /**
     * The gradients as a (K, D) matrix.
     *
     * @return the matrix
     * @throws IllegalStateException for a GRAMIAN requirement
     */
    NDArray matrix();

    /**
     * The K×K Gramian G_ij = g_i·g_j on the heap.
     *
     * @return the Gramian
     */
    double[][] gramian();

    /**
     * The step's losses.
     *
     * @return the losses
     */
    TaskLosses losses();
}
