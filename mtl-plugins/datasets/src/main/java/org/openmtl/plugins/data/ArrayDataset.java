package org.openmtl.plugins.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.data.TaskTarget;
import org.openmtl.api.task.Task;
import org.openmtl.api.task.TaskType;

/**
 * A multi-task dataset held on the JVM heap, materialized into NDArrays one batch at a time.
 *
 * <p>Per split it stores the inputs of all examples contiguously, either as unsigned bytes (e.g.
 * pixels, 1 byte per value) or as floats, and per task either integer class ids (classification) or
 * {@code outputs} floats per example (regression), with a presence flag per example. Both classic
 * multi-task layouts fit:
 *
 * <ul>
 *   <li><b>shared inputs</b>: every example carries labels for several tasks; a missing label is
 *       marked absent and masked in the batch;
 *   <li><b>per-task data</b>: each example is labelled for exactly one task, its presence flag
 *       false for all others.
 * </ul>
 *
 * <p>{@link #batch} runs on every training step, so it is written for that: the input and each
 * label and mask array are filled directly into one native-order direct buffer each and handed to
 * {@code manager.create(...)} (one copy from the heap arrays per NDArray, no per-example
 * allocation, no boxing). Inputs are normalized while they are copied: {@code value * scale +
 * offset}, with bytes read as unsigned values 0..255. Labels are INT64 of shape (batch) for
 * classification and FLOAT32 of shape (batch, outputs) for regression; the mask is null when every
 * example of the batch is labelled for the task, else FLOAT32 (batch) with 1 for labelled and 0 for
 * missing. Where a label is missing, the batch holds 0 in its place (a valid class id, and a finite
 * target), so that a masked loss never multiplies a NaN or an out-of-range index by zero.
 *
 * <p>Instances are immutable and safe to share between threads. The {@link Builder} takes ownership
 * of the arrays it is given (they are not copied, MNIST alone is 55 MB): callers must not modify
 * them afterwards.
 */
public final class ArrayDataset implements MultiTaskDataset {

    private final List<Task> tasks;
    private final Map<String, Integer> taskIndex;
    private final Shape exampleShape;
    private final long[] batchShape;
    private final int exampleSize;
    private final float scale;
    private final float offset;
    private final boolean identityNormalization;
    private final Map<Split, SplitData> splits;
    private final Map<String, Object> provenance;

    private ArrayDataset(Builder builder, Map<Split, SplitData> splits) {
        this.tasks = List.copyOf(builder.tasks);
        Map<String, Integer> index = new HashMap<>();
        for (int t = 0; t < tasks.size(); t++) {
            index.put(tasks.get(t).name(), t);
        }
        this.taskIndex = Collections.unmodifiableMap(index);
        this.exampleShape = builder.exampleShape;
        this.batchShape = new long[exampleShape.dimension() + 1];
        System.arraycopy(exampleShape.getShape(), 0, batchShape, 1, exampleShape.dimension());
        this.exampleSize = Math.toIntExact(exampleShape.size());
        this.scale = builder.scale;
        this.offset = builder.offset;
        this.identityNormalization = scale == 1f && offset == 0f;
        this.splits = splits;
        this.provenance = builder.provenance;
    }

    /**
     * Starts a dataset.
     *
     * @param tasks the tasks, in order; their names must be distinct
     * @param exampleShape the shape of one example's input, e.g. (1, 28, 28)
     * @return a builder
     */
    public static Builder builder(List<Task> tasks, Shape exampleShape) {
        return new Builder(tasks, exampleShape);
    }

    @Override
    public List<Task> tasks() {
        return tasks;
    }

    @Override
    public Shape exampleShape() {
        return exampleShape;
    }

    @Override
    public int size(Split split) {
        return data(split).size;
    }

    @Override
    public int[] labelled(Split split, String task) {
        return data(split).labels[taskIndex(task)].labelled.clone();
    }

    /**
     * The normalization applied to every input value when a batch is made.
     *
     * @return {@code {scale, offset}}: a stored value v becomes {@code v * scale + offset}
     */
    public float[] normalization() {
        return new float[] {scale, offset};
    }

    @Override
    public MultiTaskBatch batch(
            NDManager manager, Split split, int[] examples, List<String> tasks) {
        Objects.requireNonNull(manager, "manager");
        SplitData data = data(split);
        int batch = examples.length;
        if (batch == 0) {
            throw new IllegalArgumentException("a batch needs at least one example");
        }
        for (int example : examples) {
            if (example < 0 || example >= data.size) {
                throw new IndexOutOfBoundsException(
                        "example "
                                + example
                                + " is outside the "
                                + split.label()
                                + " split of "
                                + data.size
                                + " examples");
            }
        }
        int[] taskIds = new int[tasks.size()];
        for (int i = 0; i < taskIds.length; i++) {
            taskIds[i] = taskIndex(tasks.get(i));
        }
        NDArray input = inputs(manager, data, examples);
        Map<String, TaskTarget> targets = new LinkedHashMap<>(taskIds.length * 2);
        for (int t : taskIds) {
            targets.put(this.tasks.get(t).name(), target(manager, data.labels[t], examples));
        }
        return new MultiTaskBatch(input, targets);
    }

