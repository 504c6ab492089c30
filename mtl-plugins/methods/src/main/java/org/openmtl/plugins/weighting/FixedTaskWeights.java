package org.openmtl.plugins.weighting;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.List;
import org.openmtl.api.weighting.TaskLosses;

/**
 * A fixed weight per task, and the weighted sum of a step's losses with them. A step may train only
 * some of the run's tasks (a task selector sampling one task per step); its losses are then
 * weighted by those tasks' own weights.
 */
final class FixedTaskWeights {

    private final List<String> tasks;
    private final double[] weights;

    /**
     * Creates the weights.
     *
     * @param tasks the run's tasks, in order
     * @param weights one weight per task
     */
    FixedTaskWeights(List<String> tasks, double[] weights) {
        if (tasks.size() != weights.length) {
            throw new IllegalArgumentException(
                    weights.length + " weights for " + tasks.size() + " tasks");
        }
        this.tasks = List.copyOf(tasks);
        this.weights = weights.clone();
    }

    /**
     * Σ w_i L_i over the step's tasks.
     *
     * @param losses the step's losses
     * @return a scalar with gradient history
     */
    NDArray weightedSum(TaskLosses losses) {
        List<String> stepTasks = losses.tasks();
        if (stepTasks.equals(tasks)) {
            return losses.weightedSum(weights);
        }
        double[] stepWeights = new double[stepTasks.size()];
        for (int i = 0; i < stepWeights.length; i++) {
            int index = tasks.indexOf(stepTasks.get(i));
            if (index < 0) {
                throw new IllegalArgumentException(
                        "the step has a loss for task '"
                                + stepTasks.get(i)
                                + "', which is not one of the run's tasks "
                                + tasks);
            }
            stepWeights[i] = weights[index];
        }
        return losses.weightedSum(stepWeights);
    }

    /**
     * The weights, in task order.
     *
     * @return a copy of the weights
     */
    double[] values() {
        return weights.clone();
    }

    @Override
    public String toString() {
        return "FixedTaskWeights" + Arrays.toString(weights);
    }
}
