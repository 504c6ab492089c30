package org.openmtl.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskLosses;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.api.weighting.WeightingContext;

/**
 * The contract every weighting plugin passes, on real tensors. A {@link LossWeighting}'s objective
 * is a scalar with gradient history that depends on every task loss (its gradient with respect to
 * each is computed and finite), as do its learned parameters; a {@link GradientWeighting} turns a
 * random (K, D) gradient matrix into K finite weights or a finite (D) direction. Either kind
 * reports K weights (or, for a direction method, none) after a step, declares a requirement that
 * matches its interface, and gives identical results for identical seeds and inputs. Its results
 * (a loss weighting's gradients, a gradient weighting's weights or direction) are bit-identical
 * when garbage is collected between the forward and the backward pass ({@link MemorySafety}).
 *
 * <p>Usage, in the plugin's test sources:
 *
 * <pre>{@code
 * class MgdaContractTest extends WeightingContract {
 *     protected PluginFactory<Weighting> factory() { return new MgdaFactory(); }
 *     protected Map<String, String> config() { return Map.of("normalization", "loss"); }
 * }
 * }</pre>
 */
public abstract class WeightingContract extends PluginContract<Weighting> {

    private static final int STEPS = 3;

    @Override
    protected final PluginKind kind() {
        return PluginKind.WEIGHTING;
    }

    /**
     * The run's tasks.
     *
     * @return three task names by default
     */
    protected List<String> tasks() {
        return List.of("left", "right", "sum");
    }

    /**
     * The labelled training examples per task.
     *
     * @return unequal sizes by default
     */
    protected Map<String, Integer> trainSizes() {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        int size = 600;
        for (String task : tasks()) {
            sizes.put(task, size);
            size = Math.max(1, size / 2);
        }
        return sizes;
    }

    /**
     * The length D of each task's gradient row given to a gradient weighting.
     *
     * @return 16 by default
     */
    protected int gradientDimension() {
        return 16;
    }

    /**
     * A weighting created and initialized as a run would.
     *
     * @param manager the run's long-lived manager
     * @param seed the plugin's seed
     * @return the weighting
     */
    protected final Weighting initialized(NDManager manager, long seed) {
        Weighting weighting = newPlugin(seed);
        weighting.initialize(new WeightingContext(tasks(), trainSizes(), manager, 10));
        return weighting;
    }

    /**
     * A preference ({@link Weighting#preference()}, recorded in a run's result), where the
     * weighting has one, holds one finite non-negative weight per task, not all 0; none is an
     * empty array, never null.
     */
    @Test
    public void aPreferenceHasOneNonNegativeWeightPerTask() {
        try (NDManager manager = ContractTensors.newManager()) {
            double[] preference = initialized(manager, SEED).preference();
            assertNotNull(preference, "no preference is an empty array, not null");
            if (preference.length > 0) {
                assertEquals(tasks().size(), preference.length, "one weight per task");
                double sum = 0;
                for (double w : preference) {
                    assertTrue(w >= 0 && Double.isFinite(w), "a finite non-negative weight, got " + w);
                    sum += w;
                }
                assertTrue(sum > 0, "a preference with every weight 0");
            }
        }
    }

    /**
     * A weighting that draws a preference per training step ({@link Weighting#drawsPreferences()})
     * gives for every step one finite non-negative weight per task summing to 1, the same when
     * asked again and from a fresh instance of the same seed (a resumed run draws what an
     * uninterrupted one did); one that draws none returns an empty array.
     */
    @Test
    public void stepPreferencesAreReproduciblePointsOfTheSimplex() {
        try (NDManager manager = ContractTensors.newManager()) {
            Weighting weighting = initialized(manager, SEED);
            Weighting again = initialized(manager, SEED);
            for (long step : new long[] {0, 1, 2, 17, 1000}) {
                double[] p = weighting.preferenceForStep(step);
                assertNotNull(p, "no preference is an empty array, not null");
                if (!weighting.drawsPreferences()) {
                    assertEquals(0, p.length, "a weighting that draws no preferences returns none");
                    continue;
                }
                assertEquals(tasks().size(), p.length, "one weight per task");
                double sum = 0;
                for (double w : p) {
                    assertTrue(w >= 0 && Double.isFinite(w), "a finite non-negative weight, got " + w);
                    sum += w;
                }
                assertEquals(1.0, sum, 1e-9, "a step's preference sums to 1");
                assertArrayEquals(p, weighting.preferenceForStep(step), "drawn again for step " + step);
                assertArrayEquals(p, again.preferenceForStep(step), "a fresh instance of the same seed, step " + step);
            }
        }
    }

    /** The requirement matches the interface: LOSSES exactly for loss weightings. */
    @Test
    public void declaresARequirementMatchingItsInterface() {
        Weighting weighting = newPlugin(SEED);
        assertNotNull(weighting.requirement());
        if (weighting instanceof LossWeighting) {
            assertEquals(GradientRequirement.LOSSES, weighting.requirement());
        } else if (weighting instanceof GradientWeighting) {
            assertNotEquals(
                    GradientRequirement.LOSSES,
                    weighting.requirement(),
                    "a gradient weighting must ask for gradients or their Gramian");
        } else {
            fail(weighting.getClass() + " implements neither LossWeighting nor GradientWeighting");
        }
    }

