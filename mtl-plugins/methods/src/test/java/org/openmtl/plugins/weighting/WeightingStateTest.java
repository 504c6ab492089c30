package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.task.TaskType;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.api.weighting.WeightingContext;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ArrayTaskLosses;
import org.openmtl.testkit.ContractTensors;
import org.openmtl.testkit.MatrixTaskGradients;

/**
 * A run interrupted after an epoch and resumed from a checkpoint continues exactly as the
 * uninterrupted run: for every weighting of the package, a scripted run of {@value #STEPS} steps is
 * played once without a break, and once stopped after {@value #SPLIT} steps, its {@code state()}
 * passed through what a checkpoint does to it, a fresh instance initialized and restored (and its
 * parameters copied, as the trainer does), and continued. Every later step's objective, loss
 * gradients, combination weights, {@code lastWeights()} and {@code state()} must be bit for bit
 * those of the uninterrupted run. For the weightings with state, the same continuation without the
 * restore must differ (so the script exercises the state); for those without, it must not.
 */
class WeightingStateTest {

    private static final List<String> TASKS = List.of("a", "b", "c", "d");
    private static final Map<String, TaskType> TYPES =
            Map.of(
                    "a", TaskType.REGRESSION,
                    "b", TaskType.CLASSIFICATION,
                    "c", TaskType.REGRESSION,
                    "d", TaskType.CLASSIFICATION);
    private static final int STEPS_PER_EPOCH = 3;
    private static final int SPLIT = 9;
    private static final int STEPS = 18;
    private static final int DIMENSION = 5;
    private static final double PARAMETER_LEARNING_RATE = 0.1;

    /** A weighting under test: how to create it, and whether it keeps state between steps. */
    record Setup(
            String label, PluginFactory<Weighting> factory, boolean stateful, String... settings) {
        @Override
        public String toString() {
            return label;
        }
    }

    static Stream<Setup> setups() {
        return Stream.of(
                new Setup("dwa", new DynamicWeightAverageFactory(), true),
                new Setup("famo adam", new FamoWeightingFactory(), true),
                new Setup("famo sgd", new FamoWeightingFactory(), true, "update=sgd", "lr=0.5"),
                new Setup("famo next-batch", new FamoWeightingFactory(), true, "delta=next-batch"),
                new Setup("gradnorm first-step", new GradNormWeightingFactory(), true, "initial.loss=first-step"),
                new Setup(
                        "gradnorm every 4",
                        new GradNormWeightingFactory(),
                        true,
                        "gradients=parameters",
                        "update.every=4"),
                new Setup("uncertainty simple", new UncertaintyWeightingFactory(), true),
                new Setup("uncertainty auto", new UncertaintyWeightingFactory(), true, "form=auto"),
                new Setup(
                        "nash-mtl every 4", new NashMtlWeightingFactory(), true, "update.every=4"),
                new Setup("imtl", new ImtlWeightingFactory(), true),
                new Setup(
                        "aligned-mtl every 4",
                        new AlignedMtlWeightingFactory(),
                        true,
                        "update.every=4"),
                new Setup("upgrad", new UpgradWeightingFactory(), true),
                new Setup("pcgrad", new PcGradWeightingFactory(), true),
                new Setup("cagrad every 4", new CaGradWeightingFactory(), true, "update.every=4"),
                new Setup("gradvac", new GradVacWeightingFactory(), true, "beta=0.3"),
                new Setup("graddrop", new GradDropWeightingFactory(), false, "leak=0.2"),
                // the initial phase spans the checkpoint: whether it has ended is state
                new Setup(
                        "pareto-mtl init 4",
                        new ParetoMtlWeightingFactory(),
                        true,
                        "init.epochs=4",
                        "preference=4,1,2,1"),
                new Setup("pareto-mtl every 4", new ParetoMtlWeightingFactory(), true, "update.every=4"),
                new Setup("epo", new EpoWeightingFactory(), true, "preference=1,2,0,3"),
                new Setup("epo every 4", new EpoWeightingFactory(), true, "update.every=4"),
                new Setup("equal", new EqualWeightingFactory(), false),
                new Setup("static", new StaticWeightingFactory(), false, "weights=1,2,3,4"),
                new Setup("rlw", new RandomLossWeightingFactory(), false),
                new Setup("cosmos", new CosmosWeightingFactory(), false, "alpha=0.5,1,2,4", "lambda=3"),
                new Setup("minmax smooth", new MinMaxWeightingFactory(), false, "mode=smooth"));
    }

