package org.openmtl.api.data;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A batch for one step: one input array for all examples (so the shared part runs once), and the
 * labels of each task the step trains. Its arrays belong to the step's {@code NDManager}.
 */
public final class MultiTaskBatch {

    private final NDArray input;
    private final Map<String, TaskTarget> targets;

    /**
     * Creates a batch.
     *
     * @param input (batch, example shape...) inputs
     * @param targets the targets of the tasks this batch trains, in task order
     */
    public MultiTaskBatch(NDArray input, Map<String, TaskTarget> targets) {
        this.input = Objects.requireNonNull(input, "input");
        this.targets = Collections.unmodifiableMap(new LinkedHashMap<>(targets));
    }

    /**
     * The inputs of all examples.
     *
     * @return (batch, ...) array
     */
    public NDArray input() {
        return input;
    }

    /**
     * The tasks this batch has targets for, in order.
     *
     * @return task names
     */
    public List<String> tasks() {
        return new ArrayList<>(targets.keySet());
    }

    /**
     * One task's target.
     *
     * @param task the task name
     * @return its labels and mask
     * @throws IllegalArgumentException if the batch has no target for the task
     */
    public TaskTarget target(String task) {
        TaskTarget t = targets.get(task);
        if (t == null) {
            throw new IllegalArgumentException("batch has no target for task '" + task + "'");
        }
        return t;
    }

    /**
     * The number of examples.
     *
     * @return the batch size
     */
    public long size() {
        return input.getShape().get(0);
    }
}
