package org.openmtl.api.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Updates parameters in place from their gradients, and owns the optimizer state.
 *
 * <p>Per step the trainer calls {@link #update} for every trained parameter, then {@link
 * #endStep()}. An update leaves the parameter's gradient zeroed.
 */
public interface ParameterUpdater {

    /**
     * Applies one update to a parameter and zeroes its gradient.
     *
     * @param parameterId the parameter's stable id (state is kept per id)
     * @param weight the parameter array, updated in place
     * @param gradient its gradient
     */
    void update(String parameterId, NDArray weight, NDArray gradient);

    /**
     * Applies one update with this parameter's learning rate scaled by a factor, as a parameter
     * group with its own learning rate does in PyTorch (e.g. cross-stitch units trained 1000 times
     * faster than the weights): the step is the one {@link #update(String, NDArray, NDArray)}
     * takes with the learning rate times {@code learningRateScale}, the optimizer's state otherwise
     * the same. An updater that cannot scale one parameter's learning rate keeps this default, which
     * accepts only a factor of 1.
     *
     * @param parameterId the parameter's stable id (state is kept per id)
     * @param weight the parameter array, updated in place
     * @param gradient its gradient
     * @param learningRateScale the factor on the learning rate, positive
     * @throws UnsupportedOperationException if the factor is not 1 and this updater cannot scale
     */
    default void update(String parameterId, NDArray weight, NDArray gradient, double learningRateScale) {
        if (learningRateScale != 1.0) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot scale the learning rate of"
                    + " parameter '" + parameterId + "' (factor " + learningRateScale + ")");
        }
        update(parameterId, weight, gradient);
    }

    /**
     * Whether this updater normalizes each parameter's step by a running estimate of its gradient's
     * scale (Adam, AdamW), so that its step size is about the learning rate whatever the gradient's
     * magnitude. A learning-rate multiplier that a method's authors chose to compensate for small
     * gradients under SGD then only enlarges the step; networks read this through {@link
     * org.openmtl.api.architecture.MultiTaskNetwork#learningRateScale(ai.djl.nn.Parameter, boolean)}.
     *
     * @return true for step-normalizing updaters; false by default (SGD)
     */
    default boolean normalizesStepSize() {
        return false;
    }

    /** Marks the end of a step (advances the learning-rate schedule). */
    void endStep();

    /**
     * The learning rate of the current step.
     *
     * @return the learning rate
     */
    double learningRate();

    /**
     * Forgets the state of parameters not in the given set (after a structure change).
     *
     * @param parameterIds the ids still trained
     */
    void retain(java.util.Set<String> parameterIds);

    /**
     * Writes the state (step count, moments) for a checkpoint.
     *
     * @param out the stream
     * @throws IOException if writing fails
     */
    void save(DataOutputStream out) throws IOException;

    /**
     * Restores the state written by {@link #save}.
     *
     * @param in the stream
     * @param manager the manager that owns the restored arrays (the parameters')
     * @throws IOException if reading fails or the state is not this updater's
     */
    void load(DataInputStream in, NDManager manager) throws IOException;
}