    /**
     * The objective is a scalar with gradient history, and its gradient with respect to each task's
     * loss, and to each parameter the weighting learns, is computed and finite.
     */
    @Test
    public void lossObjectiveIsAScalarWithFiniteGradientForEveryLoss() {
        assumeTrue(newPlugin(SEED) instanceof LossWeighting, "not a loss weighting");
        try (NDManager manager = ContractTensors.newManager()) {
            LossWeighting weighting = (LossWeighting) initialized(manager, SEED);
            for (int step = 0; step < STEPS; step++) {
                try (NDManager stepManager = manager.newSubManager();
                        GradientCollector collector = ContractTensors.newGradientCollector()) {
                    List<NDArray> losses = leafLosses(stepManager, step);
                    NDArray objective =
                            weighting.objective(
                                    new ArrayTaskLosses(tasks(), losses),
                                    new StepContext(1, step, stepManager));
                    assertEquals(
                            1,
                            objective.size(),
                            "the objective must be a scalar, got " + objective.getShape());
                    assertEquals(
                            losses.get(0).getDataType(),
                            objective.getDataType(),
                            "the objective must keep the losses' data type");
                    // without gradient history this backward throws
                    collector.backward(objective);
                    for (int i = 0; i < losses.size(); i++) {
                        String task = tasks().get(i);
                        assertTrue(
                                ContractTensors.gradientReached(losses.get(i)),
                                "the objective does not depend on the loss of task '" + task + "'");
                        assertTrue(
                                ContractTensors.isFinite(losses.get(i).getGradient()),
                                "d objective / d loss of task '" + task + "' is not finite");
                    }
                    for (Parameter parameter : weighting.parameters()) {
                        NDArray array = parameter.getArray();
                        assertTrue(
                                ContractTensors.gradientReached(array),
                                "the objective does not depend on learned parameter "
                                        + parameter.getName());
                        assertTrue(
                                ContractTensors.isFinite(array.getGradient()),
                                "learned parameter "
                                        + parameter.getName()
                                        + " has a non-finite gradient");
                    }
                }
            }
        }
    }

    /** After a step the weighting reports one finite weight per task (none for a direction). */
    @Test
    public void lastWeightsHaveOneEntryPerTaskAfterAStep() {
        try (NDManager manager = ContractTensors.newManager()) {
            Weighting weighting = initialized(manager, SEED);
            StepOutcome outcome = step(weighting, manager, 0, randomGradients(manager));
            double[] weights = weighting.lastWeights();
            assertNotNull(weights);
            boolean directionMethod = outcome.direction != null;
            assertTrue(
                    weights.length == tasks().size() || (directionMethod && weights.length == 0),
                    "lastWeights() has "
                            + weights.length
                            + " entries for "
                            + tasks().size()
                            + " tasks");
            for (double w : weights) {
                assertTrue(Double.isFinite(w), "a task weight is not finite");
            }
        }
    }

    /** A gradient weighting returns K finite weights or a finite direction of length D. */
    @Test
    public void gradientCombinationHasOneWeightPerTaskOrADirectionOfTheGradientsShape() {
        assumeTrue(newPlugin(SEED) instanceof GradientWeighting, "not a gradient weighting");
        try (NDManager manager = ContractTensors.newManager()) {
            Weighting weighting = initialized(manager, SEED);
            NDArray gradients = randomGradients(manager);
            for (int step = 0; step < STEPS; step++) {
                StepOutcome outcome = step(weighting, manager, step, gradients);
                if (outcome.weights != null) {
                    assertEquals(tasks().size(), outcome.weights.length, "one weight per task");
                    for (double w : outcome.weights) {
                        assertTrue(Double.isFinite(w), "a task weight is not finite");
                    }
                } else {
                    assertEquals(
                            new Shape(gradientDimension()), new Shape(outcome.direction.length));
                    for (float d : outcome.direction) {
                        assertTrue(Float.isFinite(d), "the direction is not finite");
                    }
                }
            }
        }
    }

    /** Two weightings with one seed, given the same steps, give the same results. */
    @Test
    public void sameSeedGivesTheSameResult() {
        try (NDManager manager = ContractTensors.newManager()) {
            Weighting first = initialized(manager, SEED);
            Weighting second = initialized(manager, SEED);
            NDArray gradients = randomGradients(manager);
            for (int step = 0; step < STEPS; step++) {
                StepOutcome a = step(first, manager, step, gradients);
                StepOutcome b = step(second, manager, step, gradients);
                assertArrayEquals(a.weights, b.weights, "step " + step);
                assertArrayEquals(a.direction, b.direction, "step " + step);
                assertEquals(a.objective, b.objective, "step " + step);
                assertArrayEquals(first.lastWeights(), second.lastWeights(), "step " + step);
            }
        }
    }

