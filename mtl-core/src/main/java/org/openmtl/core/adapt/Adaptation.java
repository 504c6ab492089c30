package org.openmtl.core.adapt;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.data.TaskTarget;
import org.openmtl.api.optim.Optimizer;
import org.openmtl.api.optim.OptimizerContext;
import org.openmtl.api.optim.ParameterUpdater;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.task.Metric;
import org.openmtl.api.task.Task;
import org.openmtl.api.task.TaskType;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.DirectoryChecks;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.io.DurableFiles;
import org.openmtl.core.result.OutputWriteException;
import org.openmtl.core.result.Provenance;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.train.EngineOps;
import org.openmtl.core.train.SavedModel;

/**
 * {@code ./mtl adapt}: trains a head for a task the saved run did not train, from k labelled
 * examples per class, over seeded draws, in three modes that differ only in the trunk:
 * <ul>
 *   <li><b>frozen</b>: the saved trunk fixed. Its features of the curve and test examples are
 *       computed once per command, those of a draw's examples once per draw; training and
 *       evaluation then run the head alone and never the trunk.
 *   <li><b>fine-tune</b>: the saved trunk and the head trained together (every network parameter,
 *       with the architecture's learning-rate factors, proximal steps and penalty).
 *   <li><b>scratch</b>: the same architecture built fresh, then trained exactly as fine-tune: the
 *       same examples, head initialization, batch order and engine seed; only the trunk's starting
 *       values differ.
 * </ul>
 * The head ({@link ProbeHead}) reads the trunk's representation ({@link MultiTaskNetwork#encode},
 * every array flattened and concatenated), the same in every mode. Training uses the run's
 * optimizer, its schedule spread over {@code adapt.steps}. The held-out task's primary metric is
 * measured on the curve examples before training and every {@code adapt.eval.every} steps (steps
 * to target come from that curve); its metrics on the whole test split after the last step.
 */
public final class Adaptation {

    /** Seen by tests: each trial's network before and after its training. */
    interface TrialObserver {
        /** No observer. */
        TrialObserver NONE = new TrialObserver() {};

        /**
         * A trial's network, built and loaded, before its first step.
         *
         * @param mode the mode
         * @param k examples per class
         * @param draw the draw, from 0
         * @param network the network the trial trains (or, frozen, reads)
         */
        default void started(AdaptMode mode, int k, int draw, MultiTaskNetwork network) {}

        /**
         * A trial's network after its last step.
         *
         * @param mode the mode
         * @param k examples per class
         * @param draw the draw, from 0
         * @param network the network
         */
        default void ended(AdaptMode mode, int k, int draw, MultiTaskNetwork network) {}
    }

    private static final long SAMPLE = 1;
    private static final long TRUNK = 2;
    private static final long HEAD = 3;
    private static final long ORDER = 4;
    private static final long CURVE_SUBSET = 5;

    private final MtlRuntime mtl;
    private final TrialObserver observer;

    /**
     * Creates the command's runner.
     *
     * @param mtl the runtime whose plugins the saved run names
     */
    public Adaptation(MtlRuntime mtl) {
        this(mtl, TrialObserver.NONE);
    }

    Adaptation(MtlRuntime mtl, TrialObserver observer) {
        this.mtl = mtl;
        this.observer = observer;
    }

    /**
     * Checks the configuration and the saved run, runs every (k, draw, mode), and writes {@code
     * adapt.json} and {@code adapt.md} into {@code output.dir}.
     *
     * @param source the adapt configuration
     * @param command the command line, recorded in the results
     * @return what was written to {@code adapt.json}
     * @throws ConfigException for bad input, before anything is written
     * @throws OutputWriteException if the results cannot be written
     */
    public Map<String, Object> run(ConfigSource source, String command) {
        AdaptSettings settings = AdaptSettings.parse(source);
        SavedRun run = SavedRun.resolve(settings.from(), settings.trial());
        RunConfig config = configure(run, settings);
        DirectoryChecks.writable(RunKeys.OUTPUT_DIR, config.outputDirectory());
        DirectoryChecks.readable(RunKeys.DATA_DIR, config.dataDirectory());
        MultiTaskDataset dataset = mtl.plugins(config).dataset();
        List<Task> trained = trainedTasks(run, dataset);
        Task task = heldOutTask(settings.task(), dataset, trained, config);
        Engine engine = EngineOps.engine();
        if (config.threads() > 0) {
            EngineOps.setThreads(config.threads());
        }
        Device device = EngineOps.resolveDevice(config.device(), engine);
        try (NDManager base = NDManager.newBaseManager(device, engine.getEngineName())) {
            return new Session(settings, run, config, dataset, trained, task, engine, base, command).execute();
        }
    }

