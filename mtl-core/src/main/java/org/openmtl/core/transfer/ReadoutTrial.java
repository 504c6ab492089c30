package org.openmtl.core.transfer;

import ai.djl.Device;
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
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.optim.Optimizer;
import org.openmtl.api.optim.OptimizerContext;
import org.openmtl.api.optim.ParameterUpdater;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.task.Metric;
import org.openmtl.api.task.Task;
import org.openmtl.core.adapt.Adaptation;
import org.openmtl.core.adapt.ProbeHead;
import org.openmtl.core.adapt.SavedRun;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.result.OutputWriteException;
import org.openmtl.core.result.Provenance;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.train.EngineOps;
import org.openmtl.core.train.SavedModel;

/**
 * The body of one readout trial of {@code ./mtl transfer}: the source encoder's saved network,
 * frozen, computes the features of the target's labelled training and test examples once (as
 * {@code ./mtl adapt}'s frozen mode does, with its {@link ProbeHead}); a readout head is trained on
 * those features alone for a fixed number of steps with the run's optimizer, in a batch order that
 * depends only on the seed and the target (the same for every source); its test metrics and its
 * loss on every test example (for the win-rate normalization) are written into the trial's
 * directory: {@code test_losses.json} first, then {@code result.json}, whose completion marks the
 * trial done.
 */
public final class ReadoutTrial {

    /** The kind recorded in a readout's result.json. */
    public static final String KIND = "transfer-readout";

    /** The per-example test losses beside result.json. */
    public static final String LOSSES_FILE = "test_losses.json";

    private static final long HEAD = 11;
    private static final long ORDER = 12;

    private ReadoutTrial() {}

    /**
     * Whether a trial's configuration asks for a readout rather than a training run.
     *
     * @param values the trial's configuration
     * @return true when {@code transfer.readout} is set
     */
    public static boolean requested(Map<String, String> values) {
        return !values.getOrDefault(RunKeys.TRANSFER_READOUT, "").isBlank();
    }

