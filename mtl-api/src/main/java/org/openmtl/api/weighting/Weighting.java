package org.openmtl.api.weighting;

import ai.djl.nn.Parameter;
import java.util.List;
import java.util.Map;

/**
 * A weighting plugin. Implement {@link LossWeighting} or {@link GradientWeighting}; the trainer
 * dispatches on which one, and on {@link #requirement()}, never on the plugin's name.
 */
public interface Weighting {

    /**
     * What the trainer must compute for this weighting each step.
     *
     * @return the requirement
     */
    GradientRequirement requirement();

    /**
     * Prepares the weighting for a run: task names, a manager for its own parameters, a seed.
     *
     * @param context the run's tasks and resources
     */
    default void initialize(WeightingContext context) {}

    /**
     * Parameters the weighting learns together with the network (e.g. log-variances).
     *
     * @return the parameters; empty by default
     */
    default List<Parameter> parameters() {
        return List.of();
    }

    /**
     * Whether the step just taken gave {@link #parameters()} a gradient. When false the trainer
     * leaves them, and the optimizer's state for them, as they are this step, as PyTorch's
     * optimizers skip a parameter whose gradient is None (e.g. GradNorm's weights during its
     * warm-up epoch).
     *
     * @return true by default
     */
    default boolean parametersHaveGradients() {
        return true;
    }

    /**
     * The task weights used in the most recent step, in task order, for the run's history.
     *
     * @return the weights, or an empty array when the method has no per-task weights
     */
    double[] lastWeights();

    /**
     * Called after each epoch with the epoch's mean training loss per task (e.g. for dynamic
     * weight average).
     *
     * @param epoch the epoch just finished, from 1
     * @param meanLosses the mean training loss per task, in task order
     */
    default void onEpochEnd(int epoch, double[] meanLosses) {}

    /**
     * Whether the trainer evaluates the step's losses again, on the same batch, after the
     * optimizer's update, and hands them to {@link #afterUpdate} (one extra forward pass per step,
     * without gradients).
     *
     * @return false by default
     */
    default boolean needsLossesAfterUpdate() {
        return false;
    }

    /**
     * Called after the optimizer's update of a step, when {@link #needsLossesAfterUpdate()}, with
     * the losses of the same batch and tasks under the updated parameters.
     *
     * @param losses the step's tasks and their losses after the update (no gradient history)
     * @param step the step's position and manager
     */
    default void afterUpdate(TaskLosses losses, StepContext step) {}

    /**
     * The weighting's state kept on the heap between steps (running averages, previous losses,
     * learned logits), saved in every checkpoint so a resumed run continues exactly. Parameters
     * from {@link #parameters()} are saved by the trainer and do not belong here.
     *
     * @return named arrays; empty for a stateless weighting
     */
    default Map<String, double[]> state() {
        return Map.of();
    }

    /**
     * Restores what {@link #state()} returned, after {@link #initialize} and before the first step
     * of a resumed run.
     *
     * @param state the saved state
     */
    default void restore(Map<String, double[]> state) {}

    /**
     * The preference over the tasks this weighting trains toward, after {@link #initialize}: one
     * non-negative weight per task, in task order, not all 0 — the fixed weights of a linear
     * scalarization, or the preference vector a preference-based method is given. The trainer
     * records it in {@code result.json} as {@code preference} (normalized to sum 1), where the
     * sweep summary measures how closely the reached losses align with it.
     *
     * @return the preference; empty (the default) for a weighting that is given none
     */
    default double[] preference() {
        return new double[0];
    }

    /**
     * Whether this weighting trains a preference-conditioned network over many preferences: it
     * draws a preference for every training step ({@link #preferenceForStep}), the trainer hands it
     * to the network before the step's forward pass, and the weighting's objective uses the same
     * preference. Known from the configuration alone (checked against {@link
     * org.openmtl.api.architecture.Architecture#conditionedOnPreference()} when a run is
     * configured).
     *
     * @return false by default
     */
    default boolean drawsPreferences() {
        return false;
    }

    /**
     * The preference of one training step, after {@link #initialize}, for a weighting that {@link
     * #drawsPreferences()}: one non-negative weight per task, in task order, summing to 1. A
     * function of the step (and the weighting's seed) only, so a resumed run draws the same
     * preferences and the objective of that step can draw it again.
     *
     * @param step the global step count, from 0
     * @return the preference; empty (the default) for a weighting that draws none
     */
    default double[] preferenceForStep(long step) {
        return new double[0];
    }
}
