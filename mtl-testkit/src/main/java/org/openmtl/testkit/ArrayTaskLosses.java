package org.openmtl.testkit;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.openmtl.api.tensor.GraphScalars;
import org.openmtl.api.weighting.TaskLosses;

/**
 * {@link TaskLosses} over given scalar arrays, for testing weightings without a trainer. The
 * weighted sum is formed term by term (a weight of 1 adds the loss itself), which is what a
 * weighting may rely on: the same value and gradient as Σ w_i L_i.
 */
public final class ArrayTaskLosses implements TaskLosses {

    private final List<String> tasks;
    private final List<NDArray> losses;
    private double[] values;

    /**
     * Creates the losses.
     *
     * @param tasks the task names
     * @param losses one scalar per task, in the same order, usually with gradient history
     */
    public ArrayTaskLosses(List<String> tasks, List<NDArray> losses) {
        if (tasks.size() != losses.size()) {
            throw new IllegalArgumentException(
                    tasks.size() + " tasks but " + losses.size() + " losses");
        }
        this.tasks = List.copyOf(tasks);
        this.losses = List.copyOf(losses);
    }

    @Override
    public List<String> tasks() {
        return tasks;
    }

    @Override
    public NDArray get(int index) {
        return losses.get(index);
    }

    @Override
    public double[] values() {
        if (values == null) {
            values = new double[losses.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = losses.get(i).toFloatArray()[0];
            }
        }
        return values.clone();
    }

    @Override
    public NDArray weightedSum(double[] weights) {
        if (weights.length != losses.size()) {
            throw new IllegalArgumentException(
                    weights.length + " weights for " + losses.size() + " losses");
        }
        NDArray sum = null;
        for (int i = 0; i < weights.length; i++) {
            // an engine-made scalar of the loss's type (mul(Number) would free it before the
            // backward pass reads it); the losses live in the step's manager
            NDArray loss = losses.get(i);
            NDArray term =
                    weights[i] == 1.0 ? loss : GraphScalars.times(loss, weights[i], loss.getManager());
            sum = sum == null ? term : sum.add(term);
        }
        return sum;
    }
}