    static Stream<Setup> statefulSetups() {
        return setups().filter(Setup::stateful);
    }

    /**
     * The tasks each step trains. Epochs 1–3 leave d out, and b is left out of every third step
     * and of all of epoch 3: the checkpoint after epoch 3 has tasks with no loss in the last epoch
     * and step and a task never trained. From epoch 4 on, steps train (a, d, c), then (d, b), then
     * all four: the first step after the checkpoint shares tasks with the one before it and leaves
     * b out, so each saved array is used.
     */
    private static List<String> stepTasks(int step) {
        int epoch = step / STEPS_PER_EPOCH + 1;
        if (epoch <= 2) {
            return step % 3 == 2 ? List.of("c", "a") : List.of("a", "b", "c");
        }
        if (epoch == 3) {
            return List.of("c", "a");
        }
        return switch (step % 3) {
            case 0 -> List.of("a", "d", "c");
            case 1 -> List.of("d", "b");
            default -> TASKS;
        };
    }

    /** Positive losses that fall over the run, one per step task. */
    private static double[] stepLosses(int step, List<String> tasks) {
        Random random = new Random(1000 + step);
        double[] losses = new double[tasks.size()];
        for (int i = 0; i < losses.length; i++) {
            double scale = 1 + TASKS.indexOf(tasks.get(i));
            losses[i] = (float) (scale * (0.2 + random.nextDouble()) * Math.exp(-0.05 * step));
        }
        return losses;
    }

    /** Gradient rows of unequal norms, one per step task. */
    private static float[][] stepGradients(int step, int k) {
        Random random = new Random(2000 + step);
        float[][] rows = new float[k][DIMENSION];
        for (int i = 0; i < k; i++) {
            double scale = Math.exp(random.nextGaussian());
            for (int j = 0; j < DIMENSION; j++) {
                rows[i][j] = (float) (scale * random.nextGaussian());
            }
        }
        return rows;
    }

    /** A run of the script: the weighting and the epoch's loss sums, as the trainer keeps them. */
    private static final class ScriptedRun {
        private final Weighting weighting;
        private final double[] lossSums = new double[TASKS.size()];
        private final int[] lossCounts = new int[TASKS.size()];

        ScriptedRun(Weighting weighting) {
            this.weighting = weighting;
        }