    /**
     * Trains and evaluates the readout and writes its files.
     *
     * @param mtl the runtime
     * @param config the trial's configuration (the encoder's, with {@code transfer.readout})
     * @return what was written to result.json
     */
    public static Map<String, Object> run(MtlRuntime mtl, RunConfig config) {
        long started = System.nanoTime();
        ReadoutRequest request = ReadoutRequest.parse(config.resolved().get(RunKeys.TRANSFER_READOUT));
        SavedRun encoder = SavedRun.resolve(request.encoder(), "");
        Map<String, String> values = new LinkedHashMap<>(config.resolved());
        values.put(RunKeys.TASKS, "");
        values.put(RunKeys.TRANSFER_READOUT, "");
        values.put(RunKeys.RESUME, "false");
        RunConfig dataConfig = mtl.configure(ConfigSource.of(values));
        MultiTaskDataset dataset = mtl.plugins(dataConfig).dataset();
        List<Task> sources = new ArrayList<>();
        for (Task t : dataset.tasks()) {
            if (config.tasks().contains(t.name())) {
                sources.add(t);
            }
        }
        Task target = dataset.tasks().stream().filter(t -> t.name().equals(request.target())).findFirst()
                .orElseThrow(() -> new ConfigException(RunKeys.TRANSFER_READOUT + ": the dataset has no task '"
                        + request.target() + "'"));
        if (sources.size() != config.tasks().size()) {
            throw new ConfigException(RunKeys.TASKS + ": the dataset lacks some of the source tasks " + config.tasks());
        }
        Engine engine = EngineOps.engine();
        if (config.threads() > 0) {
            EngineOps.setThreads(config.threads());
        }
        Device device = EngineOps.resolveDevice(config.device(), engine);
        try (NDManager base = NDManager.newBaseManager(device, engine.getEngineName())) {
            engine.setRandomSeed(engineSeed(config.seed()));
            Architecture architecture = create(mtl, config, PluginKind.ARCHITECTURE, Architecture.class);
            MultiTaskNetwork network = architecture.build(new NetworkContext(sources, dataset.exampleShape(), base, config.seed()));
            try {
                SavedModel.load(encoder.model(), network);
            } catch (IOException | IllegalStateException e) {
                throw new IllegalStateException("the encoder " + encoder.model() + " does not load into the network its"
                        + " configuration builds: " + e.getMessage(), e);
            }
            ParameterStore store = new ParameterStore(base, false);
            int[] trainExamples = dataset.labelled(Split.TRAIN, target.name());
            int[] testExamples = dataset.size(Split.TEST) > 0 ? dataset.labelled(Split.TEST, target.name()) : new int[0];
            if (trainExamples.length == 0 || testExamples.length == 0) {
                throw new IllegalStateException("task '" + target.name() + "' has no labelled " + (trainExamples.length == 0
                        ? "training" : "test") + " example; its readout cannot be trained and measured");
            }
            long featuresStarted = System.nanoTime();
            NDArray[] train = features(network, store, dataset, Split.TRAIN, trainExamples, target, config.evalBatchSize(), base);
            NDArray[] test = features(network, store, dataset, Split.TEST, testExamples, target, config.evalBatchSize(), base);
            double featureSeconds = (System.nanoTime() - featuresStarted) / 1e9;
            long width = train[0].getShape().get(1);

            long readoutSeed = Adaptation.mix(config.seed(), target.name().hashCode());
            engine.setRandomSeed(engineSeed(Adaptation.mix(readoutSeed, HEAD)));
            Block head = ProbeHead.build(request.probe(), request.hidden(), width, target.outputs(), base);
            Optimizer optimizer = create(mtl, config, PluginKind.OPTIMIZER, Optimizer.class);
            ParameterUpdater updater;
            try {
                updater = optimizer.create(new OptimizerContext(request.steps(), 1));
            } catch (PluginConfigException e) {
                throw new ConfigException(e.getMessage(), e);
            }
            long trainStarted = System.nanoTime();
            double lastLoss = train(engine, head, store, updater, train, request, Adaptation.mix(readoutSeed, ORDER), target, base);
            double trainSeconds = (System.nanoTime() - trainStarted) / 1e9;
            Evaluation evaluation = evaluate(head, store, test, target, config.evalBatchSize(), base);

            Path output = config.outputDirectory();
            Map<String, Object> losses = new LinkedHashMap<>();
            losses.put("target", target.name());
            losses.put("split", "test");
            losses.put("examples", testExamples);
            losses.put("losses", evaluation.perExample());
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("status", "completed");
            result.put("kind", KIND);
            result.put("source", config.tasks());
            result.put("target", target.name());
            result.put("encoder", encoder.directory().toString());
            result.put("tasks", Map.of(target.name(), evaluation.metrics()));
            Map<String, Object> primary = new LinkedHashMap<>();
            primary.put("metric", target.primaryMetric().name());
            primary.put("higher_is_better", target.primaryMetric().higherIsBetter());
            result.put("primary_metrics", Map.of(target.name(), primary));
            result.put("final_train_loss", lastLoss);
            Map<String, Object> cost = new LinkedHashMap<>();
            cost.put("encoder_forward_examples", (long) trainExamples.length + testExamples.length);
            cost.put("feature_seconds", round(featureSeconds));
            cost.put("readout_seconds", round(trainSeconds));
            cost.put("seconds", round((System.nanoTime() - started) / 1e9));
            result.put("cost", cost);
            result.put("representation_width", width);
            result.put("config", config.resolved());
            Map<String, Object> provenance = Provenance.collect(engine);
            provenance.put("device", base.getDevice().toString());
            provenance.put("threads", EngineOps.threads());
            result.put("provenance", provenance);
            try {
                ResultFiles.writeJson(output.resolve(LOSSES_FILE), losses);
                ResultFiles.writeJson(output.resolve("result.json"), result);
            } catch (IOException e) {
                throw new OutputWriteException("the readout's results (" + LOSSES_FILE + ", result.json)", output, e, "");
            }
            return result;
        }
    }