    /** The run's configuration with every task visible, the adapt config's run keys on top. */
    private RunConfig configure(SavedRun run, AdaptSettings settings) {
        Map<String, String> values = new LinkedHashMap<>(run.config());
        values.put(RunKeys.RESUME, "false");
        values.put(RunKeys.TASKS, "");
        values.put(RunKeys.OUTPUT_DIR, "runs/adapt");
        values.put(RunKeys.PROGRESS, "auto");
        values.putAll(settings.runOverrides());
        return mtl.configure(ConfigSource.of(values));
    }

    /**
     * The tasks the run's network was built for, in its order: the run's tasks key, else the
     * tasks its result recorded, else every task of the dataset.
     */
    private static List<Task> trainedTasks(SavedRun run, MultiTaskDataset dataset) {
        List<String> names = run.trainedTasks();
        if (names.isEmpty()) {
            names = run.recordedTasks();
        }
        if (names.isEmpty()) {
            return dataset.tasks();
        }
        List<Task> tasks = new ArrayList<>();
        for (Task t : dataset.tasks()) {
            if (names.contains(t.name())) {
                tasks.add(t);
            }
        }
        if (tasks.size() != names.size()) {
            throw new ConfigException("adapt.from: the run in " + run.directory() + " trained tasks " + names
                    + ", which its dataset no longer has all of; its tasks now are " + taskNames(dataset.tasks()));
        }
        if (!run.trainedTasks().isEmpty()) {
            return tasks;
        }
        // the recorded order is the order the run built its network in
        List<Task> ordered = new ArrayList<>();
        for (String name : names) {
            tasks.stream().filter(t -> t.name().equals(name)).findFirst().ifPresent(ordered::add);
        }
        return ordered;
    }

    private static Task heldOutTask(String name, MultiTaskDataset dataset, List<Task> trained, RunConfig config) {
        String datasetName = config.pluginName(PluginKind.DATASET);
        List<String> trainedNames = taskNames(trained);
        List<String> heldOut = taskNames(dataset.tasks()).stream().filter(t -> !trainedNames.contains(t)).toList();
        String candidates = heldOut.isEmpty()
                ? "the run trained every task of the dataset, so none is held out; adapt a run trained on fewer tasks"
                        + " (the tasks key)"
                : "held-out tasks: " + String.join(", ", heldOut);
        if (name.isEmpty()) {
            throw new ConfigException("adapt.task: required: the task to adapt to; " + candidates);
        }
        Optional<Task> task = dataset.tasks().stream().filter(t -> t.name().equals(name)).findFirst();
        if (task.isEmpty()) {
            throw new ConfigException("adapt.task: the dataset '" + datasetName + "' has no task '" + name + "'; its tasks"
                    + " are " + String.join(", ", taskNames(dataset.tasks())) + " (" + candidates + ")");
        }
        if (trainedNames.contains(name)) {
            throw new ConfigException("adapt.task: the run already trained task '" + name + "' (its tasks: "
                    + String.join(", ", trainedNames) + "); adaptation is to a task the run never saw; " + candidates);
        }
        if (task.get().type() != TaskType.CLASSIFICATION) {
            throw new ConfigException("adapt.task: '" + name + "' is a " + task.get().type().name().toLowerCase(java.util.Locale.ROOT)
                    + " task; ./mtl adapt draws k examples per class and needs a classification task");
        }
        return task.get();
    }

    private static List<String> taskNames(List<Task> tasks) {
        return tasks.stream().map(Task::name).toList();
    }

    /**
     * A seed for one purpose of one trial, mixed so that nearby inputs give unrelated streams.
     *
     * @param a one input
     * @param b another
     * @return the mixed seed
     */
    public static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + (b + 1) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Examples to evaluate on: their split and indices, and their features once computed. */
    private static final class EvalSet {
        final Split split;
        final int[] examples;
        /** The frozen trunk's features and labels, once computed. */
        FrozenProbe.Features cached;

