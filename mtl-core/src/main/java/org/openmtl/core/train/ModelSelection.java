package org.openmtl.core.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.api.architecture.TrainingPhase;
import org.openmtl.api.task.Task;

/**
 * Which epochs a run's model may be selected from, and, for a set of single-task networks, each
 * task's own selected epoch.
 *
 * <p><b>The final structure only.</b> A network with phases (AdaShare's warm-up, search and
 * re-training; learning to branch's search and tree; fully-adaptive's widening rounds) reports the
 * structure, parameter count and saved model of its last phase, so its model is selected among the
 * epochs of the last phase (with at least one epoch): an epoch of an earlier phase belongs to
 * another network. A network with one phase is selected among all epochs.
 *
 * <p><b>Per task.</b> Where the network declares {@link
 * org.openmtl.api.architecture.MultiTaskNetwork#separateTaskSelection()} (independent networks,
 * the single-task baseline), each task's model is selected at the epoch where that task's primary
 * validation metric is best (the earliest on ties), as a single-task baseline trained on its own
 * would be, and the run reports each task's validation and test metrics from its own epoch.
 */
final class ModelSelection {

    private final int firstEligibleEpoch;
    private final int lastEpoch;
    private final String phaseName;
    private final boolean phased;
    private final List<Task> tasks;
    private final boolean perTask;

    /**
     * Creates the selection rule of a run.
     *
     * @param phases the network's phases
     * @param tasks the run's tasks
     * @param perTask whether each task is selected at its own epoch
     */
    ModelSelection(List<TrainingPhase> phases, List<Task> tasks, boolean perTask) {
        int end = 0;
        int start = 1;
        String name = phases.isEmpty() ? "train" : phases.get(0).name();
        for (TrainingPhase p : phases) {
            if (p.epochs() > 0) {
                start = end + 1;
                name = p.name();
            }
            end += p.epochs();
        }
        this.firstEligibleEpoch = start;
        this.lastEpoch = end;
        this.phaseName = name;
        this.phased = phases.stream().filter(p -> p.epochs() > 0).count() > 1;
        this.tasks = List.copyOf(tasks);
        this.perTask = perTask;
    }

    /** Whether the model of this epoch (1-based) may be selected. */
    boolean eligible(int epoch) {
        return epoch >= firstEligibleEpoch;
    }

    /** Whether each task is selected at its own epoch. */
    boolean perTask() {
        return perTask;
    }

    /**
     * The tasks whose validation metric at this epoch beats every eligible epoch in the history.
     *
     * @param history the records of the epochs before this one
     * @param validation this epoch's validation metrics
     * @return the improved tasks
     */
    List<Task> improvedTasks(List<Map<String, Object>> history, Map<String, Map<String, Double>> validation) {
        return tasks.stream().filter(task -> {
            Map<String, Double> values = validation.get(task.name());
            if (values == null || values.get(task.primaryMetric().name()) == null) {
                return false;
            }
            double now = signed(task, values.get(task.primaryMetric().name()));
            for (Map<String, Object> record : history) {
                Double before = validationValue(record, task);
                if (before != null && eligible(epochOf(record)) && signed(task, before) >= now) {
                    return false;
                }
            }
            return true;
        }).toList();
    }

    /**
     * Each task's selected epoch, from the history; empty unless the selection is per task.
     *
     * @param history the epoch records
     * @return task → epoch
     */
    Map<String, Integer> perTaskEpochs(List<Map<String, Object>> history) {
        Map<String, Integer> epochs = new LinkedHashMap<>();
        if (!perTask) {
            return epochs;
        }
        for (Task task : tasks) {
            int best = 0;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (Map<String, Object> record : history) {
                Double v = validationValue(record, task);
                int epoch = epochOf(record);
                if (v != null && eligible(epoch) && signed(task, v) > bestValue) {
                    bestValue = signed(task, v);
                    best = epoch;
                }
            }
            if (best == 0) {
                return Map.of();
            }
            epochs.put(task.name(), best);
        }
        return epochs;
    }

    /**
     * Each task's metrics of one split at its own selected epoch.
     *
     * @param history the epoch records
     * @param epochs task → selected epoch
     * @param split "validation" or "test"
     * @return task → metric → value
     */
    static Map<String, Object> perTaskMetrics(List<Map<String, Object>> history, Map<String, Integer> epochs, String split) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        epochs.forEach((task, epoch) -> {
            Object values = history.get(epoch - 1).get(split);
            if (values instanceof Map<?, ?> m && m.get(task) != null) {
                metrics.put(task, m.get(task));
            }
        });
        return metrics;
    }

    /**
     * What {@code result.json} records of the selection under {@code selection}.
     *
     * @param rule the run's {@code selection} setting
     * @param perTaskEpochs each task's selected epoch, empty unless per task
     * @return {@code rule}; {@code epochs} (the first and last eligible epoch) and {@code phase} when
     *     the network has phases; {@code per_task} (task → epoch) when selected per task
     */
    Map<String, Object> describe(String rule, Map<String, Integer> perTaskEpochs) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("rule", rule);
        if (phased) {
            d.put("phase", phaseName);
            d.put("epochs", List.of(firstEligibleEpoch, lastEpoch));
        }
        if (!perTaskEpochs.isEmpty()) {
            d.put("per_task", perTaskEpochs);
        }
        return d;
    }

    private static double signed(Task task, double value) {
        return task.primaryMetric().higherIsBetter() ? value : -value;
    }

    private static int epochOf(Map<String, Object> record) {
        return ((Number) record.get("epoch")).intValue();
    }

    private static Double validationValue(Map<String, Object> record, Task task) {
        if (record.get("validation") instanceof Map<?, ?> validation && validation.get(task.name()) instanceof Map<?, ?> values
                && values.get(task.primaryMetric().name()) instanceof Number n) {
            return n.doubleValue();
        }
        return null;
    }
}
