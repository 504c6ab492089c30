package org.openmtl.core.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.architecture.PhaseContext;
import org.openmtl.api.architecture.PreferenceConditionedNetwork;
import org.openmtl.api.architecture.TrainingPhase;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.optim.Optimizer;
import org.openmtl.api.optim.OptimizerContext;
import org.openmtl.api.optim.ParameterUpdater;
import org.openmtl.api.selector.SelectorContext;
import org.openmtl.api.selector.StepPlan;
import org.openmtl.api.selector.TaskSelector;
import org.openmtl.api.task.Task;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.api.weighting.WeightingContext;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.io.DurableFiles;
import org.openmtl.core.result.FrameworkBuild;
import org.openmtl.core.result.OutputWriteException;
import org.openmtl.core.result.Provenance;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.result.StepsToTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one multi-task model: the run's plugins, one epoch after another, with evaluation on
 * validation and test each epoch, model selection on validation, a checkpoint per epoch, and
 * {@code result.json} at the end. Knows no plugin by name: it follows what each declares.
 */
public final class MultiTaskTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(MultiTaskTrainer.class);

    /** The plugins of one run, created fresh for it. */
    public record Plugins(
            MultiTaskDataset dataset,
            Architecture architecture,
            Weighting weighting,
            TaskSelector selector,
            Optimizer optimizer) {}

    private final RunConfig config;
    private final Plugins plugins;
    private final Progress progress;
    private final Map<String, Object> extraProvenance;
    private final CheckpointDirectory.FaultHook checkpointFaults;

    /**
     * Creates a trainer.
     *
     * @param config the validated run configuration
     * @param plugins the run's plugin instances
     * @param progress the progress display
     * @param extraProvenance facts to add to the result's provenance (plugin origins, data)
     */
    public MultiTaskTrainer(RunConfig config, Plugins plugins, Progress progress, Map<String, Object> extraProvenance) {
        this(config, plugins, progress, extraProvenance, CheckpointDirectory.FaultHook.NONE);
    }

    /**
     * Creates a trainer whose checkpoint writing reports each step to a hook: the seam through
     * which tests stop the writer at each step, as a kill would.
     */
    MultiTaskTrainer(RunConfig config, Plugins plugins, Progress progress, Map<String, Object> extraProvenance,
            CheckpointDirectory.FaultHook checkpointFaults) {
        this.config = Objects.requireNonNull(config);
        this.plugins = Objects.requireNonNull(plugins);
        this.progress = Objects.requireNonNull(progress);
        this.extraProvenance = new LinkedHashMap<>(extraProvenance);
        this.checkpointFaults = Objects.requireNonNull(checkpointFaults);
    }

    /**
     * Whether a run's output directory holds a complete checkpoint that {@code resume=true}
     * continues from.
     *
     * @param outputDirectory the run's {@code output.dir}
     * @return true if it does
     */
    public static boolean hasCheckpoint(Path outputDirectory) {
        return latestCheckpoint(outputDirectory).isPresent();
    }

    /**
     * The directory of the newest complete checkpoint in a run's output directory, the one
     * {@code resume=true} continues from; its {@code state.json} holds the run's state (epoch,
     * history, the configuration's identity). Partial checkpoints of a killed writer never count.
     *
     * @param outputDirectory the run's {@code output.dir}
     * @return the checkpoint's directory; empty if there is none
     */
    public static Optional<Path> latestCheckpoint(Path outputDirectory) {
        return new CheckpointDirectory(outputDirectory, CheckpointDirectory.FaultHook.NONE).latest()
                .map(CheckpointDirectory.Generation::directory);
    }

    /**
     * Trains, evaluates and writes the results.
     *
     * @return the result, as written to {@code <output.dir>/result.json}
     * @throws ConfigException if a plugin rejects the configuration for these tasks, or a
     *     checkpoint to resume from belongs to another configuration
     */
    public Map<String, Object> train() {
        Engine engine = EngineOps.engine();
        if (config.threads() > 0) {
            EngineOps.setThreads(config.threads());
        }
        Device device = EngineOps.resolveDevice(config.device(), engine);
        try (NDManager base = NDManager.newBaseManager(device, engine.getEngineName())) {
            return new Run(engine, base).execute();
        }
    }

    /**
     * Loads a saved model (a run's {@code model.params}) into a freshly built network and
     * evaluates it on validation and test.
     *
     * @param modelFile the saved parameters
     * @return split label → task → metric → value
     * @throws IOException if the file cannot be read
     * @throws IllegalStateException if the file holds another model's parameters
     */
    public Map<String, Map<String, Map<String, Double>>> evaluateSaved(Path modelFile) throws IOException {
        Engine engine = EngineOps.engine();
        if (config.threads() > 0) {
            EngineOps.setThreads(config.threads());
        }
        Device device = EngineOps.resolveDevice(config.device(), engine);
        ParameterSnapshot saved = readSnapshot(modelFile);
        try (NDManager base = NDManager.newBaseManager(device, engine.getEngineName())) {
            MultiTaskDataset dataset = plugins.dataset();
            MultiTaskNetwork network = plugins.architecture().build(
                    new NetworkContext(dataset.tasks(), dataset.exampleShape(), base, config.seed()));
            saved.restoreSubset(SavedModel.arrays(network));
            ParameterStore store = new ParameterStore(base, false);
            Evaluator evaluator = new Evaluator(dataset, config.evalBatchSize());
            Map<String, Map<String, Map<String, Double>>> result = new LinkedHashMap<>();
            for (Split split : new Split[] {Split.VALIDATION, Split.TEST}) {
                if (dataset.size(split) > 0) {
                    result.put(split.label(), evaluator.evaluate(network, store, base, split));
                }
            }
            return result;
        }
    }

    /** The state of one training run. */
    private final class Run {
        private final Engine engine;
        private final NDManager base;
        private final NDManager parameterManager;
        private final MultiTaskDataset dataset;
        private final List<Task> tasks;
        private final List<String> taskNames;
        private final Map<String, Task> tasksByName = new LinkedHashMap<>();
        private final List<Map<String, Object>> history = new ArrayList<>();
        private MultiTaskNetwork network;
        /** The network, where it reads a preference over the tasks; null otherwise. */
        private PreferenceConditionedNetwork conditioned;
        private ParameterStore parameterStore;
        private ParameterUpdater updater;
        private GradientService gradients;
        private Map<String, Parameter> allParameters;
        private List<Pair<String, Parameter>> trainable;
        /** The learning-rate factor of each trained parameter that has one other than 1, by id. */
        private Map<String, Double> learningRateScales = Map.of();
        private ModelSelection selection;
        private List<Parameter> frozen;
        /** Parameters the network steps itself in afterUpdate (proximal gradient steps). */
        private List<Parameter> selfUpdated = List.of();
        private TrainingPhase phase;
        private long globalStep;
        private int completedEpochs;
        private int bestEpoch;
        private double bestScore = Double.NEGATIVE_INFINITY;
        private ParameterSnapshot best;
        private AffinityDiagnostics affinity;
        private LabelledTasks labelledTasks;
        /** The build of a checkpoint this run continued, where it is not this build; null otherwise. */
        private String otherCheckpointBuild;
        private final Path output = config.outputDirectory();
        private final CheckpointDirectory checkpoints = new CheckpointDirectory(output, checkpointFaults);

        Run(Engine engine, NDManager base) {
            this.engine = engine;
            this.base = base;
            this.parameterManager = base.newSubManager();
            this.dataset = plugins.dataset();
            this.tasks = dataset.tasks();
            this.taskNames = tasks.stream().map(Task::name).toList();
            tasks.forEach(t -> tasksByName.put(t.name(), t));
        }

        Map<String, Object> execute() {
            long seed = config.seed();
            engine.setRandomSeed((int) (seed ^ (seed >>> 32)));
            network = plugins.architecture().build(
                    new NetworkContext(tasks, dataset.exampleShape(), parameterManager, seed));
            parameterStore = new ParameterStore(parameterManager, false);
            Map<String, Integer> trainSizes = new LinkedHashMap<>();
            Map<String, int[]> labelled = new LinkedHashMap<>();
            for (String t : taskNames) {
                int[] examples = dataset.labelled(Split.TRAIN, t);
                labelled.put(t, examples);
                trainSizes.put(t, examples.length);
            }
            labelledTasks = new LabelledTasks(labelled, dataset.size(Split.TRAIN));
            TaskSelector selector = plugins.selector();
            selector.initialize(new SelectorContext(taskNames, dataset.size(Split.TRAIN), labelled, config.batchSize()));
            int stepsPerEpoch = selector.planEpoch(1).size();
            Weighting weighting = plugins.weighting();
            Map<String, org.openmtl.api.task.TaskType> types = new LinkedHashMap<>();
            tasks.forEach(t -> types.put(t.name(), t.type()));
            weighting.initialize(new WeightingContext(taskNames, trainSizes, parameterManager, stepsPerEpoch, types));
            gradients = new GradientService(network, weighting, tasksByName);
            if (network instanceof PreferenceConditionedNetwork c) {
                if (!weighting.drawsPreferences()) {
                    throw new ConfigException("the architecture's network reads a preference over the tasks, but the"
                            + " weighting draws none per training step; use a weighting that draws preferences"
                            + " (e.g. weighting=cosmos)");
                }
                conditioned = c;
                conditioned.condition(conditioned.selectionPreference());
            } else if (weighting.drawsPreferences()) {
                throw new ConfigException("the weighting draws a preference for every training step, but the"
                        + " architecture's network does not read one; use an architecture that does (e.g."
                        + " architecture=cosmos)");
            }
            updater = plugins.optimizer().create(new OptimizerContext(stepsPerEpoch, config.epochs()));
            List<TrainingPhase> phases = network.phases(config.epochs());
            int phaseEpochs = phases.stream().mapToInt(TrainingPhase::epochs).sum();
            if (phaseEpochs != config.epochs()) {
                throw new IllegalStateException("the architecture's phases cover " + phaseEpochs
                        + " epochs, the run has " + config.epochs());
            }
            refreshParameters();
            if (config.affinityDiagnostics()) {
                affinity = new AffinityDiagnostics(dataset, tasks, config.batchSize(), config.evalBatchSize(),
                        config.affinityEvery(), config.affinityPerLearningRate());
            }
            selection = new ModelSelection(phases, tasks, network.separateTaskSelection());

            prepareOutput();
            Map<String, Object> result;
            long started = System.nanoTime();
            try {
                for (int epoch = completedEpochs + 1; epoch <= config.epochs(); epoch++) {
                    TrainingPhase p = phaseOf(phases, epoch);
                    if (p != phase) {
                        phase = p;
                        boolean changed;
                        try (NDManager temporary = base.newSubManager()) {
                            changed = network.onPhaseStart(p, phaseContext(epoch - 1, temporary));
                        }
                        if (changed) {
                            LOG.info("phase {}: the network changed its parameters", p.name());
                        }
                        refreshParameters();
                    }
                    runEpoch(epoch, PhaseBatches.restrict(selector.planEpoch(epoch), p, config.batchSize()), selector,
                            weighting);
                }
                result = result("completed", null, started);
            } catch (TrainingDivergedException e) {
                LOG.error("run failed: {}", e.getMessage());
                result = result("failed", e.getMessage(), started);
            }
            writeResult(result);
            return result;
        }

        private void runEpoch(int epoch, List<StepPlan> plans, TaskSelector selector, Weighting weighting) {
            progress.epochStarted(epoch, config.epochs(), plans.size(), phase.name());
            double[] lossSums = new double[taskNames.size()];
            int[] lossCounts = new int[taskNames.size()];
            double[] weightSums = new double[taskNames.size()];
            boolean running = config.trainMetrics().equals("running");
            double[][] metricSums = new double[taskNames.size()][2];
            int weightCount = 0;
            long epochStart = System.nanoTime();
            int step = 0;
            for (StepPlan planned : plans) {
                step++;
                // a task with no labelled example in this batch sits the step out (no 0 loss, no zero gradient)
                StepPlan plan = labelledTasks.restrict(planned);
                double[] losses;
                if (conditioned != null) {
                    conditioned.condition(weighting.preferenceForStep(globalStep));
                }
                if (affinity != null && affinity.measures(step)) {
                    affinity.lookahead(engine, network, parameterStore, base, tasks, plan.examples(), plan.tasks(),
                            updater, trainable, parameterManager);
                }
                try (NDManager stepManager = base.newSubManager()) {
                    MultiTaskBatch batch = dataset.batch(stepManager, Split.TRAIN, plan.examples(), plan.tasks());
                    StepContext context = new StepContext(epoch, globalStep, stepManager);
                    try (GradientCollector collector = engine.newGradientCollector()) {
                        losses = gradients.step(parameterStore, batch, context);
                    }
                    if (running) {
                        for (String name : plan.tasks()) {
                            Task task = tasksByName.get(name);
                            org.openmtl.api.data.TaskTarget target = batch.target(name);
                            double[] sc = task.primaryMetric().accumulate(gradients.prediction(name), target.labels(), target.mask());
                            int t = taskNames.indexOf(name);
                            metricSums[t][0] += sc[0];
                            metricSums[t][1] += sc[1];
                        }
                    }
                    for (int i = 0; i < losses.length; i++) {
                        if (!Double.isFinite(losses[i])) {
                            throw new TrainingDivergedException(String.format(Locale.ROOT,
                                    "the loss of task '%s' became %s at epoch %d, step %d (global step %d);"
                                            + " lower the learning rate or check the data",
                                    plan.tasks().get(i), losses[i], epoch, step, globalStep));
                        }
                    }
                    if (config.gradClipNorm() > 0) {
                        GradientService.clipGradientNorm(
                                trainable.stream().map(p -> p.getValue().getArray()).toList(), config.gradClipNorm());
                    }
                    boolean weightingStepped = weighting.parametersHaveGradients();
                    for (Pair<String, Parameter> p : trainable) {
                        NDArray array = p.getValue().getArray();
                        if (!weightingStepped && p.getKey().startsWith("weighting_")) {
                            EngineOps.zeroGradient(array);
                            continue;
                        }
                        try (NDArray gradient = array.getGradient()) {
                            updater.update(p.getKey(), array, gradient,
                                    learningRateScales.getOrDefault(p.getKey(), 1.0));
                        }
                    }
                    for (Parameter p : frozen) {
                        EngineOps.zeroGradient(p.getArray());
                    }
                    network.afterUpdate(updater.learningRate());
                    if (weighting.needsLossesAfterUpdate()) {
                        weighting.afterUpdate(gradients.lossesWithoutGradient(parameterStore, batch), context);
                    }
                    for (Parameter p : selfUpdated) {
                        EngineOps.zeroGradient(p.getArray());
                    }
                }
                updater.endStep();
                selector.observe(plan, losses);
                double mean = 0;
                for (int i = 0; i < losses.length; i++) {
                    int t = taskNames.indexOf(plan.tasks().get(i));
                    lossSums[t] += losses[i];
                    lossCounts[t]++;
                    mean += losses[i] / losses.length;
                }
                double[] w = weighting.lastWeights();
                if (w.length == taskNames.size()) {
                    for (int t = 0; t < w.length; t++) {
                        weightSums[t] += w[t];
                    }
                    weightCount++;
                }
                progress.stepEnded(step, mean);
                globalStep++;
            }
            double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
            double[] meanLosses = new double[taskNames.size()];
            for (int t = 0; t < meanLosses.length; t++) {
                meanLosses[t] = lossCounts[t] == 0 ? Double.NaN : lossSums[t] / lossCounts[t];
            }
            if (conditioned != null) {
                // evaluation, diagnostics and model selection read the selection preference
                conditioned.condition(conditioned.selectionPreference());
            }
            weighting.onEpochEnd(epoch, meanLosses);
            boolean changed;
            try (NDManager temporary = base.newSubManager()) {
                changed = network.onEpochEnd(phaseContext(epoch, temporary));
            }
            if (changed) {
                refreshParameters();
            }

            Evaluator evaluator = new Evaluator(dataset, config.evalBatchSize());
            Map<String, Map<String, Double>> validation = dataset.size(Split.VALIDATION) > 0
                    ? evaluator.evaluate(network, parameterStore, base, Split.VALIDATION) : Map.of();
            Map<String, Map<String, Double>> test = dataset.size(Split.TEST) > 0
                    ? evaluator.evaluate(network, parameterStore, base, Split.TEST) : Map.of();
            boolean byValidation = config.selection().equals("best-validation") && !validation.isEmpty();
            if (selection.eligible(epoch)) {
                if (selection.perTask() && byValidation) {
                    // each task's network at its own best epoch: its parameters replace the kept ones
                    List<Task> improved = selection.improvedTasks(history, validation);
                    for (Task task : improved) {
                        best = best == null ? ParameterSnapshot.of(arrays())
                                : best.with(taskArrays(task.name()));
                    }
                    if (!improved.isEmpty()) {
                        bestEpoch = epoch;
                        bestScore = Evaluator.score(tasks, validation);
                    }
                } else {
                    double score = byValidation ? Evaluator.score(tasks, validation) : epoch;
                    if (score > bestScore || !byValidation) {
                        bestScore = score;
                        bestEpoch = epoch;
                        best = ParameterSnapshot.of(arrays());
                    }
                }
            }

            Map<String, Object> record = new LinkedHashMap<>();
            record.put("epoch", epoch);
            record.put("phase", phase.name());
            record.put("lr", updater.learningRate());
            record.put("steps", plans.size());
            record.put("seconds", round(trainSeconds, 3));
            record.put("ms_per_step", round(plans.isEmpty() ? 0 : 1000 * trainSeconds / plans.size(), 3));
            Map<String, Object> train = new LinkedHashMap<>();
            Map<String, Map<String, Double>> full = config.trainMetrics().equals("full")
                    ? evaluator.evaluate(network, parameterStore, base, Split.TRAIN) : Map.of();
            for (int t = 0; t < taskNames.size(); t++) {
                Map<String, Double> values = new LinkedHashMap<>();
                if (lossCounts[t] > 0) {
                    values.put("loss", meanLosses[t]);
                }
                String primary = tasks.get(t).primaryMetric().name();
                if (running && metricSums[t][1] > 0 && !primary.equals("loss")) {
                    values.put(primary, metricSums[t][0] / metricSums[t][1]);
                }
                if (full.containsKey(taskNames.get(t))) {
                    full.get(taskNames.get(t)).forEach((k, v) -> values.put(k.equals("loss") ? "eval_loss" : k, v));
                }
                if (!values.isEmpty()) {
                    train.put(taskNames.get(t), values);
                }
            }
            record.put("train", train);
            record.put("validation", validation);
            record.put("test", test);
            if (weightCount > 0) {
                Map<String, Double> weights = new LinkedHashMap<>();
                for (int t = 0; t < taskNames.size(); t++) {
                    weights.put(taskNames.get(t), weightSums[t] / weightCount);
                }
                record.put("weights", weights);
            }
            if (config.gradientDiagnostics()) {
                Map<String, Object> diagnostics = new GradientDiagnostics(dataset, config.batchSize())
                        .measure(engine, network, parameterStore, base, tasks);
                if (!diagnostics.isEmpty()) {
                    record.put("gradients", diagnostics);
                }
            }
            if (affinity != null) {
                record.put("affinity", affinity.epochEnded(engine, network, parameterStore, base, tasks));
            }
            Map<String, Object> structure = network.structure();
            if (!structure.isEmpty()) {
                // a copy: a network may hand out its live lists (fully-adaptive's rounds), and this
                // record must keep the structure of this epoch, as the checkpoint written now does
                record.put("structure", snapshot(structure));
            }
            history.add(record);
            completedEpochs = epoch;
            progress.epochEnded(summary(epoch, meanLosses, validation, test, trainSeconds, plans.size()));
            if (config.checkpoint()) {
                writeCheckpoint();
            }
        }

        private String summary(int epoch, double[] meanLosses, Map<String, Map<String, Double>> validation,
                Map<String, Map<String, Double>> test, double seconds, int steps) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d", epoch, config.epochs()));
            for (int t = 0; t < taskNames.size(); t++) {
                String name = taskNames.get(t);
                Task task = tasks.get(t);
                sb.append(String.format(Locale.ROOT, "  %s: loss %.4f", name, meanLosses[t]));
                Map<String, Double> v = validation.isEmpty() ? test.get(name) : validation.get(name);
                if (v != null) {
                    sb.append(String.format(Locale.ROOT, " %s %s %.4f", validation.isEmpty() ? "test" : "val",
                            task.primaryMetric().name(), v.get(task.primaryMetric().name())));
                }
            }
            sb.append(String.format(Locale.ROOT, "  (%.1fs, %.1f ms/step)", seconds, steps == 0 ? 0 : 1000 * seconds / steps));
            return sb.toString();
        }

        private void refreshParameters() {
            allParameters = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : network.block().getParameters()) {
                allParameters.put(p.getKey(), p.getValue());
            }
            for (Parameter p : network.extraParameters()) {
                if (!allParameters.containsValue(p)) {
                    allParameters.put("extra_" + p.getName(), p);
                }
            }
            for (Parameter p : plugins.weighting().parameters()) {
                allParameters.put("weighting_" + p.getName(), p);
            }
            trainable = new ArrayList<>();
            frozen = new ArrayList<>();
            selfUpdated = List.copyOf(network.selfUpdatedParameters());
            java.util.Set<Parameter> self = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            self.addAll(selfUpdated);
            for (Map.Entry<String, Parameter> e : allParameters.entrySet()) {
                Parameter p = e.getValue();
                if (self.contains(p)) {
                    continue;
                }
                boolean weightingOwned = e.getKey().startsWith("weighting_");
                if (p.requiresGradient() && (weightingOwned || phase == null || phase.trainable().test(p))) {
                    trainable.add(new Pair<>(e.getKey(), p));
                } else if (p.requiresGradient()) {
                    frozen.add(p);
                }
            }
            updater.retain(trainable.stream().map(Pair::getKey).collect(java.util.stream.Collectors.toSet()));
            learningRateScales = new LinkedHashMap<>();
            for (Pair<String, Parameter> p : trainable) {
                double scale = p.getKey().startsWith("weighting_") ? 1.0 : network.learningRateScale(p.getValue(), updater.normalizesStepSize());
                if (scale != 1.0) {
                    learningRateScales.put(p.getKey(), scale);
                }
            }
        }

        /** The arrays of one task's own parameters, by id. */
        private Map<String, NDArray> taskArrays(String task) {
            java.util.Set<Parameter> own = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            own.addAll(network.taskParameters(task));
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            allParameters.forEach((name, p) -> {
                if (own.contains(p)) {
                    arrays.put(name, p.getArray());
                }
            });
            return arrays;
        }

        private Map<String, NDArray> arrays() {
            Map<String, NDArray> arrays = new LinkedHashMap<>();
            allParameters.forEach((name, p) -> arrays.put(name, p.getArray()));
            return arrays;
        }

        private TrainingPhase phaseOf(List<TrainingPhase> phases, int epoch) {
            int end = 0;
            for (TrainingPhase p : phases) {
                end += p.epochs();
                if (epoch <= end) {
                    return p;
                }
            }
            return phases.get(phases.size() - 1);
        }

        private PhaseContext phaseContext(int epoch, NDManager temporary) {
            return new PhaseContext() {
                @Override
                public MultiTaskDataset dataset() {
                    return dataset;
                }

                @Override
                public ParameterStore parameters() {
                    return parameterStore;
                }

                @Override
                public NDManager manager() {
                    return temporary;
                }

                @Override
                public NDManager parameterManager() {
                    return parameterManager;
                }

                @Override
                public int epoch() {
                    return epoch;
                }

                @Override
                public long seed() {
                    return config.seed() * 31 + epoch;
                }

                @Override
                public void restartTraining(java.util.Collection<Parameter> parameters) {
                    java.util.Set<Parameter> restarted = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
                    restarted.addAll(parameters);
                    java.util.Set<String> kept = new java.util.HashSet<>();
                    allParameters.forEach((name, p) -> {
                        if (!restarted.contains(p)) {
                            kept.add(name);
                        }
                    });
                    updater.retain(kept);
                }
            };
        }

        /**
         * The weighting's preference as {@code result.json} records it: task to weight, normalized
         * to sum 1. Empty when the weighting has none, or when it breaks {@link
         * Weighting#preference()}'s contract (wrong length, a negative or non-finite weight, all 0):
         * such a vector says nothing a reader could compare losses with.
         */
        private Map<String, Double> preference(double[] weights) {
            if (weights == null || weights.length != taskNames.size()) {
                return Map.of();
            }
            double sum = 0;
            for (double w : weights) {
                if (!(w >= 0) || Double.isInfinite(w)) {
                    return Map.of();
                }
                sum += w;
            }
            if (!(sum > 0)) {
                return Map.of();
            }
            Map<String, Double> out = new LinkedHashMap<>();
            for (int i = 0; i < weights.length; i++) {
                out.put(taskNames.get(i), weights[i] / sum);
            }
            return out;
        }

        /**
         * The peak resident memory of this JVM (heap, engine buffers and native libraries), from
         * the kernel's high-water mark; exact per trial where a trial has its JVM to itself, as
         * under a sweep's local executor. Empty where /proc is not available.
         */
        private static java.util.Optional<Long> peakResidentMegabytes() {
            try {
                for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmHWM:")) {
                        String[] parts = line.trim().split("\\s+");
                        return java.util.Optional.of(Long.parseLong(parts[1]) / 1024);
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                // not Linux: no figure
            }
            return java.util.Optional.empty();
        }

        private Map<String, Object> result(String status, String reason, long started) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("status", status);
            if (reason != null) {
                result.put("reason", reason);
            }
            Map<String, Object> selected = bestEpoch < 1 || history.size() < bestEpoch ? Map.of() : history.get(bestEpoch - 1);
            Map<String, Integer> perTask = config.selection().equals("best-validation")
                    ? selection.perTaskEpochs(history) : Map.of();
            if (perTask.isEmpty()) {
                result.put("tasks", selected.getOrDefault("test", Map.of()));
                result.put("validation", selected.getOrDefault("validation", Map.of()));
            } else {
                result.put("tasks", ModelSelection.perTaskMetrics(history, perTask, "test"));
                result.put("validation", ModelSelection.perTaskMetrics(history, perTask, "validation"));
            }
            Map<String, Object> primary = new LinkedHashMap<>();
            for (Task task : tasks) {
                primary.put(task.name(), Map.of("metric", task.primaryMetric().name(),
                        "higher_is_better", task.primaryMetric().higherIsBetter()));
            }
            result.put("primary_metrics", primary);
            Map<String, Object> directions = new LinkedHashMap<>();
            for (Task task : tasks) {
                Map<String, Boolean> byMetric = new LinkedHashMap<>();
                task.metrics().forEach(m -> byMetric.put(m.name(), m.higherIsBetter()));
                directions.put(task.name(), byMetric);
            }
            result.put("metric_directions", directions);
            Map<String, Double> preference = preference(plugins.weighting().preference());
            if (!preference.isEmpty()) {
                result.put("preference", preference);
            }
            if (conditioned != null && "completed".equals(status)) {
                // the selected model, evaluated at every preference of its front
                if (best != null) {
                    best.restore(arrays());
                }
                result.put("preference_front", PreferenceFront.evaluate(conditioned, parameterStore, base, dataset,
                        new Evaluator(dataset, config.evalBatchSize())));
            }
            result.put("selected_epoch", perTask.isEmpty() ? bestEpoch
                    : perTask.values().stream().mapToInt(Integer::intValue).max().orElse(0));
            result.put("selection", selection.describe(config.selection(), perTask));
            result.put("epochs_completed", completedEpochs);
            long parameters = 0;
            for (Pair<String, Parameter> p : network.block().getParameters()) {
                parameters += p.getValue().getArray().size();
            }
            result.put("parameters", parameters);
            double[] ms = history.stream().mapToDouble(h -> ((Number) h.get("ms_per_step")).doubleValue()).toArray();
            if (ms.length > 0) {
                Arrays.sort(ms);
                result.put("ms_per_step", ms[ms.length / 2]);
            }
            result.put("seconds", round((System.nanoTime() - started) / 1e9, 2));
            peakResidentMegabytes().ifPresent(mb -> result.put("peak_rss_mb", mb));
            if (!network.structure().isEmpty()) {
                result.put("structure", network.structure());
            }
            Map<String, Object> affinity = AffinityDiagnostics.averages(history);
            if (!affinity.isEmpty()) {
                result.put("affinity", affinity);
            }
            if (!config.metricTargets().isEmpty()) {
                Map<String, Object> curve = Map.of("history", history, "metric_directions", directions);
                result.put("steps_to_target", StepsToTarget.section(StepsToTarget.curve(history),
                        StepsToTarget.absolute(curve, config.metricTargets())));
            }
            result.put("config", new TreeMap<>(config.resolved()));
            Map<String, Object> provenance = Provenance.collect(engine);
            provenance.put("seed", config.seed());
            provenance.put("device", base.getDevice().toString());
            provenance.put("threads", EngineOps.threads());
            provenance.putAll(extraProvenance);
            if (otherCheckpointBuild != null) {
                provenance.put("checkpoint_build", otherCheckpointBuild);
            }
            Map<String, Object> data = dataset.provenance();
            if (!data.isEmpty()) {
                provenance.put("data", data);
            }
            result.put("provenance", provenance);
            result.put("history", history);
            return result;
        }

        private void writeResult(Map<String, Object> result) {
            try {
                if (best != null) {
                    writeSnapshot(output.resolve("model.params"), best);
                }
                ResultFiles.writeJson(output.resolve("result.json"), result);
            } catch (IOException e) {
                Optional<Path> intact = config.checkpoint() && completedEpochs > 0
                        && "completed".equals(result.get("status")) ? latestCheckpoint(output) : Optional.empty();
                throw new OutputWriteException("the results (model.params, result.json)", output, e,
                        intact.isPresent()
                                ? "result.json was not written; the checkpoint of epoch " + completedEpochs + " in "
                                        + intact.get() + " is intact: run again with resume=true to write"
                                        + " the results without training again"
                                : "result.json was not written");
            }
        }

        // ---- output directory and checkpoints ----

        private void prepareOutput() {
            try {
                Optional<CheckpointDirectory.Generation> latest = config.resume() ? checkpoints.latest() : Optional.empty();
                if (latest.isPresent()) {
                    checkpoints.removeDebris();
                    loadCheckpoint(latest.get().directory());
                    return;
                }
                if (config.resume()) {
                    LOG.info("resume=true but {} has no checkpoint: starting from the beginning", output);
                }
                if (Files.isDirectory(output) && !isEmpty(output)) {
                    Path kept = keptName(output);
                    Files.move(output, kept);
                    LOG.info("{} held an earlier run; it was moved to {}", output, kept);
                }
                Files.createDirectories(output);
            } catch (IOException e) {
                throw new OutputWriteException("the output directory", output, e, "");
            }
        }

        private boolean isEmpty(Path dir) throws IOException {
            try (var entries = Files.list(dir)) {
                return entries.findAny().isEmpty();
            }
        }

        private Path keptName(Path dir) throws IOException {
            String stamp = Files.getLastModifiedTime(dir).toInstant().toString().replace(":", "").replaceAll("\\..*", "");
            Path candidate = dir.resolveSibling(dir.getFileName() + "." + stamp);
            int i = 1;
            while (Files.exists(candidate)) {
                candidate = dir.resolveSibling(dir.getFileName() + "." + stamp + "-" + i++);
            }
            return candidate;
        }

        private void writeCheckpoint() {
            try {
                checkpoints.publish(completedEpochs, (dir, written) -> {
                    DurableFiles.writeNew(dir.resolve("parameters.bin"), out -> writeSnapshot(out, ParameterSnapshot.of(arrays())));
                    written.run();
                    if (best != null) {
                        DurableFiles.writeNew(dir.resolve("best.bin"), out -> writeSnapshot(out, best));
                    }
                    DurableFiles.writeNew(dir.resolve("optimizer.bin"), out -> {
                        DataOutputStream data = new DataOutputStream(out);
                        updater.save(data);
                        data.flush();
                    });
                    Map<String, Object> state = new LinkedHashMap<>();
                    state.put("epoch", completedEpochs);
                    state.put("global_step", globalStep);
                    state.put("best_epoch", bestEpoch);
                    state.put("best_score", bestScore);
                    state.put("identity", config.identity());
                    state.put("build", FrameworkBuild.current());
                    Map<String, double[]> weightingState = plugins.weighting().state();
                    state.put("weighting_state", weightingState == null ? Map.of() : weightingState);
                    Map<String, double[]> selectorState = plugins.selector().state();
                    state.put("selector_state", selectorState == null ? Map.of() : selectorState);
                    state.put("history", history);
                    ResultFiles.writeNewJson(dir.resolve(CheckpointDirectory.STATE), state);
                });
            } catch (IOException e) {
                // publish() removed the partial generation; the last complete one, if any, is untouched
                Optional<Path> intact = latestCheckpoint(output);
                throw new OutputWriteException("the checkpoint of epoch " + completedEpochs,
                        output.resolve(CheckpointDirectory.NAME), e,
                        intact.isPresent() ? "the checkpoint before it is intact in " + intact.get()
                                + ": run again with resume=true to continue from it"
                                : "no checkpoint was complete yet: run again to start from the beginning");
            }
        }

        /** Named arrays as {@code state()} writes them; JSON null (a NaN or infinity) reads as NaN. */
        private static Map<String, double[]> namedArrays(com.google.gson.JsonObject object) {
            Map<String, double[]> arrays = new LinkedHashMap<>();
            object.entrySet().forEach(e -> {
                com.google.gson.JsonArray a = e.getValue().getAsJsonArray();
                double[] values = new double[a.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = a.get(i).isJsonNull() ? Double.NaN : a.get(i).getAsDouble();
                }
                arrays.put(e.getKey(), values);
            });
            return arrays;
        }

        @SuppressWarnings("unchecked")
        private void loadCheckpoint(Path checkpoint) throws IOException {
            com.google.gson.JsonObject state = ResultFiles.readJson(checkpoint.resolve(CheckpointDirectory.STATE)).getAsJsonObject();
            Map<String, String> saved = new TreeMap<>();
            state.getAsJsonObject("identity").entrySet().forEach(e -> saved.put(e.getKey(), e.getValue().getAsString()));
            Map<String, String> now = config.identity();
            // a key the checkpoint does not know was added by a later version and has its default
            now.keySet().removeIf(k -> !saved.containsKey(k));
            if (!saved.equals(now)) {
                List<String> differences = new ArrayList<>();
                for (String k : new java.util.TreeSet<>(concat(saved.keySet(), now.keySet()))) {
                    if (!Objects.equals(saved.get(k), now.get(k))) {
                        differences.add(k + " (checkpoint: " + saved.get(k) + ", now: " + now.get(k) + ")");
                    }
                }
                throw new ConfigException("resume=true, but the checkpoint in " + checkpoint
                        + " belongs to another configuration: " + String.join(", ", differences)
                        + "; use the same configuration or another output.dir");
            }
            String written = state.has("build") && state.get("build").isJsonPrimitive() ? state.get("build").getAsString() : null;
            if (!FrameworkBuild.current().equals(written)) {
                // the user asked to resume; the result says that its first epochs ran on another build
                otherCheckpointBuild = written == null ? "unknown" : written;
                LOG.warn("the checkpoint in {} was written by build {}, this is build {}: the result mixes the two"
                        + " (its provenance records checkpoint_build)", checkpoint, FrameworkBuild.shortName(written),
                        FrameworkBuild.shortName(FrameworkBuild.current()));
            }
            completedEpochs = state.get("epoch").getAsInt();
            globalStep = state.get("global_step").getAsLong();
            bestEpoch = state.get("best_epoch").getAsInt();
            // absent or null before any epoch was eligible for selection (a phase before the last)
            bestScore = state.get("best_score") == null || state.get("best_score").isJsonNull()
                    ? Double.NEGATIVE_INFINITY : state.get("best_score").getAsDouble();
            com.google.gson.reflect.TypeToken<List<Map<String, Object>>> type = new com.google.gson.reflect.TypeToken<>() {};
            history.addAll((List<Map<String, Object>>) new com.google.gson.Gson().fromJson(state.get("history"), type.getType()));
            for (Map<String, Object> h : history) {
                h.put("epoch", ((Number) h.get("epoch")).intValue());
            }
            Object structure = history.isEmpty() ? null : history.get(history.size() - 1).get("structure");
            if (structure instanceof Map<?, ?> savedStructure) {
                boolean changed;
                try (NDManager temporary = base.newSubManager()) {
                    changed = network.restoreStructure((Map<String, Object>) savedStructure,
                            phaseContext(completedEpochs, temporary));
                }
                if (changed) {
                    refreshParameters();
                }
            }
            readSnapshot(checkpoint.resolve("parameters.bin")).restore(arrays());
            if (state.has("weighting_state")) {
                plugins.weighting().restore(namedArrays(state.getAsJsonObject("weighting_state")));
            }
            if (state.has("selector_state")) {
                plugins.selector().restore(namedArrays(state.getAsJsonObject("selector_state")));
            }
            if (Files.exists(checkpoint.resolve("best.bin"))) {
                best = readSnapshot(checkpoint.resolve("best.bin"));
            }
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(
                    Files.newInputStream(checkpoint.resolve("optimizer.bin"))))) {
                updater.load(in, parameterManager);
            }
            if (completedEpochs > 0) {
                phase = null;
            }
            LOG.info("resuming {} after epoch {} of {}", output, completedEpochs, config.epochs());
        }

        private List<String> concat(java.util.Set<String> a, java.util.Set<String> b) {
            List<String> all = new ArrayList<>(a);
            all.addAll(b);
            return all;
        }
    }

    static void writeSnapshot(Path file, ParameterSnapshot snapshot) throws IOException {
        DurableFiles.write(file, out -> writeSnapshot(out, snapshot));
    }

    private static void writeSnapshot(OutputStream out, ParameterSnapshot snapshot) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        snapshot.write(data);
        data.flush();
    }

    static ParameterSnapshot readSnapshot(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            return ParameterSnapshot.read(in);
        }
    }

    /**
     * A deep copy of a JSON-able value: maps and lists are copied, the rest (numbers, strings,
     * booleans, arrays of primitives, which a network builds anew) is kept.
     */
    static Object snapshot(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, snapshot(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(snapshot(v)));
            return copy;
        }
        if (value instanceof double[] a) {
            return a.clone();
        }
        if (value instanceof float[] a) {
            return a.clone();
        }
        if (value instanceof int[] a) {
            return a.clone();
        }
        return value;
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
