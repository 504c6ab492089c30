package org.openmtl.plugins.weighting;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's tasks in order, and where a step's tasks stand among them. A step may train only some
 * of the run's tasks (a selector sampling tasks per step), in its own order; weightings that keep
 * per-task state index it by run position.
 */
final class RunTaskOrder {

    private final List<String> tasks;
    private final Map<String, Integer> positions = new HashMap<>();
    private final int[] identity;

    /**
     * Creates the order.
     *
     * @param tasks the run's tasks, in order
     */
    RunTaskOrder(List<String> tasks) {
        this.tasks = List.copyOf(tasks);
        identity = new int[this.tasks.size()];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = i;
            positions.put(this.tasks.get(i), i);
        }
    }

    /**
     * The number of tasks of the run.
     *
     * @return K
     */
    int size() {
        return tasks.size();
    }

    /**
     * The run's tasks.
     *
     * @return the names, in run order
     */
    List<String> tasks() {
        return tasks;
    }

    /**
     * The run position of each of a step's tasks.
     *
     * @param stepTasks the step's tasks, in the step's order
     * @return one run position per step task (the identity when the step trains every task in run
     *     order; the caller must not modify it)
     * @throws IllegalArgumentException if a step task is not one of the run's tasks
     */
    int[] positions(List<String> stepTasks) {
        if (stepTasks.equals(tasks)) {
            return identity;
        }
        int[] result = new int[stepTasks.size()];
        for (int i = 0; i < result.length; i++) {
            Integer position = positions.get(stepTasks.get(i));
            if (position == null) {
                throw new IllegalArgumentException(
                        "the step has a loss for task '"
                                + stepTasks.get(i)
                                + "', which is not one of the run's tasks "
                                + tasks);
            }
            result[i] = position;
        }
        return result;
    }

    /**
     * Spreads a step's per-task values over the run's tasks.
     *
     * @param positions the step tasks' run positions
     * @param stepValues one value per step task
     * @param others the value of the run's tasks the step did not train
     * @return K values, in run order
     */
    double[] spread(int[] positions, double[] stepValues, double others) {
        double[] all = new double[tasks.size()];
        Arrays.fill(all, others);
        for (int i = 0; i < positions.length; i++) {
            all[positions[i]] = stepValues[i];
        }
        return all;
    }

    /**
     * Picks the step tasks' entries of a per-run-task array.
     *
     * @param positions the step tasks' run positions
     * @param runValues K values, in run order
     * @return one value per step task
     */
    static double[] pick(int[] positions, double[] runValues) {
        double[] picked = new double[positions.length];
        for (int i = 0; i < positions.length; i++) {
            picked[i] = runValues[positions[i]];
        }
        return picked;
    }
}