        EvalSet(Split split, int[] examples) {
            this.split = split;
            this.examples = examples;
        }
    }

    /** One adaptation command: the loaded run, the data, and the loop over trials. */
    private final class Session {
        private final AdaptSettings settings;
        private final SavedRun run;
        private final RunConfig config;
        private final MultiTaskDataset dataset;
        private final List<Task> trained;
        private final Task task;
        private final Engine engine;
        private final NDManager base;
        private final String command;
        private final AdaptProgress progress;
        private final List<Map<String, Object>> entries = new ArrayList<>();
        /** The training examples of every (k, draw), shared by its modes. */
        private final List<Map<String, Object>> draws = new ArrayList<>();
        private MultiTaskNetwork saved;
        private ParameterStore savedStore;
        private FrozenProbe probe;
        private FewShotSampler sampler;
        private EvalSet curve;
        private EvalSet test;
        private long width;
        private long sharedForwardExamples;
        private double sharedSeconds;
        /** Examples passed through the trunk in the current trial. */
        private long trunkExamples;
        /** What computing the current draw's features cost the frozen mode: trunk examples and seconds. */
        private double[] drawCost = {0, 0};

        Session(AdaptSettings settings, SavedRun run, RunConfig config, MultiTaskDataset dataset, List<Task> trained,
                Task task, Engine engine, NDManager base, String command) {
            this.settings = settings;
            this.run = run;
            this.config = config;
            this.dataset = dataset;
            this.trained = trained;
            this.task = task;
            this.engine = engine;
            this.base = base;
            this.command = command;
            this.progress = AdaptProgress.forMode(config.progress());
        }

        Map<String, Object> execute() {
            prepare();
            Path output = config.outputDirectory();
            try {
                loop(output);
            } catch (RuntimeException e) {
                // the trials finished so far stay readable, with the reason the rest did not run
                Map<String, Object> failed = result("failed");
                failed.put("reason", String.valueOf(e.getMessage()));
                write(output, failed);
                throw e;
            }
            Map<String, Object> result = result("completed");
            write(output, result);
            return result;
        }

        private void loop(Path output) {
            int total = settings.ks().size() * settings.draws() * settings.modes().size();
            int done = 0;
            for (int k : settings.ks()) {
                for (int draw = 0; draw < settings.draws(); draw++) {
                    long trialSeed = mix(mix(settings.seed(), k), draw);
                    int[] examples = sampler.sample(k, mix(trialSeed, SAMPLE));
                    Map<String, Object> drawRecord = new LinkedHashMap<>();
                    drawRecord.put("k", k);
                    drawRecord.put("draw", draw);
                    drawRecord.put("examples", examples);
                    draws.add(drawRecord);
                    try (NDManager drawManager = base.newSubManager()) {
                        EvalSet drawn = new EvalSet(Split.TRAIN, examples);
                        for (AdaptMode mode : settings.modes()) {
                            progress.trialStarted(++done, total, k, draw, settings.draws(), mode.key(), settings.steps());
                            if (mode == AdaptMode.FROZEN && drawn.cached == null) {
                                trunkExamples = 0;
                                long started = System.nanoTime();
                                cacheFeatures(drawn, drawManager);
                                drawCost = new double[] {trunkExamples, (System.nanoTime() - started) / 1e9};
                            }
                            Map<String, Object> entry = trial(mode, k, draw, trialSeed, drawn);
                            entries.add(entry);
                            progress.trialEnded(line(entry));
                        }
                    }
                    write(output, result("running"));
                }
            }
        }

