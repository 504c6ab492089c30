package org.openmtl.core.adapt;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.optim.ParameterUpdater;
import org.openmtl.api.task.Metric;
import org.openmtl.api.task.Task;
import org.openmtl.core.train.EngineOps;

/**
 * A head ({@link ProbeHead}) on a frozen trunk, for one task: the trunk's features of a set of
 * examples are computed once ({@link #features}), the head is then trained ({@link #train}) and
 * measured ({@link #evaluate}) on those features alone, so no step runs the trunk. {@code ./mtl
 * adapt}'s frozen mode and every readout of {@code ./mtl transfer} are this class; the trunk's
 * parameters are only read, never updated.
 */
public final class FrozenProbe {

    /**
     * A set's trunk features (one row per example) and its labels for the task.
     *
     * @param features the flattened representation, examples × width
     * @param labels the task's labels of the same examples
     */
    public record Features(NDArray features, NDArray labels) {
        /**
         * The number of examples.
         *
         * @return the rows of the features
         */
        public int size() {
            return (int) features.getShape().get(0);
        }

        /**
         * The representation's width.
         *
         * @return the columns of the features
         */
        public long width() {
            return features.getShape().get(1);
        }
    }

    /**
     * What an evaluation measured.
     *
     * @param metrics the task's metrics over the set, in the task's order
     * @param perExample the task's loss of each example alone, in the set's order; empty unless asked for
     */
    public record Evaluation(Map<String, Double> metrics, double[] perExample) {}

    /** Told after each training step. */
    @FunctionalInterface
    public interface StepListener {
        /**
         * A step ended.
         *
         * @param step the step, from 1
         * @param loss the loss of the step's batch, before the update
         */
        void stepEnded(int step, double loss);
    }

    private final MultiTaskNetwork trunk;
    private final ParameterStore store;
    private final MultiTaskDataset dataset;
    private final Task task;
    private final int evalBatchSize;

    /**
     * A probe on a loaded trunk.
     *
     * @param trunk the network whose representation ({@link MultiTaskNetwork#encode}) is read
     * @param store the store its parameters are read through
     * @param dataset the dataset the examples come from
     * @param task the task the head predicts
     * @param evalBatchSize examples per forward pass when computing features and evaluating
     */
    public FrozenProbe(MultiTaskNetwork trunk, ParameterStore store, MultiTaskDataset dataset, Task task, int evalBatchSize) {
        this.trunk = trunk;
        this.store = store;
        this.dataset = dataset;
        this.task = task;
        this.evalBatchSize = evalBatchSize;
    }

    /**
     * A network's representation of a batch, every array flattened per example and concatenated:
     * what a probe head reads, in every mode of {@code ./mtl adapt}.
     *
     * @param network the network
     * @param store its parameter store
     * @param input the batch's input
     * @param training whether the forward pass is a training one
     * @return examples × width
     */
    public static NDArray represent(MultiTaskNetwork network, ParameterStore store, NDArray input, boolean training) {
        NDList representation = network.encode(store, input, training);
        NDList flat = new NDList();
        for (NDArray a : representation) {
            flat.add(a.reshape(a.getShape().get(0), -1));
        }
        return flat.size() == 1 ? flat.singletonOrThrow() : NDArrays.concat(flat, 1);
    }

    /**
     * The engine seed of a 64-bit seed: its two halves folded.
     *
     * @param seed the seed
     * @return the engine's 32-bit seed
     */
    public static int engineSeed(long seed) {
        return (int) (seed ^ (seed >>> 32));
    }

    /**
     * The trunk's features and the task's labels of a set of examples, without gradient, in
     * batches of the evaluation batch size.
     *
     * @param split the split the examples index
     * @param examples the examples, each labelled for the task
     * @param owner the manager that keeps the features and labels
     * @return the features and labels, in the order of {@code examples}
     */
    public Features features(Split split, int[] examples, NDManager owner) {
        List<NDArray> features = new ArrayList<>();
        List<NDArray> labels = new ArrayList<>();
        boolean gradMode = EngineOps.isGradMode();
        EngineOps.setGradMode(false);
        try {
            for (int start = 0; start < examples.length; start += evalBatchSize) {
                int[] chunk = Arrays.copyOfRange(examples, start, Math.min(examples.length, start + evalBatchSize));
                try (NDManager temporary = owner.newSubManager()) {
                    MultiTaskBatch batch = dataset.batch(temporary, split, chunk, List.of(task.name()));
                    NDArray f = represent(trunk, store, batch.input(), false);
                    NDArray l = batch.target(task.name()).labels();
                    f.attach(owner);
                    l.attach(owner);
                    features.add(f);
                    labels.add(l);
                }
            }
        } finally {
            EngineOps.setGradMode(gradMode);
        }
        NDArray f = features.size() == 1 ? features.get(0) : NDArrays.concat(new NDList(features), 0);
        NDArray l = labels.size() == 1 ? labels.get(0) : NDArrays.concat(new NDList(labels), 0);
        f.attach(owner);
        l.attach(owner);
        if (features.size() > 1) {
            features.forEach(NDArray::close);
            labels.forEach(NDArray::close);
        }
        return new Features(f, l);
    }

