package org.openmtl.api.weighting;

import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.api.task.TaskType;

/**
 * What a weighting learns about its run when it is initialized.
 *
 * @param tasks the task names, in order
 * @param trainSizes the number of labelled training examples per task
 * @param manager a long-lived manager for the weighting's own parameters or state
 * @param stepsPerEpoch the number of steps per epoch
 * @param taskTypes each task's type (classification or regression)
 */
public record WeightingContext(
        List<String> tasks,
        Map<String, Integer> trainSizes,
        NDManager manager,
        int stepsPerEpoch,
        Map<String, TaskType> taskTypes) {

    /** Copies the collections; tasks without a declared type count as classification. */
    public WeightingContext {
        tasks = List.copyOf(tasks);
        trainSizes = Map.copyOf(trainSizes);
        Map<String, TaskType> types = new LinkedHashMap<>();
        for (String t : tasks) {
            types.put(t, taskTypes == null ? TaskType.CLASSIFICATION : taskTypes.getOrDefault(t, TaskType.CLASSIFICATION));
        }
        taskTypes = Map.copyOf(types);
    }

    /**
     * A context whose tasks are all classification tasks.
     *
     * @param tasks the task names, in order
     * @param trainSizes labelled training examples per task
     * @param manager a long-lived manager for the weighting's parameters or state
     * @param stepsPerEpoch the number of steps per epoch
     */
    public WeightingContext(List<String> tasks, Map<String, Integer> trainSizes, NDManager manager, int stepsPerEpoch) {
        this(tasks, trainSizes, manager, stepsPerEpoch, null);
    }
}
