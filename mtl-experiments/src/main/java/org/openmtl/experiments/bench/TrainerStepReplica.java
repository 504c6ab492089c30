package org.openmtl.experiments.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.data.TaskTarget;
import org.openmtl.api.optim.OptimizerContext;
import org.openmtl.api.optim.ParameterUpdater;
import org.openmtl.api.selector.SelectorContext;
import org.openmtl.api.selector.StepPlan;
import org.openmtl.api.selector.TaskSelector;
import org.openmtl.api.task.Task;
import org.openmtl.api.tensor.GraphScalars;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskLosses;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.api.weighting.WeightingContext;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.train.EngineOps;

/**
 * A profiling copy of the trainer's step for a loss weighting, built from the run's own plugins
 * (dataset, architecture, weighting, selector, optimizer) and doing what {@code
 * MultiTaskTrainer}'s epoch loop and {@code GradientService} do for it, in the same order, with a
 * {@link PhaseClock} mark between the parts. The trainer itself has no such marks and is not to be
 * edited for a benchmark; comparing this copy's median with the trainer's shows whether the copy
 * is faithful, and its phases show where the trainer's step goes.
 *
 * <p>A diagnostic: a change to the trainer's step must be mirrored here by hand.
 */
final class TrainerStepReplica {

    /** The phases of the trainer's step. */
    static final List<String> PHASES = List.of(
            "batch", "forward", "loss", "backward", "metrics", "update", "close", "bookkeeping");

    private static final int BATCH = 0;
    private static final int FORWARD = 1;
    private static final int LOSS = 2;
    private static final int BACKWARD = 3;
    private static final int METRICS = 4;
    private static final int UPDATE = 5;
    private static final int CLOSE = 6;
    private static final int BOOKKEEPING = 7;

    private final MtlRuntime runtime;
    private final RunConfig config;

    /**
     * Creates the copy for a configuration.
     *
     * @param runtime the runtime whose plugins are used
     * @param config a configuration with a loss weighting
     */
    TrainerStepReplica(MtlRuntime runtime, RunConfig config) {
        this.runtime = runtime;
        this.config = config;
    }

