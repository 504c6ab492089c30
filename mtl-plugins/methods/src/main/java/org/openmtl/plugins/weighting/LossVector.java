package org.openmtl.plugins.weighting;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.openmtl.api.weighting.TaskLosses;

/**
 * The step's task losses as one (k) vector with gradient history, for objectives that are not a
 * plain weighted sum, and per-task coefficients beside it. Every array is created from the step's
 * own arrays or in the step's manager, never in a long-lived one.
 */
final class LossVector {

    private LossVector() {}

    /**
     * Stacks the losses into a (k) vector in the step's order.
     *
     * @param losses the step's losses, each a one-element array
     * @return the vector, in the losses' manager
     */
    static NDArray of(TaskLosses losses) {
        int k = losses.tasks().size();
        NDList list = new NDList(k);
        for (int i = 0; i < k; i++) {
            list.add(losses.get(i));
        }
        // a loss of shape (1) rather than () would otherwise stack to (k, 1) and broadcast
        return NDArrays.stack(list).reshape(-1);
    }

    /**
     * A (k) vector of coefficients in the step's manager, of the losses' data type (so the
     * objective keeps it).
     *
     * @param manager the step's manager
     * @param values the coefficients
     * @param type the losses' data type
     * @return the vector
     */
    static NDArray coefficients(NDManager manager, double[] values, DataType type) {
        if (type == DataType.FLOAT64) {
            return manager.create(values.clone());
        }
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        NDArray vector = manager.create(floats);
        return type == DataType.FLOAT32 ? vector : vector.toType(type, false);
    }
}
