package org.openmtl.core.train;

/** A task loss became NaN or infinite: the run stops and its result says why. */
public class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which task's loss, at which epoch and step
     */
    public TrainingDivergedException(String message) {
        super(message);
    }
}