        /**
         * Plays one step (and the epoch's end after its last step), as the trainer would.
         *
         * @return what the step gave, on the heap, in a fixed order
         */
        List<double[]> step(NDManager manager, int step) {
            List<String> tasks = stepTasks(step);
            double[] losses = stepLosses(step, tasks);
            List<double[]> outcome = new ArrayList<>();
            if (weighting instanceof LossWeighting loss) {
                ObjectiveProbe.Result result =
                        ObjectiveProbe.step(loss, manager, step, tasks, losses);
                outcome.add(new double[] {result.objective()});
                outcome.add(result.lossGradients());
                // the network's optimizer moves the learned parameters (plain SGD here)
                List<Parameter> parameters = weighting.parameters();
                for (int p = 0; p < parameters.size(); p++) {
                    double[] values = ObjectiveProbe.values(parameters.get(p));
                    double[] gradient = result.parameterGradients().get(p);
                    for (int i = 0; i < values.length; i++) {
                        values[i] -= PARAMETER_LEARNING_RATE * gradient[i];
                    }
                    ObjectiveProbe.set(parameters.get(p), values);
                    outcome.add(values);
                }
            } else {
                outcome.add(combine((GradientWeighting) weighting, manager, step, tasks, losses));
            }
            if (weighting.needsLossesAfterUpdate()) {
                // the same batch after the update: each task's loss a little lower, by its own factor
                double[] after = new double[losses.length];
                for (int i = 0; i < after.length; i++) {
                    after[i] = (float) (losses[i] * (0.97 - 0.02 * TASKS.indexOf(tasks.get(i))));
                }
                weighting.afterUpdate(WeightingTesting.losses(manager, tasks, after), new StepContext(1, step, manager));
            }
            outcome.add(weighting.lastWeights());
            for (int i = 0; i < tasks.size(); i++) {
                int t = TASKS.indexOf(tasks.get(i));
                lossSums[t] += losses[i];
                lossCounts[t]++;
            }
            if ((step + 1) % STEPS_PER_EPOCH == 0) {
                double[] means = new double[TASKS.size()];
                for (int t = 0; t < means.length; t++) {
                    means[t] = lossCounts[t] == 0 ? Double.NaN : lossSums[t] / lossCounts[t];
                }
                weighting.onEpochEnd((step + 1) / STEPS_PER_EPOCH, means);
                Arrays.fill(lossSums, 0);
                Arrays.fill(lossCounts, 0);
                outcome.add(weighting.lastWeights());
            }
            return outcome;
        }

        /** A combine, or, between updates, the last weights reused as the trainer does. */
        private double[] combine(
                GradientWeighting gradients,
                NDManager manager,
                int step,
                List<String> tasks,
                double[] losses) {
            int every = gradients.updateEvery();
            double[] last = gradients.lastWeights();
            if (every > 1 && step % every != 0 && last.length == TASKS.size()) {
                double[] reused = new double[tasks.size()];
                for (int i = 0; i < reused.length; i++) {
                    reused[i] = last[TASKS.indexOf(tasks.get(i))];
                }
                return reused;
            }
            try (NDManager stepManager = manager.newSubManager();
                    GradientCollector collector = ContractTensors.newGradientCollector()) {
                collector.zeroGradients();
                NDArray matrix = stepManager.create(stepGradients(step, tasks.size()));
                Combination combination =
                        gradients.combine(
                                new MatrixTaskGradients(
                                        gradients.requirement(),
                                        matrix,
                                        WeightingTesting.losses(stepManager, tasks, losses)),
                                new StepContext(step / STEPS_PER_EPOCH + 1, step, stepManager));
                if (combination.parameterObjective().isPresent()) {
                    // the network's optimizer moves the weighting's parameters (plain SGD here)
                    collector.backward(combination.parameterObjective().get());
                    for (Parameter parameter : gradients.parameters()) {
                        double[] values = ObjectiveProbe.values(parameter);
                        double[] gradient;
                        try (NDArray g = parameter.getArray().getGradient()) {
                            gradient = ObjectiveProbe.toDoubles(g.toFloatArray());
                        }
                        for (int i = 0; i < values.length; i++) {
                            values[i] -= PARAMETER_LEARNING_RATE * gradient[i];
                        }
                        ObjectiveProbe.set(parameter, values);
                    }
                }
                if (combination.hasWeights()) {
                    return combination.taskWeights();
                }
                return ObjectiveProbe.toDoubles(combination.direction().toFloatArray());
            }
        }
    }

    private static Weighting initialized(Setup setup, NDManager manager) {
        Weighting weighting = TestPlugins.create(setup.factory(), setup.settings());
        Map<String, Integer> sizes = new LinkedHashMap<>();
        TASKS.forEach(t -> sizes.put(t, 100));
        weighting.initialize(
                new WeightingContext(TASKS, sizes, manager, STEPS_PER_EPOCH, TYPES));
        return weighting;
    }