    private NDArray inputs(NDManager manager, SplitData data, int[] examples) {
        int batch = examples.length;
        ByteBuffer buffer = direct((long) batch * exampleSize * Float.BYTES);
        FloatBuffer out = buffer.asFloatBuffer();
        int size = exampleSize;
        if (data.floats != null && identityNormalization) {
            for (int example : examples) {
                out.put(data.floats, example * size, size);
            }
        } else {
            // One row of scratch per batch: normalize a row on the heap, then copy it in bulk.
            float[] row = new float[size];
            float s = scale;
            float o = offset;
            if (data.bytes != null) {
                byte[] bytes = data.bytes;
                for (int example : examples) {
                    int from = example * size;
                    for (int k = 0; k < size; k++) {
                        row[k] = (bytes[from + k] & 0xFF) * s + o;
                    }
                    out.put(row, 0, size);
                }
            } else {
                float[] floats = data.floats;
                for (int example : examples) {
                    int from = example * size;
                    for (int k = 0; k < size; k++) {
                        row[k] = floats[from + k] * s + o;
                    }
                    out.put(row, 0, size);
                }
            }
        }
        long[] shape = batchShape.clone();
        shape[0] = batch;
        return manager.create(buffer, new Shape(shape), DataType.FLOAT32);
    }

    private static TaskTarget target(NDManager manager, TaskLabels labels, int[] examples) {
        int batch = examples.length;
        boolean[] present = labels.present;
        boolean complete = true;
        if (present != null) {
            for (int example : examples) {
                if (!present[example]) {
                    complete = false;
                    break;
                }
            }
        }
        NDArray values;
        if (labels.classes != null) {
            ByteBuffer buffer = direct((long) batch * Long.BYTES);
            LongBuffer out = buffer.asLongBuffer();
            int[] classes = labels.classes;
            for (int i = 0; i < batch; i++) {
                int example = examples[i];
                out.put(i, complete || present[example] ? classes[example] : 0);
            }
            values = manager.create(buffer, new Shape(batch), DataType.INT64);
        } else {
            int outputs = labels.outputs;
            ByteBuffer buffer = direct((long) batch * outputs * Float.BYTES);
            FloatBuffer out = buffer.asFloatBuffer();
            float[] targets = labels.targets;
            for (int i = 0; i < batch; i++) {
                int example = examples[i];
                if (complete || present[example]) {
                    out.put(i * outputs, targets, example * outputs, outputs);
                }
                // Missing targets stay 0: direct buffers start zeroed.
            }
            values = manager.create(buffer, new Shape(batch, outputs), DataType.FLOAT32);
        }
        if (complete) {
            return new TaskTarget(values, null);
        }
        ByteBuffer buffer = direct((long) batch * Float.BYTES);
        FloatBuffer mask = buffer.asFloatBuffer();
        for (int i = 0; i < batch; i++) {
            mask.put(i, present[examples[i]] ? 1f : 0f);
        }
        return new TaskTarget(values, manager.create(buffer, new Shape(batch), DataType.FLOAT32));
    }

    private static ByteBuffer direct(long bytes) {
        return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
    }

    @Override
    public Map<String, Object> provenance() {
        return provenance;
    }

    private SplitData data(Split split) {
        return splits.get(Objects.requireNonNull(split, "split"));
    }

    private int taskIndex(String task) {
        Integer t = taskIndex.get(task);
        if (t == null) {
            throw new IllegalArgumentException(
                    "no task named '"
                            + task
                            + "'; the tasks are "
                            + String.join(", ", taskIndex.keySet()));
        }
        return t;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("ArrayDataset[tasks=");
        List<String> names = new ArrayList<>();
        for (Task task : tasks) {
            names.add(task.name());
        }
        sb.append(names).append(", example=").append(exampleShape);
        for (Split split : Split.values()) {
            sb.append(", ").append(split.label()).append('=').append(size(split));
        }
        return sb.append(']').toString();
    }

    /** One split's examples. */
    private static final class SplitData {
        final int size;
        final byte[] bytes;
        final float[] floats;
        final TaskLabels[] labels;

        SplitData(int size, byte[] bytes, float[] floats, TaskLabels[] labels) {
            this.size = size;
            this.bytes = bytes;
            this.floats = floats;
            this.labels = labels;
        }
    }

