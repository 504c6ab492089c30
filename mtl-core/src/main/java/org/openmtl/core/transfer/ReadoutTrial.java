package org.openmtl.core.transfer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.optim.Optimizer;
import org.openmtl.api.optim.OptimizerContext;
import org.openmtl.api.optim.ParameterUpdater;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.task.Task;
import org.openmtl.core.adapt.Adaptation;
import org.openmtl.core.adapt.FrozenProbe;
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
 * frozen, computes the features of the target's labelled training and test examples once (a
 * {@link FrozenProbe}, the class {@code ./mtl adapt}'s frozen mode runs, with its {@link ProbeHead});
 * a readout head is trained on those features alone for a fixed number of steps with the run's
 * optimizer, in a batch order that depends only on the seed and the target (the same for every
 * source); its test metrics and its loss on every test example (for the win-rate normalization)
 * are written into the trial's directory: {@code test_losses.json} first, then {@code result.json}, whose completion marks the
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
            engine.setRandomSeed(FrozenProbe.engineSeed(config.seed()));
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
            FrozenProbe probe = new FrozenProbe(network, store, dataset, target, config.evalBatchSize());
            long featuresStarted = System.nanoTime();
            FrozenProbe.Features train = probe.features(Split.TRAIN, trainExamples, base);
            FrozenProbe.Features test = probe.features(Split.TEST, testExamples, base);
            double featureSeconds = (System.nanoTime() - featuresStarted) / 1e9;
            long width = train.width();

            long readoutSeed = Adaptation.mix(config.seed(), target.name().hashCode());
            engine.setRandomSeed(FrozenProbe.engineSeed(Adaptation.mix(readoutSeed, HEAD)));
            Block head = ProbeHead.build(request.probe(), request.hidden(), width, target.outputs(), base);
            Optimizer optimizer = create(mtl, config, PluginKind.OPTIMIZER, Optimizer.class);
            ParameterUpdater updater;
            try {
                updater = optimizer.create(new OptimizerContext(request.steps(), 1));
            } catch (PluginConfigException e) {
                throw new ConfigException(e.getMessage(), e);
            }
            long trainStarted = System.nanoTime();
            double[] lastLoss = {Double.NaN};
            probe.train(engine, head, updater, train, request.steps(), request.batchSize(), Adaptation.mix(readoutSeed, ORDER),
                    base, (step, loss) -> {
                        lastLoss[0] = loss;
                        if (!Double.isFinite(loss)) {
                            throw new IllegalStateException("the readout's loss became " + loss + " at step " + step
                                    + " (target '" + target.name() + "'); lower the learning rate");
                        }
                    });
            double trainSeconds = (System.nanoTime() - trainStarted) / 1e9;
            FrozenProbe.Evaluation evaluation = probe.evaluate(head, test, true, base);

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
            result.put("final_train_loss", lastLoss[0]);
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

    private static <T> T create(MtlRuntime mtl, RunConfig config, PluginKind kind, Class<T> type) {
        Object plugin = mtl.registry().require(kind, config.pluginName(kind)).factory().create(config.pluginConfig(kind));
        return type.cast(plugin);
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
