package org.openmtl.plugins.data.mnist;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.openmtl.api.task.Task;

/**
 * A classification task of a MultiMNIST-style dataset whose label is a function of the classes of
 * the example's two source images: the top-left image's class and the bottom-right one's, each in
 * 0..9, as their own collections label them. The two-task datasets have the tasks {@link
 * #LEFT_RIGHT}; the many-task ones add tasks such as the sum of two digits or a garment's group.
 *
 * <p>Each task is trained with softmax cross-entropy and measured by accuracy (primary, higher is
 * better) and cross-entropy, as {@link Task#classification} defines.
 *
 * @param name the task's name in configs and results
 * @param classes the number of classes; every label is in {@code 0..classes-1}
 * @param derivation how the label is computed, in words, for provenance and documentation
 * @param rule the label as a function of the two source classes
 */
public record PairTask(String name, int classes, String derivation, Rule rule) {

    /** The number of classes of each source collection. */
    public static final int SOURCE_CLASSES = 10;

    /** A label computed from the two source classes. */
    @FunctionalInterface
    public interface Rule {

        /**
         * The label of an example.
         *
         * @param left the top-left image's class, 0..9
         * @param right the bottom-right image's class, 0..9
         * @return the label, in {@code 0..classes-1}
         */
        int label(int left, int right);
    }

    /** The tasks of the two-task datasets: the class of each image. */
    public static final List<PairTask> LEFT_RIGHT =
            List.of(
                    new PairTask(
                            MultiMnist.LEFT,
                            SOURCE_CLASSES,
                            "the class of the top-left image",
                            (left, right) -> left),
                    new PairTask(
                            MultiMnist.RIGHT,
                            SOURCE_CLASSES,
                            "the class of the bottom-right image",
                            (left, right) -> right));

    /** Checks the fields. */
    public PairTask {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(derivation, "derivation");
        Objects.requireNonNull(rule, "rule");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a task needs a name");
        }
        if (classes < 2) {
            throw new IllegalArgumentException("task '" + name + "' needs at least 2 classes");
        }
    }

    /**
     * The label of an example, checked against the class count.
     *
     * @param left the top-left image's class
     * @param right the bottom-right image's class
     * @return the label
     * @throws IllegalStateException when the rule gives a label outside {@code 0..classes-1}
     */
    public int label(int left, int right) {
        int label = rule.label(left, right);
        if (label < 0 || label >= classes) {
            throw new IllegalStateException(
                    "task '"
                            + name
                            + "' labels the classes ("
                            + left
                            + ", "
                            + right
                            + ") "
                            + label
                            + ", outside 0.."
                            + (classes - 1));
        }
        return label;
    }

    /**
     * The labels of a split.
     *
     * @param left the top-left classes, one per example
     * @param right the bottom-right classes, one per example
     * @return the labels, one per example
     */
    public int[] labels(int[] left, int[] right) {
        int[] labels = new int[left.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = label(left[i], right[i]);
        }
        return labels;
    }

    /**
     * The accuracy of always predicting the most frequent label when the two source classes are
     * uniform and independent (as they are, up to sampling, for the composed datasets: each side's
     * classes are near-balanced and the partner is drawn independently of the top-left image).
     *
     * @return the majority-class accuracy under uniform, independent source classes
     */
    public double chanceAccuracy() {
        int[] counts = new int[classes];
        for (int left = 0; left < SOURCE_CLASSES; left++) {
            for (int right = 0; right < SOURCE_CLASSES; right++) {
                counts[label(left, right)]++;
            }
        }
        int most = 0;
        for (int count : counts) {
            most = Math.max(most, count);
        }
        return most / (double) (SOURCE_CLASSES * SOURCE_CLASSES);
    }

    /**
     * The framework's task for this one.
     *
     * @param id the task's index in the dataset, its descriptor id
     * @return a classification task with cross-entropy loss and accuracy
     */
    public Task task(int id) {
        return Task.classification(name, classes, id);
    }

    /**
     * Checks a dataset's tasks: at least one, names distinct.
     *
     * @param tasks the tasks
     * @return an unmodifiable copy
     * @throws IllegalArgumentException when the list is empty or a name repeats
     */
    static List<PairTask> checked(List<PairTask> tasks) {
        List<PairTask> copy = List.copyOf(tasks);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("a dataset needs at least one task");
        }
        Set<String> names = new HashSet<>();
        for (PairTask task : copy) {
            if (!names.add(task.name())) {
                throw new IllegalArgumentException("task '" + task.name() + "' is defined twice");
            }
        }
        return copy;
    }
}
