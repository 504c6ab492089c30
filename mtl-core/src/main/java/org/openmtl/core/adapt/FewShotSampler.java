package org.openmtl.core.adapt;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.data.TaskTarget;

/**
 * Draws k labelled examples of every class of one classification task from a pool (the training
 * split's examples labelled for the task): exactly k per class, without repetition, a function of
 * the seed alone.
 */
public final class FewShotSampler {

    private static final int LABEL_CHUNK = 4096;

    private final int[][] byClass;

    /**
     * A sampler over a pool whose labels are known.
     *
     * @param examples the pool's example indices
     * @param labels their classes, in {@code [0, classes)}
     * @param classes the number of classes
     * @throws IllegalArgumentException if the arrays differ in length or a label is out of range
     */
    public FewShotSampler(int[] examples, int[] labels, int classes) {
        if (examples.length != labels.length) {
            throw new IllegalArgumentException(examples.length + " examples but " + labels.length + " labels");
        }
        List<List<Integer>> lists = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            lists.add(new ArrayList<>());
        }
        for (int i = 0; i < examples.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("example " + examples[i] + " has class " + labels[i]
                        + ", outside [0, " + classes + ")");
            }
            lists.get(labels[i]).add(examples[i]);
        }
        byClass = new int[classes][];
        for (int c = 0; c < classes; c++) {
            byClass[c] = lists.get(c).stream().mapToInt(Integer::intValue).sorted().toArray();
        }
    }

    /**
     * A sampler over a split's examples labelled for a task, their labels read from the dataset in
     * chunks (each chunk's arrays freed before the next).
     *
     * @param dataset the dataset
     * @param split the split to draw from
     * @param task the task's name
     * @param classes its number of classes
     * @param manager a manager for the chunks' temporary arrays
     * @return the sampler
     */
    public static FewShotSampler read(MultiTaskDataset dataset, Split split, String task, int classes, NDManager manager) {
        int[] pool = dataset.labelled(split, task);
        int[] labels = new int[pool.length];
        for (int start = 0; start < pool.length; start += LABEL_CHUNK) {
            int[] chunk = Arrays.copyOfRange(pool, start, Math.min(pool.length, start + LABEL_CHUNK));
            try (NDManager temporary = manager.newSubManager()) {
                MultiTaskBatch batch = dataset.batch(temporary, split, chunk, List.of(task));
                TaskTarget target = batch.target(task);
                int[] classOf = classes(target.labels());
                System.arraycopy(classOf, 0, labels, start, chunk.length);
            }
        }
        return new FewShotSampler(pool, labels, classes);
    }

    /**
     * The class indices of a batch's labels.
     *
     * @param labels (batch) class indices of any numeric type
     * @return them as ints
     */
    static int[] classes(NDArray labels) {
        return labels.toType(DataType.INT32, false).toIntArray();
    }

    /**
     * How many examples of each class the pool holds.
     *
     * @return the counts, by class
     */
    public int[] classCounts() {
        return Arrays.stream(byClass).mapToInt(a -> a.length).toArray();
    }

    /**
     * The number of classes.
     *
     * @return classes
     */
    public int classes() {
        return byClass.length;
    }

    /**
     * Draws k examples of every class: a partial Fisher-Yates shuffle of each class's examples, the
     * classes in order, from one stream seeded with {@code seed}.
     *
     * @param k examples per class
     * @param seed the draw's seed
     * @return the {@code k × classes} example indices, ascending
     * @throws IllegalArgumentException if a class has fewer than k examples
     */
    public int[] sample(int k, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] drawn = new int[k * byClass.length];
        int n = 0;
        for (int c = 0; c < byClass.length; c++) {
            int[] members = byClass[c].clone();
            if (members.length < k) {
                throw new IllegalArgumentException("class " + c + " has " + members.length + " examples, fewer than k=" + k);
            }
            for (int i = 0; i < k; i++) {
                int j = i + random.nextInt(members.length - i);
                int swap = members[i];
                members[i] = members[j];
                members[j] = swap;
                drawn[n++] = members[i];
            }
        }
        Arrays.sort(drawn);
        return drawn;
    }
}
