package org.openmtl.api.architecture;

/** An architecture plugin: builds the multi-task network for a run's tasks. */
public interface Architecture {

    /**
     * Builds and initializes the network.
     *
     * @param context the tasks, the example shape, the manager owning the parameters and a seed
     * @return the network, its parameters initialized
     */
    MultiTaskNetwork build(NetworkContext context);

    /**
     * What gradients with respect to the networks' shared representation say about their shared
     * parameters; a weighting that combines representation gradients runs only on a {@link
     * RepresentationGradients#FAITHFUL} architecture (checked when a run is configured). Known from
     * the configuration alone, before anything is built.
     *
     * @return FAITHFUL by default
     */
    default RepresentationGradients representationGradients() {
        return RepresentationGradients.FAITHFUL;
    }

    /**
     * Whether the networks this architecture builds read a preference vector over the tasks as an
     * input ({@link PreferenceConditionedNetwork}), so that one network covers a Pareto front. Such
     * an architecture runs only with a weighting that draws a preference for every training step
     * ({@link org.openmtl.api.weighting.Weighting#drawsPreferences()}), and such a weighting only
     * with such an architecture (checked when a run is configured). Known from the configuration
     * alone, before anything is built.
     *
     * @return false by default
     */
    default boolean conditionedOnPreference() {
        return false;
    }
}