    /**
     * Runs the first {@code stepCount} steps of the first epoch.
     *
     * @param stepCount the steps to run
     * @param phases where the phase times go
     * @param faults counts page faults after each step
     * @return each step's wall time in milliseconds
     * @throws IllegalArgumentException if the weighting is not a loss weighting
     */
    @SuppressWarnings("try") // the collector is open for its side effect: recording the graph
    double[] run(int stepCount, PhaseClock phases, PageFaults faults) {
        var plugins = runtime.plugins(config);
        if (!(plugins.weighting() instanceof LossWeighting lossWeighting)) {
            throw new IllegalArgumentException("the replica covers loss weightings only, not "
                    + plugins.weighting().getClass().getName());
        }
        Engine engine = EngineOps.engine();
        if (config.threads() > 0) {
            EngineOps.setThreads(config.threads());
        }
        MultiTaskDataset dataset = plugins.dataset();
        List<Task> tasks = dataset.tasks();
        List<String> taskNames = tasks.stream().map(Task::name).toList();
        Map<String, Task> byName = tasks.stream().collect(Collectors.toMap(Task::name, t -> t, (a, b) -> a,
                LinkedHashMap::new));
        double[] times = new double[stepCount];
        try (NDManager base = NDManager.newBaseManager(Device.cpu(), engine.getEngineName())) {
            NDManager parameterManager = base.newSubManager();
            long seed = config.seed();
            engine.setRandomSeed((int) (seed ^ (seed >>> 32)));
            MultiTaskNetwork network = plugins.architecture().build(
                    new NetworkContext(tasks, dataset.exampleShape(), parameterManager, seed));
            ParameterStore store = new ParameterStore(parameterManager, false);
            Map<String, Integer> sizes = new LinkedHashMap<>();
            Map<String, int[]> labelled = new LinkedHashMap<>();
            for (String t : taskNames) {
                int[] examples = dataset.labelled(Split.TRAIN, t);
                labelled.put(t, examples);
                sizes.put(t, examples.length);
            }
            TaskSelector selector = plugins.selector();
            selector.initialize(new SelectorContext(taskNames, dataset.size(Split.TRAIN), labelled, config.batchSize()));
            List<StepPlan> plans = selector.planEpoch(1);
            if (plans.size() < stepCount) {
                throw new IllegalStateException("the epoch has " + plans.size() + " steps; " + stepCount + " asked for");
            }
            Weighting weighting = plugins.weighting();
            weighting.initialize(new WeightingContext(taskNames, sizes, parameterManager, plans.size()));
            ParameterUpdater updater = plugins.optimizer().create(new OptimizerContext(plans.size(), config.epochs()));
            List<Pair<String, Parameter>> trainable = new ArrayList<>();
            for (Pair<String, Parameter> p : network.block().getParameters()) {
                if (p.getValue().requiresGradient()) {
                    trainable.add(p);
                }
            }
            updater.retain(trainable.stream().map(Pair::getKey).collect(Collectors.toSet()));
            boolean running = config.trainMetrics().equals("running");
            double[][] metricSums = new double[taskNames.size()][2];

            for (int step = 0; step < stepCount; step++) {
                StepPlan plan = plans.get(step);
                long start = System.nanoTime();
                phases.startStep();
                double[] losses;
                try (NDManager stepManager = base.newSubManager()) {
                    MultiTaskBatch batch = dataset.batch(stepManager, Split.TRAIN, plan.examples(), plan.tasks());
                    phases.mark(BATCH);
                    StepContext context = new StepContext(1, step, stepManager);
                    Map<String, NDArray> predictions = new LinkedHashMap<>();
                    try (GradientCollector collector = engine.newGradientCollector()) {
                        NDArray one = stepManager.ones(new Shape());
                        NDList representation = network.encode(store, batch.input(), true);
                        for (String name : batch.tasks()) {
                            predictions.put(name, network.decode(store, representation, name, true));
                        }
                        phases.mark(FORWARD);
                        List<NDArray> perTask = new ArrayList<>();
                        for (String name : batch.tasks()) {
                            TaskTarget target = batch.target(name);
                            perTask.add(byName.get(name).loss().compute(predictions.get(name), target.labels(),
                                    target.mask()));
                        }
                        StepTaskLosses stepLosses = new StepTaskLosses(batch.tasks(), perTask);
                        losses = stepLosses.values();
                        NDArray objective = lossWeighting.objective(stepLosses, context);
                        phases.mark(LOSS);
                        EngineOps.backward(objective, one, false);
                        phases.mark(BACKWARD);
                    }
                    if (running) {
                        for (String name : plan.tasks()) {
                            TaskTarget target = batch.target(name);
                            double[] sc = byName.get(name).primaryMetric().accumulate(predictions.get(name),
                                    target.labels(), target.mask());
                            int t = taskNames.indexOf(name);
                            metricSums[t][0] += sc[0];
                            metricSums[t][1] += sc[1];
                        }
                    }
                    phases.mark(METRICS);
                    for (Pair<String, Parameter> p : trainable) {
                        NDArray array = p.getValue().getArray();
                        try (NDArray gradient = array.getGradient()) {
                            updater.update(p.getKey(), array, gradient);
                        }
                    }
                    phases.mark(UPDATE);
                }
                phases.mark(CLOSE);
                updater.endStep();
                selector.observe(plan, losses);
                weighting.lastWeights();
                phases.mark(BOOKKEEPING);
                phases.endStep();
                times[step] = (System.nanoTime() - start) / 1e6;
                faults.stepEnded();
            }
        }
        return times;
    }

    /** The step's task losses, as the trainer's own holder forms them. */
    private static final class StepTaskLosses implements TaskLosses {
        private final List<String> tasks;
        private final List<NDArray> losses;

        StepTaskLosses(List<String> tasks, List<NDArray> losses) {
            this.tasks = List.copyOf(tasks);
            this.losses = List.copyOf(losses);
        }

        @Override
        public List<String> tasks() {
            return tasks;
        }

        @Override
        public NDArray get(int index) {
            return losses.get(index);
        }

        @Override
        public double[] values() {
            double[] values = new double[losses.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = losses.get(i).getFloat();
            }
            return values;
        }

        @Override
        public NDArray weightedSum(double[] weights) {
            NDArray sum = null;
            for (int i = 0; i < weights.length; i++) {
                NDArray loss = losses.get(i);
                // an engine-made scalar, as the trainer's StepLosses does (mul(Number) frees its scalar
                // before the backward pass reads it)
                NDArray term = weights[i] == 1.0 ? loss : GraphScalars.times(loss, weights[i], loss.getManager());
                sum = sum == null ? term : sum.add(term);
            }
            return sum;
        }
    }
}
