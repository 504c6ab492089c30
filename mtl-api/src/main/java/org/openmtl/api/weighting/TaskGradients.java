package org.openmtl.api.weighting;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

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
     * The shared representation the rows are gradients with respect to (REPRESENTATION only): the
     * arrays {@code encode} returned, detached, in the order their gradients are laid out along
     * each row, each with the batch on its first axis. For methods that need the activations or
     * the batch layout, not only the flattened gradients (GradDrop multiplies each gradient by the
     * sign of its activation and sums over the batch).
     *
     * @return the representation; its sizes add up to the rows' length
     * @throws IllegalStateException when the rows are not representation gradients, or the
     *     implementation does not provide it
     */
    default NDList representation() {
        throw new IllegalStateException(
                "these task gradients carry no representation (requirement " + requirement() + ")");
    }

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