    /** The frozen encoder's flattened representation and the target's labels of a set, in {@code owner}. */
    private static NDArray[] features(MultiTaskNetwork network, ParameterStore store, MultiTaskDataset dataset, Split split,
            int[] examples, Task target, int batch, NDManager owner) {
        List<NDArray> features = new ArrayList<>();
        List<NDArray> labels = new ArrayList<>();
        boolean gradMode = EngineOps.isGradMode();
        EngineOps.setGradMode(false);
        try {
            for (int start = 0; start < examples.length; start += batch) {
                int[] chunk = Arrays.copyOfRange(examples, start, Math.min(examples.length, start + batch));
                try (NDManager temporary = owner.newSubManager()) {
                    MultiTaskBatch b = dataset.batch(temporary, split, chunk, List.of(target.name()));
                    NDList representation = network.encode(store, b.input(), false);
                    NDList flat = new NDList();
                    for (NDArray a : representation) {
                        flat.add(a.reshape(a.getShape().get(0), -1));
                    }
                    NDArray f = flat.size() == 1 ? flat.singletonOrThrow() : NDArrays.concat(flat, 1);
                    NDArray l = b.target(target.name()).labels();
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
        return new NDArray[] {f, l};
    }

    /** Trains the head on the cached features; returns the last step's loss. */
    private static double train(Engine engine, Block head, ParameterStore store, ParameterUpdater updater, NDArray[] train,
            ReadoutRequest request, long orderSeed, Task target, NDManager base) {
        int n = (int) train[0].getShape().get(0);
        int batchSize = Math.min(request.batchSize(), n);
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) {
            positions[i] = i;
        }
        SplittableRandom order = new SplittableRandom(orderSeed);
        int cursor = n;
        double loss = Double.NaN;
        List<Pair<String, Parameter>> parameters = new ArrayList<>();
        head.getParameters().forEach(p -> parameters.add(new Pair<>("head_" + p.getKey(), p.getValue())));
        engine.setRandomSeed(engineSeed(orderSeed));
        for (int step = 1; step <= request.steps(); step++) {
            if (cursor + batchSize > n) {
                for (int i = n - 1; i > 0; i--) {
                    int j = order.nextInt(i + 1);
                    int swap = positions[i];
                    positions[i] = positions[j];
                    positions[j] = swap;
                }
                cursor = 0;
            }
            int[] batch = Arrays.copyOfRange(positions, cursor, cursor + batchSize);
            cursor += batchSize;
            try (NDManager stepManager = base.newSubManager()) {
                try (GradientCollector collector = engine.newGradientCollector()) {
                    NDArray index = stepManager.create(batch);
                    NDArray features = train[0].get(index);
                    NDArray labels = train[1].get(index);
                    features.attach(stepManager);
                    labels.attach(stepManager);
                    NDArray prediction = head.forward(store, new NDList(features), true).singletonOrThrow();
                    NDArray objective = target.loss().compute(prediction, labels, null);
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
            if (!Double.isFinite(loss)) {
                throw new IllegalStateException("the readout's loss became " + loss + " at step " + step + " (target '"
                        + target.name() + "'); lower the learning rate");
            }
        }
        return loss;
    }

    /** The test metrics and every test example's loss. */
    private record Evaluation(Map<String, Double> metrics, double[] perExample) {}

    private static Evaluation evaluate(Block head, ParameterStore store, NDArray[] test, Task target, int batch, NDManager base) {
        List<Metric> metrics = target.metrics();
        double[][] sums = new double[metrics.size()][2];
        int n = (int) test[0].getShape().get(0);
        double[] perExample = new double[n];
        boolean gradMode = EngineOps.isGradMode();
        EngineOps.setGradMode(false);
        try {
            for (int start = 0; start < n; start += batch) {
                int end = Math.min(n, start + batch);
                try (NDManager temporary = base.newSubManager()) {
                    NDIndex rows = new NDIndex(start + ":" + end);
                    NDArray features = test[0].get(rows);
                    NDArray labels = test[1].get(rows);
                    features.attach(temporary);
                    labels.attach(temporary);
                    NDArray prediction = head.forward(store, new NDList(features), false).singletonOrThrow();
                    for (int m = 0; m < metrics.size(); m++) {
                        double[] sc = metrics.get(m).accumulate(prediction, labels, null);
                        sums[m][0] += sc[0];
                        sums[m][1] += sc[1];
                    }
                    // the task's own loss on each example alone: what the tournament compares
                    for (int i = 0; i < end - start; i++) {
                        NDIndex one = new NDIndex(i + ":" + (i + 1));
                        perExample[start + i] = target.loss().compute(prediction.get(one), labels.get(one), null).getFloat();
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
        return new Evaluation(values, perExample);
    }

    private static <T> T create(MtlRuntime mtl, RunConfig config, PluginKind kind, Class<T> type) {
        Object plugin = mtl.registry().require(kind, config.pluginName(kind)).factory().create(config.pluginConfig(kind));
        return type.cast(plugin);
    }

    private static int engineSeed(long seed) {
        return (int) (seed ^ (seed >>> 32));
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