    /**
     * Garbage collected between building the objective (or combining the gradients) and the
     * backward pass changes no bit of the results: no scalar the graph reads was freed.
     *
     * @throws Exception if a step fails
     */
    @Test
    public void resultsAreBitIdenticalUnderGarbageCollection() throws Exception {
        Optional<String> difference = differenceUnderCollection();
        assertTrue(
                difference.isEmpty(),
                () -> difference.orElse("") + ". Likely cause: " + MemorySafety.ADVICE);
    }

    /**
     * The memory-safety check's finding on this weighting: three steps run undisturbed and
     * again with garbage collected and freed memory overwritten between each step's forward and
     * backward pass, compared bit for bit.
     *
     * @return the first difference, or empty when there is none
     * @throws Exception if a step fails
     */
    public final Optional<String> differenceUnderCollection() throws Exception {
        return MemorySafety.differenceUnderCollection(this::stepsPausedBeforeBackward);
    }

    private Map<String, MemorySafety.Values> stepsPausedBeforeBackward(Runnable pause) {
        Map<String, MemorySafety.Values> results = new LinkedHashMap<>();
        try (NDManager manager = ContractTensors.newManager()) {
            Weighting weighting = initialized(manager, SEED);
            NDArray gradients = randomGradients(manager);
            for (int step = 0; step < STEPS; step++) {
                String prefix = "step " + step + ": ";
                try (NDManager stepManager = manager.newSubManager();
                        GradientCollector collector = ContractTensors.newGradientCollector()) {
                    List<NDArray> losses = leafLosses(stepManager, step);
                    TaskLosses taskLosses = new ArrayTaskLosses(tasks(), losses);
                    StepContext context = new StepContext(1, step, stepManager);
                    if (weighting instanceof LossWeighting) {
                        NDArray objective =
                                ((LossWeighting) weighting).objective(taskLosses, context);
                        pause.run();
                        collector.backward(objective);
                        results.put(prefix + "the objective", MemorySafety.copy(objective));
                        for (int i = 0; i < losses.size(); i++) {
                            results.put(
                                    prefix + "d objective / d loss of task '" + tasks().get(i) + "'",
                                    MemorySafety.copy(losses.get(i).getGradient()));
                        }
                        for (Parameter parameter : weighting.parameters()) {
                            results.put(
                                    prefix + "the gradient of parameter " + parameter.getName(),
                                    MemorySafety.copy(parameter.getArray().getGradient()));
                        }
                    } else {
                        Combination combination =
                                ((GradientWeighting) weighting)
                                        .combine(
                                                new MatrixTaskGradients(
                                                        weighting.requirement(),
                                                        gradients,
                                                        taskLosses),
                                                context);
                        pause.run();
                        results.put(
                                prefix + "the combination",
                                combination.hasWeights()
                                        ? MemorySafety.Values.of(combination.taskWeights())
                                        : MemorySafety.copy(combination.direction()));
                    }
                }
                results.put(prefix + "lastWeights()", MemorySafety.Values.of(weighting.lastWeights()));
            }
        }
        return results;
    }

    private NDArray randomGradients(NDManager manager) {
        ContractTensors.seedEngine(11);
        return manager.randomNormal(new Shape(tasks().size(), gradientDimension()));
    }

    /** What one step of a weighting produced, on the heap. */
    private static final class StepOutcome {
        private double objective = Double.NaN;
        private double[] weights;
        private float[] direction;
    }

    private StepOutcome step(Weighting weighting, NDManager manager, int step, NDArray gradients) {
        StepOutcome outcome = new StepOutcome();
        try (NDManager stepManager = manager.newSubManager();
                GradientCollector collector = ContractTensors.newGradientCollector()) {
            List<NDArray> losses = leafLosses(stepManager, step);
            TaskLosses taskLosses = new ArrayTaskLosses(tasks(), losses);
            StepContext context = new StepContext(1, step, stepManager);
            if (weighting instanceof LossWeighting) {
                NDArray objective = ((LossWeighting) weighting).objective(taskLosses, context);
                outcome.objective = objective.toFloatArray()[0];
                collector.backward(objective);
            } else {
                GradientWeighting gradientWeighting = (GradientWeighting) weighting;
                Combination combination =
                        gradientWeighting.combine(
                                new MatrixTaskGradients(
                                        weighting.requirement(), gradients, taskLosses),
                                context);
                if (combination.hasWeights()) {
                    outcome.weights = combination.taskWeights();
                } else {
                    outcome.direction = combination.direction().toFloatArray();
                }
            }
        }
        return outcome;
    }

    /** Distinct positive losses that vary with the step, as leaves with gradients. */
    private List<NDArray> leafLosses(NDManager manager, int step) {
        List<NDArray> losses = new ArrayList<>();
        for (int i = 0; i < tasks().size(); i++) {
            NDArray loss = manager.create((float) ((i + 1) * 0.7 + 0.1 * step));
            loss.setRequiresGradient(true);
            losses.add(loss);
        }
        return losses;
    }
}
