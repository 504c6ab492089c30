package org.openmtl.api.data;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import org.openmtl.api.task.Task;

/**
 * A loaded multi-task dataset: its tasks, and its examples per split, materialized into batches on
 * demand. Implementations keep their examples on the JVM heap (or memory-mapped) and create each
 * batch's arrays in the manager they are given, so a batch lives exactly as long as its step.
 */
public interface MultiTaskDataset {

    /**
     * The tasks, in a fixed order (the order of heads, weights and results).
     *
     * @return the tasks
     */
    List<Task> tasks();

    /**
     * The shape of one example's input, e.g. (1, 28, 28) or (d).
     *
     * @return the example shape, without the batch axis
     */
    Shape exampleShape();

    /**
     * The number of examples in a split.
     *
     * @param split the split
     * @return its size
     */
    int size(Split split);

    /**
     * The examples of a split that carry a label for a task, in ascending order.
     *
     * @param split the split
     * @param task the task name
     * @return example indices into {@code [0, size(split))}
     */
    int[] labelled(Split split, String task);

    /**
     * Materializes a batch.
     *
     * @param manager the manager that owns the batch's arrays (the step's)
     * @param split the split
     * @param examples example indices
     * @param tasks the tasks to include targets for
     * @return the batch
     */
    MultiTaskBatch batch(NDManager manager, Split split, int[] examples, List<String> tasks);

    /**
     * Facts about where the data came from (files, checksums, generator settings), recorded in a
     * result's provenance.
     *
     * @return a JSON-able map
     */
    default Map<String, Object> provenance() {
        return Map.of();
    }
}