    /**
     * What a checkpoint does to a state: the trainer writes it as JSON (a double as its shortest
     * decimal, a non-finite number as null) and reads null back as NaN.
     */
    static Map<String, double[]> throughCheckpoint(Map<String, double[]> state) {
        Map<String, double[]> read = new LinkedHashMap<>();
        state.forEach(
                (key, values) -> {
                    double[] copy = new double[values.length];
                    for (int i = 0; i < values.length; i++) {
                        copy[i] =
                                Double.isFinite(values[i])
                                        ? Double.parseDouble(Double.toString(values[i]))
                                        : Double.NaN;
                    }
                    read.put(key, copy);
                });
        return read;
    }

    /** A fresh instance with the parameters of another, as the trainer restores them. */
    private static Weighting freshWithParametersOf(
            Setup setup, NDManager manager, Weighting interrupted) {
        Weighting fresh = initialized(setup, manager);
        List<Parameter> from = interrupted.parameters();
        List<Parameter> to = fresh.parameters();
        assertEquals(from.size(), to.size());
        for (int p = 0; p < from.size(); p++) {
            ObjectiveProbe.set(to.get(p), ObjectiveProbe.values(from.get(p)));
        }
        return fresh;
    }

    private static void assertSameState(
            Map<String, double[]> expected, Map<String, double[]> actual, String where) {
        assertEquals(expected.keySet(), actual.keySet(), where + ": state keys");
        expected.forEach(
                (key, values) -> assertArrayEquals(values, actual.get(key), where + ": " + key));
    }