        private void prepare() {
            try (NDManager temporary = base.newSubManager()) {
                sampler = FewShotSampler.read(dataset, Split.TRAIN, task.name(), task.outputs(), temporary);
            }
            int[] counts = sampler.classCounts();
            int smallest = Arrays.stream(counts).min().orElse(0);
            int largestK = settings.ks().stream().mapToInt(Integer::intValue).max().orElseThrow();
            if (largestK > smallest) {
                int c = 0;
                while (counts[c] != smallest) {
                    c++;
                }
                throw new ConfigException("adapt.k: " + largestK + " examples per class is more than the training split"
                        + " holds: class " + c + " of task '" + task.name() + "' has " + smallest + " labelled training"
                        + " examples (classes hold " + smallest + " to " + Arrays.stream(counts).max().orElse(0)
                        + "); use k of at most " + smallest);
            }
            int[] validation = dataset.size(Split.VALIDATION) > 0 ? dataset.labelled(Split.VALIDATION, task.name()) : new int[0];
            int[] testExamples = dataset.size(Split.TEST) > 0 ? dataset.labelled(Split.TEST, task.name()) : new int[0];
            if (testExamples.length == 0) {
                throw new ConfigException("adapt.task: the test split has no example labelled for '" + task.name()
                        + "'; its test metrics cannot be measured");
            }
            curve = validation.length > 0
                    ? new EvalSet(Split.VALIDATION, subset(validation, settings.evalExamples()))
                    : new EvalSet(Split.TEST, subset(testExamples, settings.evalExamples()));
            test = new EvalSet(Split.TEST, testExamples);

            NDManager savedManager = base.newSubManager();
            engine.setRandomSeed(FrozenProbe.engineSeed(config.seed()));
            saved = build(savedManager);
            load(saved);
            savedStore = new ParameterStore(savedManager, false);
            probe = new FrozenProbe(saved, savedStore, dataset, task, config.evalBatchSize());
            if (saved.sharedParameters().isEmpty()) {
                throw new ConfigException("adapt.from: the run's architecture '" + config.pluginName(PluginKind.ARCHITECTURE)
                        + "' shares no trunk between its tasks (its representation is the input itself), so there is"
                        + " no trained trunk to adapt; adapt a run of an architecture with a shared trunk (for a"
                        + " single-task trunk: architecture=hard-sharing with tasks=<one task>)");
            }
            try (NDManager temporary = base.newSubManager()) {
                MultiTaskBatch one = dataset.batch(temporary, test.split, new int[] {test.examples[0]}, List.of(task.name()));
                boolean gradMode = EngineOps.isGradMode();
                EngineOps.setGradMode(false);
                try {
                    width = represent(saved, savedStore, one.input(), false).getShape().get(1);
                } finally {
                    EngineOps.setGradMode(gradMode);
                }
            }
            if (settings.modes().contains(AdaptMode.FROZEN)) {
                trunkExamples = 0;
                long started = System.nanoTime();
                cacheFeatures(curve, savedManager);
                cacheFeatures(test, savedManager);
                sharedForwardExamples = trunkExamples;
                sharedSeconds = (System.nanoTime() - started) / 1e9;
            }
        }

        /** A fixed seeded subset of at most {@code limit} examples (all for 0), ascending. */
        private int[] subset(int[] examples, int limit) {
            if (limit == 0 || limit >= examples.length) {
                return examples;
            }
            int[] copy = examples.clone();
            SplittableRandom random = new SplittableRandom(mix(settings.seed(), CURVE_SUBSET));
            for (int i = 0; i < limit; i++) {
                int j = i + random.nextInt(copy.length - i);
                int swap = copy[i];
                copy[i] = copy[j];
                copy[j] = swap;
            }
            int[] chosen = Arrays.copyOf(copy, limit);
            Arrays.sort(chosen);
            return chosen;
        }

        private MultiTaskNetwork build(NDManager manager) {
            Architecture architecture = create(PluginKind.ARCHITECTURE, Architecture.class);
            return architecture.build(new NetworkContext(trained, dataset.exampleShape(), manager, config.seed()));
        }

        private void load(MultiTaskNetwork network) {
            try {
                SavedModel.load(run.model(), network);
            } catch (IOException e) {
                throw new ConfigException("adapt.from: " + run.model() + " cannot be read: " + e.getMessage(), e);
            } catch (IllegalStateException e) {
                throw new ConfigException("adapt.from: " + run.model() + " does not fit the network the run's"
                        + " configuration builds: " + e.getMessage(), e);
            }
        }

        private <T> T create(PluginKind kind, Class<T> type) {
            Object plugin = mtl.registry().require(kind, config.pluginName(kind)).factory().create(config.pluginConfig(kind));
            return type.cast(plugin);
        }

        /** The trunk's representation ({@link FrozenProbe#represent}), its examples counted. */
        private NDArray represent(MultiTaskNetwork network, ParameterStore store, NDArray input, boolean training) {
            trunkExamples += input.getShape().get(0);
            return FrozenProbe.represent(network, store, input, training);
        }

        /** The saved trunk's features and the labels of a set, kept in {@code owner}. */
        private void cacheFeatures(EvalSet set, NDManager owner) {
            set.cached = probe.features(set.split, set.examples, owner);
            trunkExamples += set.examples.length;
        }

