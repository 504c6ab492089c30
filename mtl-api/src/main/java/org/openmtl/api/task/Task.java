package org.openmtl.api.task;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One task of a multi-task problem: what its head predicts, how it is trained and how it is
 * measured. The first metric is the task's primary metric, used for model selection and for
 * relative comparisons between methods.
 *
 * @param name the task's name, used in configs and results
 * @param type classification or regression
 * @param outputs the head's output size (classes, or regression targets)
 * @param loss the training loss
 * @param metrics the evaluation metrics, primary first
 * @param descriptor the task descriptor z, if the task defines one
 */
public record Task(
        String name,
        TaskType type,
        int outputs,
        TaskLoss loss,
        List<Metric> metrics,
        Optional<TaskDescriptor> descriptor) {

    /** Validates and copies the fields. */
    public Task {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(loss, "loss");
        metrics = List.copyOf(metrics);
        descriptor = descriptor == null ? Optional.empty() : descriptor;
        if (outputs < 1) {
            throw new IllegalArgumentException("task '" + name + "' needs at least one output");
        }
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("task '" + name + "' needs at least one metric");
        }
    }

    /**
     * A classification task with cross-entropy loss and accuracy.
     *
     * @param name the task name
     * @param classes the number of classes
     * @param id the task's index, used as its descriptor id
     * @return the task
     */
    public static Task classification(String name, int classes, int id) {
        return new Task(
                name,
                TaskType.CLASSIFICATION,
                classes,
                Losses.softmaxCrossEntropy(),
                List.of(Metrics.accuracy(), Metrics.crossEntropy()),
                Optional.of(new TaskDescriptor(id, null)));
    }

    /**
     * A regression task with mean squared error as loss and metric.
     *
     * @param name the task name
     * @param outputs the number of regression targets
     * @param id the task's index, used as its descriptor id
     * @return the task
     */
    public static Task regression(String name, int outputs, int id) {
        return new Task(
                name,
                TaskType.REGRESSION,
                outputs,
                Losses.meanSquaredError(),
                List.of(Metrics.meanSquaredError(), Metrics.meanAbsoluteError()),
                Optional.of(new TaskDescriptor(id, null)));
    }

    /**
     * The primary metric (the first).
     *
     * @return the metric used for model selection
     */
    public Metric primaryMetric() {
        return metrics.get(0);
    }
}
