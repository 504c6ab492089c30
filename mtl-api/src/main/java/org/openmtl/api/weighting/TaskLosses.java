package org.openmtl.api.weighting;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** The per-task losses of one step, in task order. */
public interface TaskLosses {

    /**
     * The task names, in the order of the losses.
     *
     * @return the task names
     */
    List<String> tasks();

    /**
     * One task's loss, a scalar with gradient history.
     *
     * @param index the task's position in {@link #tasks()}
     * @return the loss
     */
    NDArray get(int index);

    /**
     * The losses' values on the heap (one host transfer for all, cached).
     *
     * @return the loss values in task order
     */
    double[] values();

    /**
     * Σ w_i L_i, formed with as few operations as the weights allow. The weights enter the graph
     * as engine-made scalars ({@link org.openmtl.api.tensor.GraphScalars}), never through {@code
     * mul(Number)}, so the result is safe to keep for a later backward pass.
     *
     * @param weights one weight per task
     * @return a scalar with gradient history
     */
    NDArray weightedSum(double[] weights);
}
