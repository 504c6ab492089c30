package org.openmtl.plugins.weighting;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The last weight of each of the run's tasks, in run order, for a gradient weighting's {@code
 * lastWeights()}. A step may train only some of the tasks, in its own order: its weights update
 * those tasks' entries and leave the others as they were. Between a weighting's updates ({@code
 * update.every} &gt; 1) the trainer reuses these weights as loss weights. Every weight starts at 1.
 *
 * <p>The weights are therefore state that a resumed run needs: a weighting that keeps nothing else
 * between steps returns {@link #state()} from its {@code state()} and passes what it gets to {@link
 * #restore}.
 */
final class TaskWeightHistory {

    /** The state's one key. */
    static final String WEIGHTS = "weights";

    private final List<String> tasks;
    private final Map<String, Integer> positions = new HashMap<>();
    private final double[] weights;

    /**
     * Starts with weight 1 for every task.
     *
     * @param tasks the run's tasks, in order
     */
    TaskWeightHistory(List<String> tasks) {
        this.tasks = List.copyOf(tasks);
        for (int i = 0; i < this.tasks.size(); i++) {
            positions.put(this.tasks.get(i), i);
        }
        weights = new double[this.tasks.size()];
        Arrays.fill(weights, 1.0);
    }

    /**
     * Where a step's tasks stand among the run's.
     *
     * @param stepTasks the step's tasks, in the step's order
     * @return each one's position in the run's order
     * @throws IllegalArgumentException if the step has a task the run does not
     */
    int[] positions(List<String> stepTasks) {
        int[] p = new int[stepTasks.size()];
        for (int i = 0; i < p.length; i++) {
            Integer position = positions.get(stepTasks.get(i));
            if (position == null) {
                throw new IllegalArgumentException(
                        "the step has gradients for task '"
                                + stepTasks.get(i)
                                + "', which is not one of the run's tasks "
                                + tasks);
            }
            p[i] = position;
        }
        return p;
    }

    /**
     * The current weights of some tasks.
     *
     * @param positions run positions
     * @return their weights, in the given order
     */
    double[] get(int[] positions) {
        double[] w = new double[positions.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = weights[positions[i]];
        }
        return w;
    }

    /**
     * Records one task's weight.
     *
     * @param position the task's run position
     * @param weight its new weight
     */
    void set(int position, double weight) {
        weights[position] = weight;
    }

    /**
     * Records a step's weights.
     *
     * @param positions the run positions of the step's tasks
     * @param stepWeights their weights, in the same order
     */
    void set(int[] positions, double[] stepWeights) {
        for (int i = 0; i < positions.length; i++) {
            weights[positions[i]] = stepWeights[i];
        }
    }

    /**
     * The weights, for a checkpoint.
     *
     * @return {@code weights}: a copy, in run order
     */
    Map<String, double[]> state() {
        return Map.of(WEIGHTS, weights.clone());
    }

    /**
     * Restores what {@link #state()} saved.
     *
     * @param weighting the weighting's name, for messages
     * @param state the saved state
     * @throws IllegalArgumentException if the key is missing or another is present, or the weights
     *     are not one finite number per task; nothing is restored then
     */
    void restore(String weighting, Map<String, double[]> state) {
        double[] saved =
                new SavedWeightingState(weighting, tasks, state, Set.of(WEIGHTS), Set.of())
                        .finitePerTask(WEIGHTS);
        System.arraycopy(saved, 0, weights, 0, weights.length);
    }

    /**
     * All the run's weights.
     *
     * @return a copy, in run order
     */
    double[] values() {
        return weights.clone();
    }
}