    /** One task's labels in one split. */
    private static final class TaskLabels {
        final int[] classes;
        final float[] targets;
        final int outputs;
        final boolean[] present;
        final int[] labelled;

        TaskLabels(int[] classes, float[] targets, int outputs, boolean[] present, int size) {
            this.classes = classes;
            this.targets = targets;
            this.outputs = outputs;
            int count = 0;
            if (present != null) {
                for (int i = 0; i < size; i++) {
                    if (present[i]) {
                        count++;
                    }
                }
            } else {
                count = size;
            }
            this.present = count == size ? null : present;
            this.labelled = new int[count];
            int next = 0;
            for (int i = 0; i < size; i++) {
                if (present == null || present[i]) {
                    labelled[next++] = i;
                }
            }
        }
    }

    /**
     * Builds an {@link ArrayDataset}: {@code set*} for what every split with examples needs (its
     * inputs, and labels for every task), {@code opt*} for the rest. A split that is never given
     * inputs is empty.
     */
    public static final class Builder {
        private final List<Task> tasks;
        private final Shape exampleShape;
        private final int exampleSize;
        private float scale = 1f;
        private float offset = 0f;
        private Map<String, Object> provenance = Map.of();
        private final Map<Split, Object> inputs = new EnumMap<>(Split.class);
        private final Map<Split, Map<String, Labels>> labels = new EnumMap<>(Split.class);

        private Builder(List<Task> tasks, Shape exampleShape) {
            this.tasks = List.copyOf(tasks);
            this.exampleShape = Objects.requireNonNull(exampleShape, "exampleShape");
            if (this.tasks.isEmpty()) {
                throw new IllegalArgumentException("a dataset needs at least one task");
            }
            for (int i = 0; i < this.tasks.size(); i++) {
                for (int j = 0; j < i; j++) {
                    if (this.tasks.get(i).name().equals(this.tasks.get(j).name())) {
                        throw new IllegalArgumentException(
                                "task '" + this.tasks.get(i).name() + "' appears twice");
                    }
                }
            }
            long size = exampleShape.size();
            if (exampleShape.dimension() == 0 || size < 1) {
                throw new IllegalArgumentException(
                        "example shape " + exampleShape + " holds no values");
            }
            this.exampleSize = Math.toIntExact(size);
        }

        /**
         * Sets the normalization applied to every stored input value when a batch is made: v
         * becomes {@code v * scale + offset}. Defaults to the identity. For mean/std normalization
         * of pixels, {@code scale = 1 / (255 std)} and {@code offset = -mean / std}.
         *
         * @param scale the factor
         * @param offset the shift
         * @return this builder
         */
        public Builder optNormalization(float scale, float offset) {
            if (!Float.isFinite(scale) || !Float.isFinite(offset)) {
                throw new IllegalArgumentException("normalization must be finite");
            }
            this.scale = scale;
            this.offset = offset;
            return this;
        }

        /**
         * Sets the provenance recorded with results (files, checksums, generator settings).
         *
         * @param provenance a JSON-able map; copied
         * @return this builder
         */
        public Builder optProvenance(Map<String, Object> provenance) {
            this.provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
            return this;
        }

        /**
         * Sets a split's inputs as unsigned bytes (0..255), example after example.
         *
         * @param split the split
         * @param values {@code examples * exampleSize} values; owned by the dataset from now on
         * @return this builder
         */
        public Builder setInputs(Split split, byte[] values) {
            checkInputLength(split, values.length);
            inputs.put(split, values);
            return this;
        }

        /**
         * Sets a split's inputs as floats, example after example.
         *
         * @param split the split
         * @param values {@code examples * exampleSize} values; owned by the dataset from now on
         * @return this builder
         */
        public Builder setInputs(Split split, float[] values) {
            checkInputLength(split, values.length);
            inputs.put(split, values);
            return this;
        }

        /**
         * Sets the class ids of a classification task in a split.
         *
         * @param split the split
         * @param task the task's name
         * @param classes one class id per example, in {@code [0, outputs)} where present
         * @param present true where the example is labelled for the task; null when all are
         * @return this builder
         */
        public Builder setClassLabels(Split split, String task, int[] classes, boolean[] present) {
            Task t = task(task);
            if (t.type() != TaskType.CLASSIFICATION) {
                throw new IllegalArgumentException(
                        "task '" + task + "' is not a classification task");
            }
            labels.computeIfAbsent(split, s -> new HashMap<>())
                    .put(
                            task,
                            new Labels(Objects.requireNonNull(classes, "classes"), null, present));
            return this;
        }

