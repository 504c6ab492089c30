package org.openmtl.core.train;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.openmtl.api.tensor.GraphScalars;
import org.openmtl.api.weighting.TaskLosses;

/** The per-task losses of one step. */
final class StepLosses implements TaskLosses {

    private final List<String> tasks;
    private final List<NDArray> losses;
    private double[] values;

    StepLosses(List<String> tasks, List<NDArray> losses) {
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
                values[i] = losses.get(i).getFloat();
            }
        }
        return values.clone();
    }

    @Override
    public NDArray weightedSum(double[] weights) {
        if (weights.length != losses.size()) {
            throw new IllegalArgumentException(
                    "expected " + losses.size() + " weights, got " + weights.length);
        }
        NDArray sum = null;
        for (int i = 0; i < weights.length; i++) {
            NDArray loss = losses.get(i);
            // not mul(Number): the backward pass of the product would read a scalar freed at the
            // next garbage collection (see GraphScalars); the loss's manager is the step's
            NDArray term = weights[i] == 1.0
                    ? loss
                    : GraphScalars.times(loss, weights[i], loss.getManager());
            sum = sum == null ? term : sum.add(term);
        }
        return sum;
    }
}