        private Map<String, Object> trial(AdaptMode mode, int k, int draw, long trialSeed, EvalSet drawn) {
            long started = System.nanoTime();
            trunkExamples = 0;
            try (NDManager trialManager = base.newSubManager()) {
                MultiTaskNetwork network;
                if (mode == AdaptMode.FROZEN) {
                    network = saved;
                } else {
                    engine.setRandomSeed(FrozenProbe.engineSeed(mix(trialSeed, TRUNK)));
                    network = build(trialManager);
                    if (mode.loadsTrunk()) {
                        load(network);
                    }
                }
                engine.setRandomSeed(FrozenProbe.engineSeed(mix(trialSeed, HEAD)));
                Block head = ProbeHead.build(settings.probe(), settings.probeHidden(), width, task.outputs(), trialManager);
                ParameterStore store = mode == AdaptMode.FROZEN ? savedStore : new ParameterStore(trialManager, false);
                Optimizer optimizer = create(PluginKind.OPTIMIZER, Optimizer.class);
                ParameterUpdater updater;
                try {
                    updater = optimizer.create(new OptimizerContext(settings.steps(), 1));
                } catch (PluginConfigException e) {
                    throw new ConfigException(e.getMessage(), e);
                }
                Trained parameters = new Trained(mode, network, head, updater.normalizesStepSize());
                observer.started(mode, k, draw, network);

                int n = drawn.examples.length;
                List<Map<String, Object>> points = new ArrayList<>();
                points.add(point(0, measure(mode, network, store, head, curve, trialManager)));
                FrozenProbe.StepListener listener = (step, loss) -> {
                    if (!Double.isFinite(loss)) {
                        throw new IllegalStateException("the loss of the adaptation became " + loss + " at step " + step
                                + " (k=" + k + ", draw " + draw + ", " + mode.key() + "); lower the learning rate");
                    }
                    progress.stepEnded(step, loss);
                    if (step % settings.evalEvery() == 0 || step == settings.steps()) {
                        points.add(point(step, measure(mode, network, store, head, curve, trialManager)));
                    }
                };
                // the batch order, and dropout and other engine randomness in the forward pass, from
                // one seed: the same in every mode
                long orderSeed = mix(trialSeed, ORDER);
                if (mode == AdaptMode.FROZEN) {
                    probe.train(engine, head, updater, drawn.cached, settings.steps(), settings.batchSize(), orderSeed,
                            trialManager, listener);
                } else {
                    StepLoop.run(engine, n, settings.batchSize(), settings.steps(), orderSeed,
                            positions -> step(network, store, head, parameters, updater, drawn, positions, trialManager),
                            listener);
                }
                Map<String, Double> metrics = evaluate(mode, network, store, head, test, trialManager);
                observer.ended(mode, k, draw, network);

                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("k", k);
                entry.put("mode", mode.key());
                entry.put("draw", draw);
                entry.put("examples", n);
                entry.put("test", metrics);
                entry.put("steps_to_target", stepsToTarget(points));
                entry.put("curve", points);
                long trunk = trunkExamples + (mode == AdaptMode.FROZEN ? (long) drawCost[0] : 0);
                double seconds = (System.nanoTime() - started) / 1e9 + (mode == AdaptMode.FROZEN ? drawCost[1] : 0);
                entry.put("trunk_forward_examples", trunk);
                entry.put("seconds", Math.round(seconds * 1000) / 1000.0);
                if (mode == AdaptMode.FROZEN) {
                    drawCost = new double[] {0, 0};
                }
                return entry;
            }
        }

        private Map<String, Object> point(int step, double value) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("step", step);
            p.put("value", value);
            return p;
        }

        private Integer stepsToTarget(List<Map<String, Object>> points) {
            Metric primary = task.primaryMetric();
            for (Map<String, Object> p : points) {
                double v = (Double) p.get("value");
                if (primary.higherIsBetter() ? v >= settings.target() : v <= settings.target()) {
                    return (Integer) p.get("step");
                }
            }
            return null;
        }