    private static boolean sameOutcome(List<double[]> a, List<double[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setups")
    void aRestoredInstanceContinuesBitForBitAsTheUninterruptedOne(Setup setup) {
        try (NDManager manager = ContractTensors.newManager()) {
            ScriptedRun whole = new ScriptedRun(initialized(setup, manager));
            ScriptedRun interrupted = new ScriptedRun(initialized(setup, manager));
            for (int step = 0; step < SPLIT; step++) {
                whole.step(manager, step);
                interrupted.step(manager, step);
            }
            Map<String, double[]> saved = throughCheckpoint(interrupted.weighting.state());
            assertSameState(whole.weighting.state(), saved, setup + " at the checkpoint");
            assertEquals(setup.stateful(), !saved.isEmpty(), setup + ": has state");

            Weighting fresh = freshWithParametersOf(setup, manager, interrupted.weighting);
            fresh.restore(saved);
            assertSameState(whole.weighting.state(), fresh.state(), setup + " after restore");
            ScriptedRun resumed = new ScriptedRun(fresh);
            ScriptedRun unrestored =
                    new ScriptedRun(freshWithParametersOf(setup, manager, interrupted.weighting));
            boolean unrestoredDiffers = false;
            for (int step = SPLIT; step < STEPS; step++) {
                List<double[]> expected = whole.step(manager, step);
                List<double[]> actual = resumed.step(manager, step);
                assertEquals(expected.size(), actual.size(), setup + " step " + step);
                for (int i = 0; i < expected.size(); i++) {
                    assertArrayEquals(
                            expected.get(i),
                            actual.get(i),
                            setup + " step " + step + ", outcome " + i);
                }
                assertSameState(
                        whole.weighting.state(),
                        resumed.weighting.state(),
                        setup + " step " + step);
                unrestoredDiffers |= !sameOutcome(expected, unrestored.step(manager, step));
            }
            assertEquals(
                    setup.stateful(),
                    unrestoredDiffers,
                    setup.stateful()
                            ? setup + ": without the restore the run should have differed"
                            : setup + " keeps no state, yet a fresh instance differed");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statefulSetups")
    void aStateOfAnotherTaskCountIsRefusedNamingTheKeyAndNothingIsRestored(Setup setup) {
        try (NDManager manager = ContractTensors.newManager()) {
            ScriptedRun run = new ScriptedRun(initialized(setup, manager));
            for (int step = 0; step < SPLIT; step++) {
                run.step(manager, step);
            }
            Map<String, double[]> saved = run.weighting.state();
            Weighting fresh = initialized(setup, manager);
            Map<String, double[]> initial = fresh.state();
            for (String key : saved.keySet()) {
                if (saved.get(key).length != TASKS.size()) {
                    continue;
                }
                Map<String, double[]> shorter = new LinkedHashMap<>(saved);
                shorter.put(key, Arrays.copyOf(saved.get(key), TASKS.size() - 1));
                IllegalArgumentException e =
                        assertThrows(IllegalArgumentException.class, () -> fresh.restore(shorter));
                assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
                assertTrue(e.getMessage().contains("expected 4"), e.getMessage());
                String name = setup.factory().descriptor().name();
                assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
                assertSameState(initial, fresh.state(), setup + " after a refused restore");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statefulSetups")
    void anUnknownOrMissingKeyIsRefused(Setup setup) {
        try (NDManager manager = ContractTensors.newManager()) {
            Weighting run = initialized(setup, manager);
            Map<String, double[]> saved = run.state();
            Weighting fresh = initialized(setup, manager);

            Map<String, double[]> extra = new LinkedHashMap<>(saved);
            extra.put("momentum", new double[] {1, 2, 3, 4});
            IllegalArgumentException unknown =
                    assertThrows(IllegalArgumentException.class, () -> fresh.restore(extra));
            assertTrue(unknown.getMessage().contains("[momentum]"), unknown.getMessage());

            // the first key of every state is a required one
            String first = saved.keySet().iterator().next();
            Map<String, double[]> missing = new LinkedHashMap<>(saved);
            missing.remove(first);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> fresh.restore(missing));
            assertTrue(e.getMessage().contains("missing key [" + first + "]"), e.getMessage());

            assertThrows(IllegalArgumentException.class, () -> fresh.restore(Map.of()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statefulSetups")
    void restoreBeforeInitializeIsAnError(Setup setup) {
        Weighting weighting = TestPlugins.create(setup.factory(), setup.settings());
        assertTrue(weighting.state().isEmpty());
        assertThrows(IllegalStateException.class, () -> weighting.restore(Map.of()));
    }

    @Test
    void aNonFiniteWeightIsRefused() {
        try (NDManager manager = ContractTensors.newManager()) {
            Setup setup = new Setup("dwa", new DynamicWeightAverageFactory(), true);
            Weighting weighting = initialized(setup, manager);
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    weighting.restore(
                                            Map.of("weights", new double[] {1, Double.NaN, 1, 1})));
            assertTrue(e.getMessage().contains("task 'b'"), e.getMessage());
        }
    }

    @Test
    void dynamicWeightAverageSavesThePreviousEpochOnlyOnceThereIsOne() {
        try (NDManager manager = ContractTensors.newManager()) {
            Setup setup = new Setup("dwa", new DynamicWeightAverageFactory(), true);
            Weighting weighting = initialized(setup, manager);
            assertEquals(List.of("weights"), List.copyOf(weighting.state().keySet()));
            weighting.onEpochEnd(1, new double[] {1, Double.NaN, 2, 3});
            Map<String, double[]> state = weighting.state();
            assertArrayEquals(new double[] {1, Double.NaN, 2, 3}, state.get("previous_losses"));
            assertArrayEquals(new double[] {1}, state.get("previous_epoch"));

            Weighting fresh = initialized(setup, manager);
            Map<String, double[]> half = new LinkedHashMap<>(state);
            half.remove("previous_epoch");
            assertThrows(IllegalArgumentException.class, () -> fresh.restore(half));
            Map<String, double[]> epochZero = new LinkedHashMap<>(state);
            epochZero.put("previous_epoch", new double[] {0});
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> fresh.restore(epochZero));
            assertTrue(e.getMessage().contains("'previous_epoch'"), e.getMessage());

            // restored, epoch 2 forms the ratios with epoch 1's losses: r = (0.5, 1, 1, 2/3)
            fresh.restore(state);
            fresh.onEpochEnd(2, new double[] {0.5, 4, 2, 2});
            double[] r = {0.5, 1, 1, 2.0 / 3};
            double total = 0;
            for (double x : r) {
                total += Math.exp(x / 2);
            }
            double[] expected = new double[4];
            for (int i = 0; i < 4; i++) {
                expected[i] = 4 * Math.exp(r[i] / 2) / total;
            }
            assertArrayEquals(expected, fresh.lastWeights(), 1e-12);
        }
    }

    @Test
    void famoKeepsAdamsMomentsOnlyWithAdamAndRefusesAFractionalStepCount() {
        try (NDManager manager = ContractTensors.newManager()) {
            Setup adam = new Setup("famo adam", new FamoWeightingFactory(), true);
            Setup sgd = new Setup("famo sgd", new FamoWeightingFactory(), true, "update=sgd");
            Weighting withAdam = initialized(adam, manager);
            assertEquals(
                    List.of("logits", "adam_m", "adam_v", "adam_steps"),
                    List.copyOf(withAdam.state().keySet()));
            Weighting plain = initialized(sgd, manager);
            assertEquals(List.of("logits"), List.copyOf(plain.state().keySet()));
            // a state of the other update rule is another configuration
            assertThrows(IllegalArgumentException.class, () -> plain.restore(withAdam.state()));
            assertThrows(IllegalArgumentException.class, () -> withAdam.restore(plain.state()));

            Map<String, double[]> fractional = new LinkedHashMap<>(withAdam.state());
            fractional.put("adam_steps", new double[] {1.5});
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class, () -> withAdam.restore(fractional));
            assertTrue(e.getMessage().contains("'adam_steps'"), e.getMessage());
            Map<String, double[]> negative = new LinkedHashMap<>(withAdam.state());
            negative.put("adam_v", new double[] {0, -1, 0, 0});
            assertThrows(IllegalArgumentException.class, () -> withAdam.restore(negative));
        }
    }

    @Test
    void famoSavesWhichTaskHadWhichLossInTheLastStep() {
        try (NDManager manager = ContractTensors.newManager()) {
            Setup setup = new Setup("famo sgd", new FamoWeightingFactory(), true, "update=sgd", "delta=next-batch");
            LossWeighting weighting = (LossWeighting) initialized(setup, manager);
            assertFalse(weighting.state().containsKey("previous_losses"));
            WeightingTesting.objective(weighting, manager, List.of("c", "a"), 0.75, 0.5);
            assertArrayEquals(
                    new double[] {0.5, Double.NaN, 0.75, Double.NaN},
                    weighting.state().get("previous_losses"));
        }
    }

    @Test
    void gradNormSavesAnUnseenTasksInitialLossAsNaN() {
        try (NDManager manager = ContractTensors.newManager()) {
            Setup setup = new Setup("gradnorm", new GradNormWeightingFactory(), true, "initial.loss=first-step");
            GradientWeighting weighting = (GradientWeighting) initialized(setup, manager);
            try (NDManager step = manager.newSubManager()) {
                weighting.combine(
                        new MatrixTaskGradients(
                                weighting.requirement(),
                                step.create(new float[][] {{1, 0}, {0, 2}}),
                                WeightingTesting.losses(step, List.of("b", "d"), 2.0, 3.0)),
                        new StepContext(1, 0, step));
            }
            Map<String, double[]> state = weighting.state();
            assertEquals(List.of("last_weights", "initial_losses"), List.copyOf(state.keySet()));
            assertArrayEquals(
                    new double[] {Double.NaN, 2, Double.NaN, 3}, state.get("initial_losses"));
            assertArrayEquals(new double[] {1, 1, 1, 1}, state.get("last_weights"));
        }
    }
}
