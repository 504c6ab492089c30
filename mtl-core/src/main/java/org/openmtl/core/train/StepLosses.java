package org.openmtl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;
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
            // not mul(Number): DJL builds that scalar on a Java buffer and closes it at once, and the
            // backward pass of the product then reads freed memory (garbage or infinite gradients
            // after a garbage collection). An engine-made scalar in the loss's manager (the step's)
            // is memory PyTorch owns and keeps for as long as the graph needs it
            NDArray term = weights[i] == 1.0
                    ? loss
                    : loss.mul(loss.getManager().full(new Shape(), (float) weights[i], loss.getDataType()));
            sum = sum == null ? term : sum.add(term);
        }
        return sum;
    }
}