        /** One optimizer step of a trunk mode on a batch of the draw's examples; returns the batch's loss. */
        private double step(MultiTaskNetwork network, ParameterStore store, Block head, Trained parameters,
                ParameterUpdater updater, EvalSet drawn, int[] batchPositions, NDManager trialManager) {
            double loss;
            try (NDManager stepManager = trialManager.newSubManager()) {
                try (GradientCollector collector = engine.newGradientCollector()) {
                    int[] examples = new int[batchPositions.length];
                    for (int i = 0; i < examples.length; i++) {
                        examples[i] = drawn.examples[batchPositions[i]];
                    }
                    MultiTaskBatch batch = dataset.batch(stepManager, Split.TRAIN, examples, List.of(task.name()));
                    NDArray features = represent(network, store, batch.input(), true);
                    TaskTarget target = batch.target(task.name());
                    NDArray prediction = head.forward(store, new NDList(features), true).singletonOrThrow();
                    NDArray objective = task.loss().compute(prediction, target.labels(), target.mask());
                    loss = objective.getFloat();
                    Optional<NDArray> penalty = network.penalty(store);
                    if (penalty.isPresent()) {
                        objective = objective.add(penalty.get());
                    }
                    collector.backward(objective);
                }
                for (Pair<String, Parameter> p : parameters.updated) {
                    NDArray array = p.getValue().getArray();
                    try (NDArray gradient = array.getGradient()) {
                        updater.update(p.getKey(), array, gradient, parameters.scales.getOrDefault(p.getKey(), 1.0));
                    }
                }
                network.afterUpdate(updater.learningRate());
                for (Parameter p : network.selfUpdatedParameters()) {
                    EngineOps.zeroGradient(p.getArray());
                }
            }
            updater.endStep();
            return loss;
        }

        private double measure(AdaptMode mode, MultiTaskNetwork network, ParameterStore store, Block head, EvalSet set,
                NDManager manager) {
            return evaluate(mode, network, store, head, set, manager).get(task.primaryMetric().name());
        }

