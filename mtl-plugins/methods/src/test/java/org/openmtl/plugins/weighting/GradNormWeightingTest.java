package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;
import org.openmtl.testkit.MatrixTaskGradients;

class GradNormWeightingTest {

    private static final List<String> TWO = List.of("a", "b");

    private static GradNormWeighting initialized(
            NDManager manager, List<String> tasks, String... settings) {
        GradNormWeighting weighting =
                (GradNormWeighting) TestPlugins.create(new GradNormWeightingFactory(), settings);
        Map<String, Integer> sizes = new java.util.HashMap<>();
        tasks.forEach(t -> sizes.put(t, 10));
        weighting.initialize(WeightingTesting.context(manager, tasks, sizes));
        return weighting;
    }

    /** One combine on the rows of {@code gradients} and the given losses; the weights returned. */
    private static double[] combine(
            GradNormWeighting weighting,
            NDManager manager,
            List<String> tasks,
            float[][] gradients,
            double... losses) {
        try (NDManager step = manager.newSubManager()) {
            return weighting
                    .combine(
                            new MatrixTaskGradients(
                                    weighting.requirement(),
                                    step.create(gradients),
                                    WeightingTesting.losses(step, tasks, losses)),
                            new StepContext(1, 0, step))
                    .taskWeights();
        }
    }

    /**
     * Two tasks with gradient norms 3 and 1, alpha 1.5, lr 0.025, worked by hand.
     *
     * <p>Step 0, losses (2, 1) become L(0): every ratio is 1, so both targets are the mean norm 2;
     * G = (3, 1), signs (+, -), dw = (3, -1); w = (1 - 0.075, 1 + 0.025) = (0.925, 1.025), sum
     * 1.95, rescaled to sum 2: (0.948718, 1.051282).
     *
     * <p>Step 1, losses (1.9, 0.5): L~ = (0.95, 0.5), mean 0.725, r = (1.310345, 0.689655); G =
     * (2.846154, 1.051282), mean 1.948718; targets G_mean r^1.5 = (2.922990, 1.116084); both G are
     * below target, signs (-, -), dw = (-3, -1); w = (1.023718, 1.076282), sum 2.1, rescaled:
     * (0.974969, 1.025031).
     */
    @Test
    void weightUpdateMatchesAHandComputedTwoTaskStep() {
        try (NDManager manager = ContractTensors.newManager()) {
            GradNormWeighting weighting = initialized(manager, TWO);
            float[][] gradients = {{3, 0, 0}, {0, 0, 1}};

            double[] step0 = combine(weighting, manager, TWO, gradients, 2.0, 1.0);
            assertArrayEquals(new double[] {1, 1}, step0, 1e-12, "step 0 uses w(0)");
            assertArrayEquals(new double[] {1, 1}, weighting.lastWeights(), 1e-12);
            double[] w1 = {0.925 * 2 / 1.95, 1.025 * 2 / 1.95};
            assertArrayEquals(w1, weighting.nextWeights(), 1e-9);
            assertArrayEquals(new double[] {0.948718, 1.051282}, w1, 1e-6);

            double[] step1 = combine(weighting, manager, TWO, gradients, 1.9, 0.5);
            assertArrayEquals(w1, step1, 1e-12, "step 1 uses w(1)");
            assertArrayEquals(w1, weighting.lastWeights(), 1e-12);
            double[] w2 = {(w1[0] + 0.025 * 3) * 2 / 2.1, (w1[1] + 0.025 * 1) * 2 / 2.1};
            assertArrayEquals(w2, weighting.nextWeights(), 1e-6);
            assertArrayEquals(new double[] {0.974969, 1.025031}, w2, 1e-6);
        }
    }

    @Test
    void aWeightPushedBelowTheFloorIsClampedThenAllAreRescaled() {
        try (NDManager manager = ContractTensors.newManager()) {
            GradNormWeighting weighting = initialized(manager, TWO, "lr=1", "min.weight=0.01");
            combine(weighting, manager, TWO, new float[][] {{3, 0}, {0, 1}}, 2.0, 1.0);
            // w = (1 - 3, 1 + 1) = (-2, 2) -> (0.01, 2) -> times 2 / 2.01
            assertArrayEquals(
                    new double[] {0.01 * 2 / 2.01, 2 * 2 / 2.01}, weighting.nextWeights(), 1e-9);
        }
    }

