package org.openmtl.api.weak;

import java.util.List;

/**
 * One weak supervision source: a heuristic, a noisy annotator or a model, which labels the tasks
 * it covers and abstains (label {@code 0}) where it has nothing to say.
 *
 * @param name the source's name, used in messages and reports
 * @param tasks the indices (in the task graph) of the tasks it covers, ascending, at least one
 */
public record LabelingSource(String name, List<Integer> tasks) {

    /** Validates and copies the fields. */
    public LabelingSource {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a labeling source needs a non-blank name");
        }
        tasks = List.copyOf(tasks);
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("labeling source '" + name + "' covers no task");
        }
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i) < 0 || (i > 0 && tasks.get(i) <= tasks.get(i - 1))) {
                throw new IllegalArgumentException("labeling source '" + name
                        + "': task indices must be non-negative and ascending, got " + tasks);
            }
        }
    }

    /**
     * A source covering one task.
     *
     * @param name the source's name
     * @param task the task's index
     * @return the source
     */
    public static LabelingSource of(String name, int task) {
        return new LabelingSource(name, List.of(task));
    }

    /**
     * Tells whether the source covers a task.
     *
     * @param task the task's index
     * @return true if it may label that task
     */
    public boolean covers(int task) {
        return tasks.contains(task);
    }
}
