package org.openmtl.api.architecture;

import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import org.openmtl.api.data.MultiTaskDataset;

/**
 * What an adaptive network may use between phases and epochs: the data (to measure, e.g., which
 * examples are difficult for which task), the parameters, and a manager for temporary arrays.
 */
public interface PhaseContext {

    /**
     * The run's dataset.
     *
     * @return the dataset
     */
    MultiTaskDataset dataset();

    /**
     * The run's parameter store.
     *
     * @return the parameter store
     */
    ParameterStore parameters();

    /**
     * A manager for temporary arrays, closed after the callback returns.
     *
     * @return the manager
     */
    NDManager manager();

    /**
     * The manager that owns the parameters, for new parameters the network adds.
     *
     * @return the parameter manager
     */
    NDManager parameterManager();

    /**
     * The number of epochs trained so far.
     *
     * @return the epoch count
     */
    int epoch();

    /**
     * A seed for random choices made in the callback.
     *
     * @return the seed
     */
    long seed();

    /**
     * Makes the optimizer forget its state (moments, update counts) for these parameters, so that
     * they train from the next step as if new: for a network that re-trains from scratch after a
     * search, having reset the parameters' values itself. The learning-rate schedule is the run's
     * and goes on.
     *
     * @param parameters the parameters to restart
     */
    default void restartTraining(java.util.Collection<ai.djl.nn.Parameter> parameters) {
        throw new UnsupportedOperationException("this trainer cannot restart the optimizer state of parameters");
    }
}
