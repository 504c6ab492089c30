package org.openmtl.api.architecture;

import java.util.Arrays;
import java.util.List;

/**
 * A network that reads a preference vector over the tasks as an input, so that one network
 * represents a whole Pareto front (e.g. COSMOS, which appends the preference to the input). The
 * trainer conditions it on each training step's preference (drawn by the weighting, {@link
 * org.openmtl.api.weighting.Weighting#preferenceForStep}), on {@link #selectionPreference()} for
 * the per-epoch evaluation, diagnostics and model selection, and after training on each of {@link
 * #frontPreferences()} to evaluate the selected model along the front.
 */
public interface PreferenceConditionedNetwork extends MultiTaskNetwork {

    /**
     * Sets the preference the following forward passes read, until it is set again.
     *
     * @param preference one non-negative weight per task, in task order, summing to 1
     * @throws IllegalArgumentException if the vector is not such a preference for the network's
     *     tasks
     */
    void condition(double[] preference);

    /**
     * The preference the network is conditioned on now.
     *
     * @return a copy of it
     */
    double[] preference();

    /**
     * The preferences at which the trained network is evaluated, one point of its front each.
     *
     * @return the preferences, each one weight per task summing to 1
     */
    List<double[]> frontPreferences();

    /**
     * The preference at which the per-epoch metrics are measured and the model is selected, and
     * at which {@code result.json}'s main metrics stand.
     *
     * @return the uniform preference by default
     */
    default double[] selectionPreference() {
        double[] uniform = new double[preference().length];
        Arrays.fill(uniform, 1.0 / uniform.length);
        return uniform;
    }

    /**
     * How many training examples (the first ones of the training split) the final training loss
     * of each front point is measured on.
     *
     * @return a positive count, or 0 (the default) for the whole training split
     */
    default int frontTrainingExamples() {
        return 0;
    }
}
