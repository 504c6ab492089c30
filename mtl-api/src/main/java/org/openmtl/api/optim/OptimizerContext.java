package org.openmtl.api.optim;

/**
 * The horizon of a run, for learning-rate schedules.
 *
 * @param stepsPerEpoch the number of optimizer steps per epoch
 * @param epochs the number of epochs
 */
public record OptimizerContext(int stepsPerEpoch, int epochs) {

    /**
     * The total number of steps.
     *
     * @return steps per epoch times epochs
     */
    public long totalSteps() {
        return (long) stepsPerEpoch * epochs;
    }
}