        /**
         * Sets the targets of a regression task in a split.
         *
         * @param split the split
         * @param task the task's name
         * @param targets {@code outputs} values per example, example after example; finite where
         *     present
         * @param present true where the example is labelled for the task; null when all are
         * @return this builder
         */
        public Builder setTargets(Split split, String task, float[] targets, boolean[] present) {
            Task t = task(task);
            if (t.type() != TaskType.REGRESSION) {
                throw new IllegalArgumentException("task '" + task + "' is not a regression task");
            }
            labels.computeIfAbsent(split, s -> new HashMap<>())
                    .put(
                            task,
                            new Labels(null, Objects.requireNonNull(targets, "targets"), present));
            return this;
        }

        /**
         * Checks every split and builds the dataset.
         *
         * @return the dataset
         * @throws IllegalArgumentException if a split lacks a task's labels, or an array's length
         *     or a label does not fit
         */
        public ArrayDataset build() {
            Map<Split, SplitData> splits = new EnumMap<>(Split.class);
            for (Split split : Split.values()) {
                splits.put(split, buildSplit(split));
            }
            return new ArrayDataset(this, Collections.unmodifiableMap(splits));
        }

        private SplitData buildSplit(Split split) {
            Object values = inputs.get(split);
            Map<String, Labels> given = labels.getOrDefault(split, Map.of());
            TaskLabels[] taskLabels = new TaskLabels[tasks.size()];
            if (values == null) {
                if (!given.isEmpty()) {
                    throw new IllegalArgumentException(
                            "the " + split.label() + " split has labels but no inputs");
                }
                for (int t = 0; t < taskLabels.length; t++) {
                    Task task = tasks.get(t);
                    taskLabels[t] =
                            task.type() == TaskType.CLASSIFICATION
                                    ? new TaskLabels(new int[0], null, task.outputs(), null, 0)
                                    : new TaskLabels(null, new float[0], task.outputs(), null, 0);
                }
                return new SplitData(0, null, null, taskLabels);
            }
            byte[] bytes = values instanceof byte[] ? (byte[]) values : null;
            float[] floats = values instanceof float[] ? (float[]) values : null;
            int size = (bytes != null ? bytes.length : floats.length) / exampleSize;
            for (int t = 0; t < taskLabels.length; t++) {
                Task task = tasks.get(t);
                Labels l = given.get(task.name());
                if (l == null) {
                    throw new IllegalArgumentException(
                            "the "
                                    + split.label()
                                    + " split has no labels for task '"
                                    + task.name()
                                    + "'; give a presence array of all false if none is labelled");
                }
                taskLabels[t] = check(split, task, l, size);
            }
            return new SplitData(size, bytes, floats, taskLabels);
        }

        private static TaskLabels check(Split split, Task task, Labels l, int size) {
            String where = "task '" + task.name() + "' in the " + split.label() + " split";
            if (l.present != null && l.present.length != size) {
                throw new IllegalArgumentException(
                        where
                                + ": "
                                + l.present.length
                                + " presence flags for "
                                + size
                                + " examples");
            }
            int outputs = task.outputs();
            if (l.classes != null) {
                if (l.classes.length != size) {
                    throw new IllegalArgumentException(
                            where
                                    + ": "
                                    + l.classes.length
                                    + " class ids for "
                                    + size
                                    + " examples");
                }
                for (int i = 0; i < size; i++) {
                    int c = l.classes[i];
                    if ((l.present == null || l.present[i]) && (c < 0 || c >= outputs)) {
                        throw new IllegalArgumentException(
                                where
                                        + ": example "
                                        + i
                                        + " has class "
                                        + c
                                        + ", expected 0.."
                                        + (outputs - 1));
                    }
                }
                return new TaskLabels(l.classes, null, outputs, l.present, size);
            }
            if ((long) size * outputs != l.targets.length) {
                throw new IllegalArgumentException(
                        where
                                + ": "
                                + l.targets.length
                                + " targets for "
                                + size
                                + " examples of "
                                + outputs
                                + " outputs");
            }
            for (int i = 0; i < size; i++) {
                if (l.present == null || l.present[i]) {
                    for (int k = 0; k < outputs; k++) {
                        if (!Float.isFinite(l.targets[i * outputs + k])) {
                            throw new IllegalArgumentException(
                                    where + ": example " + i + " has a non-finite target");
                        }
                    }
                }
            }
            return new TaskLabels(null, l.targets, outputs, l.present, size);
        }

        private void checkInputLength(Split split, int length) {
            Objects.requireNonNull(split, "split");
            if (length % exampleSize != 0) {
                throw new IllegalArgumentException(
                        "the "
                                + split.label()
                                + " inputs hold "
                                + length
                                + " values, not a multiple of the example size "
                                + exampleSize);
            }
        }

        private Task task(String name) {
            for (Task t : tasks) {
                if (t.name().equals(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("no task named '" + name + "'");
        }

        private record Labels(int[] classes, float[] targets, boolean[] present) {}
    }
}
