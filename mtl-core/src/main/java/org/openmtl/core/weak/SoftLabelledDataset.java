package org.openmtl.core.weak;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.data.TaskTarget;
import org.openmtl.api.task.Task;
import org.openmtl.api.task.TaskType;
import org.openmtl.api.weak.ProbabilisticLabels;
import org.openmtl.api.weak.TaskGraph;

/**
 * A dataset whose training labels are a label model's probabilistic labels: on the training
 * split, each task of the task graph gets a (batch, classes) distribution per example (soft labels,
 * trained with the expected cross-entropy of {@link org.openmtl.api.task.Losses#softmaxCrossEntropy})
 * in place of the dataset's own labels, and only the examples some source voted on count as
 * labelled (an example no source saw would teach the label model's prior). Validation and test, and
 * tasks outside the graph, are the wrapped dataset's, unchanged.
 */
public final class SoftLabelledDataset implements MultiTaskDataset {

    private final MultiTaskDataset data;
    private final ProbabilisticLabels labels;
    private final boolean[] covered;
    private final int[] coveredExamples;
    private final Map<String, Integer> graphTask = new LinkedHashMap<>();

    /**
     * Wraps a dataset.
     *
     * @param data the dataset; its classification tasks named in the graph must have the graph's
     *     number of classes, class c of the graph being the dataset's class c - 1
     * @param labels the probabilistic labels, one per training example
     * @param covered per training example, whether any source voted on it
     * @throws IllegalArgumentException if the sizes, task names or classes do not fit
     */
    public SoftLabelledDataset(MultiTaskDataset data, ProbabilisticLabels labels, boolean[] covered) {
        this.data = data;
        this.labels = labels;
        int n = data.size(Split.TRAIN);
        if (labels.exampleCount() != n || covered.length != n) {
            throw new IllegalArgumentException(labels.exampleCount() + " probabilistic labels and " + covered.length
                    + " coverage flags for a training split of " + n + " examples");
        }
        TaskGraph graph = labels.graph();
        for (int t = 0; t < graph.taskCount(); t++) {
            String name = graph.taskName(t);
            Task task = data.tasks().stream().filter(x -> x.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("the task graph's task '" + name
                            + "' is not a task of the dataset; its tasks are "
                            + data.tasks().stream().map(Task::name).toList()));
            if (task.type() != TaskType.CLASSIFICATION || task.outputs() != graph.cardinality(t)) {
                throw new IllegalArgumentException("task '" + name + "' has " + graph.cardinality(t)
                        + " classes in the task graph but is a " + task.type().name().toLowerCase(Locale.ROOT)
                        + " task with " + task.outputs() + " outputs in the dataset");
            }
            graphTask.put(name, t);
        }
        this.covered = covered.clone();
        int count = 0;
        for (boolean c : covered) {
            count += c ? 1 : 0;
        }
        coveredExamples = new int[count];
        for (int i = 0, k = 0; i < n; i++) {
            if (covered[i]) {
                coveredExamples[k++] = i;
            }
        }
    }

    @Override
    public List<Task> tasks() {
        return data.tasks();
    }

    @Override
    public Shape exampleShape() {
        return data.exampleShape();
    }

    @Override
    public int size(Split split) {
        return data.size(split);
    }

    @Override
    public int[] labelled(Split split, String task) {
        if (split == Split.TRAIN && graphTask.containsKey(task)) {
            return coveredExamples.clone();
        }
        return data.labelled(split, task);
    }

    @Override
    public MultiTaskBatch batch(NDManager manager, Split split, int[] examples, List<String> tasks) {
        MultiTaskBatch batch = data.batch(manager, split, examples, tasks);
        if (split != Split.TRAIN) {
            return batch;
        }
        Map<String, TaskTarget> targets = new LinkedHashMap<>();
        for (String task : batch.tasks()) {
            Integer t = graphTask.get(task);
            targets.put(task, t == null ? batch.target(task) : softTarget(manager, t, examples));
        }
        return new MultiTaskBatch(batch.input(), targets);
    }

    private TaskTarget softTarget(NDManager manager, int task, int[] examples) {
        int k = labels.graph().cardinality(task);
        int b = examples.length;
        ByteBuffer values = direct((long) b * k * Float.BYTES);
        FloatBuffer out = values.asFloatBuffer();
        boolean complete = true;
        for (int i = 0; i < b; i++) {
            double[] p = labels.distribution(task, examples[i]);
            for (int c = 0; c < k; c++) {
                out.put(i * k + c, (float) p[c]);
            }
            complete &= covered[examples[i]];
        }
        NDArray soft = manager.create(values, new Shape(b, k), DataType.FLOAT32);
        if (complete) {
            return new TaskTarget(soft, null);
        }
        ByteBuffer maskValues = direct((long) b * Float.BYTES);
        FloatBuffer mask = maskValues.asFloatBuffer();
        for (int i = 0; i < b; i++) {
            mask.put(i, covered[examples[i]] ? 1f : 0f);
        }
        return new TaskTarget(soft, manager.create(maskValues, new Shape(b), DataType.FLOAT32));
    }

    private static ByteBuffer direct(long bytes) {
        return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
    }

    @Override
    public Map<String, Object> provenance() {
        Map<String, Object> out = new LinkedHashMap<>(data.provenance());
        out.put("training.labels", "probabilistic labels of a label model on " + coveredExamples.length + " of "
                + covered.length + " training examples (those some source voted on)");
        return out;
    }
}
