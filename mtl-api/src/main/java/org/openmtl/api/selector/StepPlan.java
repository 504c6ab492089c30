package org.openmtl.api.selector;

import java.util.List;

/**
 * What one step trains: a set of tasks and the training examples of the batch.
 *
 * @param tasks the tasks whose losses the step uses
 * @param examples indices of training examples (each labelled for at least one of the tasks)
 */
public record StepPlan(List<String> tasks, int[] examples) {

    /** Copies the fields. */
    public StepPlan {
        tasks = List.copyOf(tasks);
        examples = examples.clone();
        if (tasks.isEmpty() || examples.length == 0) {
            throw new IllegalArgumentException("a step needs at least one task and one example");
        }
    }

    /**
     * The example indices (a copy).
     *
     * @return the indices
     */
    @Override
    public int[] examples() {
        return examples.clone();
    }
}
