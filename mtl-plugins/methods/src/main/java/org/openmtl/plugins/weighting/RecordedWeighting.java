package org.openmtl.plugins.weighting;

import java.util.Map;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.WeightingContext;

/**
 * The common part of the gradient weightings whose only state between steps is the last weight of
 * each task ({@link TaskWeightHistory}): {@code update.every}, the history created at initialize,
 * {@link #lastWeights()}, and saving and restoring the weights in checkpoints. A subclass that
 * keeps more state overrides {@link #state()} and {@link #restore}.
 */
abstract class RecordedWeighting implements GradientWeighting {

    private final String name;
    private final int updateEvery;
    private TaskWeightHistory history;

    /**
     * Creates the weighting.
     *
     * @param name the plugin's name, for messages about its saved state
     * @param updateEvery combine every this many steps, reusing the last weights in between
     */
    RecordedWeighting(String name, int updateEvery) {
        this.name = name;
        this.updateEvery = updateEvery;
    }

    @Override
    public final int updateEvery() {
        return updateEvery;
    }

    /**
     * Creates the weight history (every task at weight 1), then calls {@link #initialized}.
     *
     * @param context the run's tasks
     */
    @Override
    public final void initialize(WeightingContext context) {
        history = new TaskWeightHistory(context.tasks());
        initialized(context);
    }

    /**
     * Further set-up after the history exists; nothing by default.
     *
     * @param context the run's tasks
     */
    void initialized(WeightingContext context) {}

    /**
     * The weight history.
     *
     * @return the history
     * @throws IllegalStateException before initialize
     */
    final TaskWeightHistory history() {
        if (history == null) {
            throw new IllegalStateException("the weighting is used before initialize()");
        }
        return history;
    }

    /**
     * Whether initialize has run.
     *
     * @return true once the history exists
     */
    final boolean initialized() {
        return history != null;
    }

    /**
     * The plugin's name.
     *
     * @return the name given at construction
     */
    final String name() {
        return name;
    }

    @Override
    public double[] lastWeights() {
        return history == null ? new double[0] : history.values();
    }

    /**
     * The last weight of each task, which the trainer reuses between updates and a step of other
     * tasks leaves as it was.
     *
     * @return {@code weights}; empty before initialize
     */
    @Override
    public Map<String, double[]> state() {
        return history == null ? Map.of() : history.state();
    }

    /**
     * Restores what {@link #state()} saved.
     *
     * @param state the saved state
     * @throws IllegalArgumentException if {@code weights} is missing, another key is present, or
     *     the weights are not one finite number per task
     */
    @Override
    public void restore(Map<String, double[]> state) {
        history().restore(name, state);
    }
}