        /** The task's metrics on a set: from cached features (frozen) or through the trunk. */
        private Map<String, Double> evaluate(AdaptMode mode, MultiTaskNetwork network, ParameterStore store, Block head,
                EvalSet set, NDManager manager) {
            if (mode == AdaptMode.FROZEN) {
                return probe.evaluate(head, set.cached, false, manager).metrics();
            }
            List<Metric> metrics = task.metrics();
            double[][] sums = new double[metrics.size()][2];
            boolean gradMode = EngineOps.isGradMode();
            EngineOps.setGradMode(false);
            try {
                int size = config.evalBatchSize();
                for (int start = 0; start < set.examples.length; start += size) {
                    int end = Math.min(set.examples.length, start + size);
                    try (NDManager temporary = manager.newSubManager()) {
                        MultiTaskBatch batch = dataset.batch(temporary, set.split,
                                Arrays.copyOfRange(set.examples, start, end), List.of(task.name()));
                        NDArray features = represent(network, store, batch.input(), false);
                        TaskTarget target = batch.target(task.name());
                        NDArray prediction = head.forward(store, new NDList(features), false).singletonOrThrow();
                        for (int m = 0; m < metrics.size(); m++) {
                            double[] sc = metrics.get(m).accumulate(prediction, target.labels(), target.mask());
                            sums[m][0] += sc[0];
                            sums[m][1] += sc[1];
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
            return values;
        }

        private String line(Map<String, Object> entry) {
            String metric = task.primaryMetric().name();
            @SuppressWarnings("unchecked")
            double value = ((Map<String, Double>) entry.get("test")).get(metric);
            Object steps = entry.get("steps_to_target");
            return String.format(java.util.Locale.ROOT, "k=%d draw %d/%d %-9s test %s %.4f  steps to %s %s: %s  (%.1fs)",
                    entry.get("k"), (Integer) entry.get("draw") + 1, settings.draws(), entry.get("mode"), metric, value,
                    metric, AdaptSummary.number(settings.target()), steps == null ? "not reached" : steps,
                    (Double) entry.get("seconds"));
        }

        private Map<String, Object> result(String status) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("status", status);
            result.put("command", command);
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("run", run.directory().toString());
            if (!run.trial().isEmpty()) {
                source.put("trial", run.trial());
            }
            source.put("dataset", config.pluginName(PluginKind.DATASET));
            source.put("architecture", config.pluginName(PluginKind.ARCHITECTURE));
            source.put("weighting", config.pluginName(PluginKind.WEIGHTING));
            source.put("trained_tasks", taskNames(trained));
            source.put("seed", config.seed());
            source.put("build", run.build());
            result.put("source", source);
            result.put("task", task.name());
            result.put("classes", task.outputs());
            result.put("class_counts", sampler.classCounts());
            Map<String, Object> metric = new LinkedHashMap<>();
            metric.put("name", task.primaryMetric().name());
            metric.put("higher_is_better", task.primaryMetric().higherIsBetter());
            metric.put("target", settings.target());
            result.put("metric", metric);
            Map<String, Object> evaluation = new LinkedHashMap<>();
            evaluation.put("curve_split", curve.split.label());
            evaluation.put("curve_examples", curve.examples.length);
            evaluation.put("test_examples", test.examples.length);
            evaluation.put("every", settings.evalEvery());
            result.put("evaluation", evaluation);
            Map<String, Object> adapt = new LinkedHashMap<>(settings.resolved());
            adapt.put(RunKeys.OPTIMIZER, config.pluginName(PluginKind.OPTIMIZER));
            String prefix = PluginKind.OPTIMIZER.configName() + "." + config.pluginName(PluginKind.OPTIMIZER) + ".";
            config.resolved().forEach((key, value) -> {
                if (key.startsWith(prefix)) {
                    adapt.put(key, value);
                }
            });
            result.put("settings", adapt);
            result.put("representation_width", width);
            result.put("summary", AdaptSummary.aggregate(entries));
            Map<String, Object> cost = new LinkedHashMap<>(AdaptSummary.cost(entries, settings.modes()));
            if (settings.modes().contains(AdaptMode.FROZEN)) {
                Map<String, Object> once = new LinkedHashMap<>();
                once.put("trunk_forward_examples", sharedForwardExamples);
                once.put("seconds", Math.round(sharedSeconds * 1000) / 1000.0);
                cost.put("frozen_features_once", once);
            }
            result.put("cost", cost);
            result.put("entries", entries);
            result.put("draws", draws);
            Map<String, Object> provenance = Provenance.collect(engine);
            provenance.put("device", base.getDevice().toString());
            provenance.put("threads", EngineOps.threads());
            Map<String, Object> data = dataset.provenance();
            if (!data.isEmpty()) {
                provenance.put("data", data);
            }
            result.put("provenance", provenance);
            return result;
        }

        private void write(Path output, Map<String, Object> result) {
            try {
                ResultFiles.writeJson(output.resolve("adapt.json"), result);
                if ("completed".equals(result.get("status"))) {
                    DurableFiles.writeString(output.resolve("adapt.md"), AdaptSummary.markdown(result));
                }
            } catch (IOException e) {
                throw new OutputWriteException("the adaptation results (adapt.json, adapt.md)", output, e,
                        "adapt.json holds the trials finished before, if any");
            }
        }
    }

    /** The parameters a trial's optimizer steps, by id, and their learning-rate factors. */
    private static final class Trained {
        final List<Pair<String, Parameter>> updated = new ArrayList<>();
        final Map<String, Double> scales = new LinkedHashMap<>();

        Trained(AdaptMode mode, MultiTaskNetwork network, Block head, boolean stepSizeNormalized) {
            if (mode.trainsTrunk()) {
                Set<Parameter> self = Collections.newSetFromMap(new IdentityHashMap<>());
                self.addAll(network.selfUpdatedParameters());
                Map<String, Parameter> all = new LinkedHashMap<>();
                for (Pair<String, Parameter> p : network.block().getParameters()) {
                    all.put(p.getKey(), p.getValue());
                }
                for (Parameter p : network.extraParameters()) {
                    if (!all.containsValue(p)) {
                        all.put("extra_" + p.getName(), p);
                    }
                }
                all.forEach((name, p) -> {
                    if (p.requiresGradient() && !self.contains(p)) {
                        updated.add(new Pair<>("network_" + name, p));
                        double scale = network.learningRateScale(p, stepSizeNormalized);
                        if (scale != 1.0) {
                            scales.put("network_" + name, scale);
                        }
                    }
                });
            }
            for (Pair<String, Parameter> p : head.getParameters()) {
                updated.add(new Pair<>("head_" + p.getKey(), p.getValue()));
            }
        }

        @Override
        public String toString() {
            return updated.stream().map(Pair::getKey).collect(Collectors.joining(", "));
        }
    }
}