    @Test
    void weightsKeepSummingToTheTaskCountAndStayPositive() {
        Random random = new Random(7);
        try (NDManager manager = ContractTensors.newManager()) {
            GradNormWeighting weighting = initialized(manager, List.of("a", "b", "c"), "lr=0.3");
            double[] w = {1, 1, 1};
            double[] initial = {2.3, 0.4, 1.1};
            for (int step = 0; step < 2000; step++) {
                double[] norms = new double[3];
                double[] losses = new double[3];
                for (int i = 0; i < 3; i++) {
                    norms[i] = Math.abs(random.nextGaussian()) * Math.pow(10, random.nextInt(3));
                    losses[i] = initial[i] * (0.1 + random.nextDouble());
                }
                w = weighting.update(w, norms, losses, initial);
                assertEquals(3.0, w[0] + w[1] + w[2], 1e-9, "step " + step);
                for (double x : w) {
                    assertTrue(x > 0, "step " + step + ": a weight is not positive");
                }
            }
        }
    }

    @Test
    void alphaZeroDrivesTheWeightedNormsTogether() {
        try (NDManager manager = ContractTensors.newManager()) {
            GradNormWeighting weighting = initialized(manager, TWO, "alpha=0", "lr=0.002");
            double[] w = {1, 1};
            double[] norms = {3, 1};
            for (int step = 0; step < 2000; step++) {
                w = weighting.update(w, norms, new double[] {1, 1}, new double[] {2, 1});
            }
            // equal weighted norms 3 w_a = w_b with w_a + w_b = 2: w = (0.5, 1.5), up to one step
            assertArrayEquals(new double[] {0.5, 1.5}, w, 0.02);
        }
    }

    @Test
    void aStepOfSomeTasksMovesOnlyTheirWeightsAndKeepsTheSum() {
        List<String> tasks = List.of("a", "b", "c");
        try (NDManager manager = ContractTensors.newManager()) {
            GradNormWeighting weighting = initialized(manager, tasks);
            double[] returned =
                    combine(
                            weighting,
                            manager,
                            List.of("c", "a"),
                            new float[][] {{0, 2}, {1, 0}},
                            1.0,
                            1.0);
            assertArrayEquals(new double[] {1, 1}, returned, 1e-12);
            // over (c, a): norms (2, 1), mean weighted norm 1.5, signs (+, -): (c, a) = (1 -
            // 0.05, 1 + 0.025) = (0.95, 1.025), sum 1.975, rescaled to their former sum 2
            double[] next = weighting.nextWeights();
            assertArrayEquals(
                    new double[] {1.025 * 2 / 1.975, 1, 0.95 * 2 / 1.975}, next, 1e-12);
            assertEquals(3.0, next[0] + next[1] + next[2], 1e-12);
        }
    }

    @Test
    void declaresTheGradientsItNeedsAndItsUpdateInterval() {
        GradientWeighting byDefault =
                (GradientWeighting) TestPlugins.create(new GradNormWeightingFactory());
        assertEquals(GradientRequirement.REPRESENTATION, byDefault.requirement());
        assertEquals(1, byDefault.updateEvery());
        GradientWeighting parameters =
                (GradientWeighting)
                        TestPlugins.create(
                                new GradNormWeightingFactory(),
                                "gradients=parameters",
                                "update.every=5");
        assertEquals(GradientRequirement.GRAMIAN, parameters.requirement());
        assertEquals(5, parameters.updateEvery());
    }

    @Test
    void initialLossesAreTakenFromEachTasksFirstStep() {
        List<String> tasks = List.of("a", "b");
        try (NDManager manager = ContractTensors.newManager()) {
            GradNormWeighting weighting = initialized(manager, tasks, "alpha=1");
            // a's first step: L_a(0) = 4
            combine(weighting, manager, List.of("a"), new float[][] {{1}}, 4.0);
            double[] afterFirst = weighting.nextWeights();
            assertArrayEquals(new double[] {1, 1}, afterFirst, 1e-12, "one task: on target");
            // both: L~ = (2/4, 3/3) = (0.5, 1), r = (2/3, 4/3); norms (1, 1), mean 1:
            // targets (2/3, 4/3): signs (+, -), w = (1 - 0.025, 1 + 0.025)
            combine(weighting, manager, tasks, new float[][] {{1, 0}, {0, 1}}, 2.0, 3.0);
            assertArrayEquals(new double[] {0.975, 1.025}, weighting.nextWeights(), 1e-12);
        }
    }
}
