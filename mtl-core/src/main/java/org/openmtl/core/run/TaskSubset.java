package org.openmtl.core.run;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.task.Task;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.RunKeys;

/**
 * A dataset seen with only some of its tasks (key {@code tasks}): the same examples, splits and
 * labels, the other tasks invisible to the network, the selector and the evaluation.
 */
final class TaskSubset implements MultiTaskDataset {

    private final MultiTaskDataset dataset;
    private final List<Task> tasks;

    private TaskSubset(MultiTaskDataset dataset, List<Task> tasks) {
        this.dataset = dataset;
        this.tasks = List.copyOf(tasks);
    }

    /**
     * Restricts a dataset to the named tasks, in the dataset's task order.
     *
     * @param dataset the dataset
     * @param names the tasks to keep
     * @return the restricted dataset
     * @throws ConfigException naming the key when a name is not a task of the dataset or repeats
     */
    static MultiTaskDataset of(MultiTaskDataset dataset, List<String> names) {
        Map<String, Task> known = new LinkedHashMap<>();
        dataset.tasks().forEach(t -> known.put(t.name(), t));
        for (String name : names) {
            if (!known.containsKey(name)) {
                throw new ConfigException(RunKeys.TASKS + ": the dataset has no task '" + name + "'; its tasks are "
                        + String.join(", ", known.keySet()));
            }
        }
        if (names.stream().distinct().count() != names.size()) {
            throw new ConfigException(RunKeys.TASKS + ": a task is named twice in " + String.join(", ", names));
        }
        List<Task> kept = new ArrayList<>();
        known.forEach((name, task) -> {
            if (names.contains(name)) {
                kept.add(task);
            }
        });
        return new TaskSubset(dataset, kept);
    }

    @Override
    public List<Task> tasks() {
        return tasks;
    }

    @Override
    public Shape exampleShape() {
        return dataset.exampleShape();
    }

    @Override
    public int size(Split split) {
        return dataset.size(split);
    }

    @Override
    public int[] labelled(Split split, String task) {
        return dataset.labelled(split, task);
    }

    @Override
    public MultiTaskBatch batch(NDManager manager, Split split, int[] examples, List<String> batchTasks) {
        return dataset.batch(manager, split, examples, batchTasks);
    }

    @Override
    public Map<String, Object> provenance() {
        Map<String, Object> provenance = new LinkedHashMap<>(dataset.provenance());
        provenance.put("tasks", tasks.stream().map(Task::name).toList());
        return provenance;
    }
}