    /**
     * Trains a head on cached features: {@code steps} optimizer steps on batches drawn as {@link
     * StepLoop} draws them from {@code orderSeed}, every head parameter updated with factor 1.
     *
     * @param engine the engine
     * @param head the head, initialized
     * @param updater the optimizer's updater, made for {@code steps} steps
     * @param train the training examples' features
     * @param steps the number of steps
     * @param batchSize examples per step (at most all of them)
     * @param orderSeed the seed of the batch order and of the engine's stream
     * @param manager the manager each step's arrays are made under
     * @param listener told each step's loss (a listener may stop training by throwing)
     */
    public void train(Engine engine, Block head, ParameterUpdater updater, Features train, int steps, int batchSize,
            long orderSeed, NDManager manager, StepListener listener) {
        List<Pair<String, Parameter>> parameters = new ArrayList<>();
        head.getParameters().forEach(p -> parameters.add(new Pair<>("head_" + p.getKey(), p.getValue())));
        StepLoop.run(engine, train.size(), batchSize, steps, orderSeed,
                positions -> step(engine, head, parameters, updater, train, positions, manager), listener);
    }

    private double step(Engine engine, Block head, List<Pair<String, Parameter>> parameters, ParameterUpdater updater,
            Features train, int[] positions, NDManager manager) {
        double loss;
        try (NDManager stepManager = manager.newSubManager()) {
            try (GradientCollector collector = engine.newGradientCollector()) {
                // the cached features need no gradient: indexing them records nothing for backward
                NDArray index = stepManager.create(positions);
                NDArray features = train.features().get(index);
                NDArray labels = train.labels().get(index);
                features.attach(stepManager);
                labels.attach(stepManager);
                NDArray prediction = head.forward(store, new NDList(features), true).singletonOrThrow();
                NDArray objective = task.loss().compute(prediction, labels, null);
                loss = objective.getFloat();
                collector.backward(objective);
            }
            for (Pair<String, Parameter> p : parameters) {
                NDArray array = p.getValue().getArray();
                try (NDArray gradient = array.getGradient()) {
                    updater.update(p.getKey(), array, gradient, 1.0);
                }
            }
        }
        updater.endStep();
        return loss;
    }

    /**
     * The head's metrics for the task on cached features, without gradient.
     *
     * @param head the head
     * @param set the features and labels
     * @param perExample whether to compute each example's loss alone as well
     * @param manager the manager the evaluation's arrays are made under
     * @return the metrics (NaN where nothing counted) and, if asked, each example's loss
     */
    public Evaluation evaluate(Block head, Features set, boolean perExample, NDManager manager) {
        List<Metric> metrics = task.metrics();
        double[][] sums = new double[metrics.size()][2];
        int n = set.size();
        double[] losses = new double[perExample ? n : 0];
        boolean gradMode = EngineOps.isGradMode();
        EngineOps.setGradMode(false);
        try {
            for (int start = 0; start < n; start += evalBatchSize) {
                int end = Math.min(n, start + evalBatchSize);
                try (NDManager temporary = manager.newSubManager()) {
                    NDIndex rows = new NDIndex(start + ":" + end);
                    NDArray features = set.features().get(rows);
                    NDArray labels = set.labels().get(rows);
                    features.attach(temporary);
                    labels.attach(temporary);
                    NDArray prediction = head.forward(store, new NDList(features), false).singletonOrThrow();
                    for (int m = 0; m < metrics.size(); m++) {
                        double[] sc = metrics.get(m).accumulate(prediction, labels, null);
                        sums[m][0] += sc[0];
                        sums[m][1] += sc[1];
                    }
                    if (perExample) {
                        for (int i = 0; i < end - start; i++) {
                            NDIndex one = new NDIndex(i + ":" + (i + 1));
                            losses[start + i] = task.loss().compute(prediction.get(one), labels.get(one), null).getFloat();
                        }
                    }
                }
            }
        } finally {
            EngineOps.setGradMode(gradMode);
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (int m = 0; m < metrics.size(); m++) {
            values.put(metrics.get(m).name(), sums[m][1] == 0 ? Double.NaN : sums[m][0] / sums[m][1]);
        }
        return new Evaluation(values, losses);
    }
}
