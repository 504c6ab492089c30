package org.openmtl.api.weighting;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;

/**
 * What a weighting learns about its run when it is initialized.
 *
 * @param tasks the task names, in order
 * @param trainSizes the number of labelled training examples per task
 * @param manager a long-lived manager for the weighting's own parameters or state
 * @param stepsPerEpoch the number of steps per epoch
 */
public record WeightingContext(
        List<String> tasks, Map<String, Integer> trainSizes, NDManager manager, int stepsPerEpoch) {

    /** Copies the collections. */
    public WeightingContext {
        tasks = List.copyOf(tasks);
        trainSizes = Map.copyOf(trainSizes);
    }
}
