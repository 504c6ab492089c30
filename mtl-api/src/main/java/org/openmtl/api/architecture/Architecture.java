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
}
