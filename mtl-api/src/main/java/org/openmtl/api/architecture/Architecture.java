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
}
