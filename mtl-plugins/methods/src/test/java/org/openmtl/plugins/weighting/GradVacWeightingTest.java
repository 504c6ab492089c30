package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class GradVacWeightingTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = ContractTensors.newManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static GradVacWeighting initialized(int k, String... settings) {
        GradVacWeighting weighting =
                (GradVacWeighting) TestPlugins.create(new GradVacWeightingFactory(), settings);
        weighting.initialize(GramianTesting.context(manager, GramianTesting.tasks(k)));
        return weighting;
    }

    private static double cosine(double[] a, double[] b) {
        return GramianTesting.dot(a, b) / (GramianTesting.norm(a) * GramianTesting.norm(b));
    }

    private static Map<String, double[]> state(double[] weights, double[] targets) {
        Map<String, double[]> state = new LinkedHashMap<>();
        state.put("weights", weights);
        state.put("targets", targets);
        return state;
    }

    @Test
    void whenEveryCosineReachesItsTargetNothingChangesAndTheTargetsMove() {
        // pairwise acute: every cosine is above the initial targets 0
        Random random = new Random(40);
        double[][] g = GramianTesting.randomVectors(random, 3, 6, 0.3);
        for (double[] row : g) {
            row[0] += 8;
        }
        GradVacWeighting weighting = initialized(3);
        double[] w = GramianTesting.combine(weighting, manager, GramianTesting.tasks(3), g, 5);
        assertArrayEquals(new double[] {1, 1, 1}, w, 0);
        // φ̂_ij ← (1 − β)·0 + β cos(g_i, g_j), β = 0.01
        double[] targets = weighting.state().get("targets");
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double expected = i == j ? 0 : 0.01 * cosine(g[i], g[j]);
                assertEquals(expected, targets[i * 3 + j], 1e-15);
            }
        }
    }

    @Test
    void anAdjustedPairReachesItsTargetCosineExactly() {
        Random random = new Random(41);
        int adjusted = 0;
        for (int trial = 0; trial < 200; trial++) {
            double[][] g = GramianTesting.randomVectors(random, 2, 4 + trial % 3, 0.8);
            double target = -0.9 + 1.8 * random.nextDouble();
            GradVacWeighting weighting = initialized(2, "beta=0.2");
            // task 0 aims at `target` with task 1; task 1 aims at −1, which no cosine is below
            weighting.restore(state(new double[] {1, 1}, new double[] {0, target, -1, 0}));
            double[] w =
                    GramianTesting.combine(weighting, manager, GramianTesting.tasks(2), g, trial);
            double phi = cosine(g[0], g[1]);
            double[] targets = weighting.state().get("targets");
            // the EMA of each ordered pair, with the cosine before the adjustment
            assertEquals(0.8 * target + 0.2 * phi, targets[1], 1e-14);
            assertEquals(0.8 * -1 + 0.2 * phi, targets[2], 1e-14);
            assertEquals(1, w[0], 0);
            if (phi >= target) {
                assertArrayEquals(new double[] {1, 1}, w, 0);
                continue;
            }
            adjusted++;
            // the weights are those of g_0' + g_1 with g_0' = g_0 + a g_1
            double a = w[1] - 1;
            double sine = Math.sqrt(1 - phi * phi);
            double targetSine = Math.sqrt(1 - target * target);
            double expectedA =
                    GramianTesting.norm(g[0])
                            * (target * sine - phi * targetSine)
                            / (GramianTesting.norm(g[1]) * targetSine);
            assertEquals(expectedA, a, 1e-10 * Math.abs(expectedA) + 1e-12);
            double[] moved = GramianTesting.combined(new double[] {1, a}, g);
            assertEquals(target, cosine(moved, g[1]), 1e-10, "trial " + trial);
        }
        assertTrue(adjusted > 50, adjusted + " of 200 pairs were adjusted");
    }

    @Test
    void withBetaZeroGradVacIsPcGrad() {
        Random random = new Random(42);
        for (int trial = 0; trial < 100; trial++) {
            int k = 2 + trial % 4;
            double[][] g = GramianTesting.randomVectors(random, k, 5, 0.6);
            long step = 50L + trial;
            GradVacWeighting gradVac = initialized(k, "beta=0");
            PcGradWeighting pcGrad =
                    (PcGradWeighting) TestPlugins.create(new PcGradWeightingFactory());
            pcGrad.initialize(GramianTesting.context(manager, GramianTesting.tasks(k)));
            assertTrue(Arrays.deepEquals(pcGrad.orders(step, k), gradVac.orders(step, k)));
            double[] expected =
                    GramianTesting.combine(pcGrad, manager, GramianTesting.tasks(k), g, step);
            double[] actual =
                    GramianTesting.combine(gradVac, manager, GramianTesting.tasks(k), g, step);
            double scale = 0;
            for (double x : expected) {
                scale = Math.max(scale, Math.abs(x));
            }
            assertArrayEquals(expected, actual, 1e-10 * scale, "trial " + trial);
            assertArrayEquals(new double[k * k], gradVac.state().get("targets"), 0);
        }
    }

    @Test
    void theTargetsFollowTheRunsTasksWhenAStepTrainsSomeOfThem() {
        GradVacWeighting weighting = initialized(3);
        double[][] g = {{1, 0}, {0.6, 0.8}};
        double[] w = GramianTesting.combine(weighting, manager, List.of("t2", "t0"), g, 0);
        assertArrayEquals(new double[] {1, 1}, w, 0);
        double[] targets = weighting.state().get("targets");
        double[] expected = new double[9];
        expected[2 * 3] = 0.01 * 0.6; // (t2, t0)
        expected[2] = 0.01 * 0.6; // (t0, t2)
        assertArrayEquals(expected, targets, 1e-15);
        assertArrayEquals(new double[] {1, 1, 1}, weighting.lastWeights(), 0);
    }

    @Test
    void aStateWithTargetsOfAnotherShapeOrOutOfRangeIsRefusedAndNothingIsRestored() {
        GradVacWeighting weighting = initialized(2);
        Map<String, double[]> initial = weighting.state();
        IllegalArgumentException shape =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                weighting.restore(
                                        state(new double[] {2, 2}, new double[] {0, 0, 0})));
        assertTrue(shape.getMessage().contains("'targets'"), shape.getMessage());
        assertTrue(shape.getMessage().contains("expected 4"), shape.getMessage());
        assertTrue(shape.getMessage().contains("'gradvac'"), shape.getMessage());
        IllegalArgumentException range =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                weighting.restore(
                                        state(new double[] {2, 2}, new double[] {0, 1.5, 0, 0})));
        assertTrue(range.getMessage().contains("('t0', 't1')"), range.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        weighting.restore(
                                state(new double[] {2, 2}, new double[] {0, Double.NaN, 0, 0})));
        assertArrayEquals(initial.get("weights"), weighting.state().get("weights"), 0);
        assertArrayEquals(initial.get("targets"), weighting.state().get("targets"), 0);
    }

    /**
     * LibMTL's GradVac (group type 0: one target per ordered pair over the whole shared gradient)
     * on fixed task gradients over several steps, replaying the visiting orders it drew: after
     * each step the update Σ_i g_i^PC and every target φ̂_ij. The targets carry over from step to
     * step on both sides; LibMTL's returned batch weights are all 1 and carry no information.
     */
    @Test
    void matchesTheReferenceImplementationOverSeveralSteps() {
        int adjustedSteps = 0;
        for (JsonObject c : ReferenceValues.cases("gradvac")) {
            String name = c.get("name").getAsString();
            double beta = c.get("beta").getAsDouble();
            JsonArray steps = c.getAsJsonArray("steps");
            int k = ReferenceValues.matrix(steps.get(0).getAsJsonObject(), "gradients").length;
            GradVacWeighting weighting = initialized(k, "beta=" + beta);
            int[] positions = new int[k];
            for (int i = 0; i < k; i++) {
                positions[i] = i;
            }
            int n = 0;
            for (JsonElement element : steps) {
                JsonObject step = element.getAsJsonObject();
                String what = name + ", step " + n++;
                double[][] g = ReferenceValues.matrix(step, "gradients");
                double[][] drawn = ReferenceValues.matrix(step, "orders");
                int[][] orders = new int[k][k - 1];
                for (int i = 0; i < k; i++) {
                    for (int p = 0; p < k - 1; p++) {
                        orders[i][p] = (int) drawn[i][p];
                    }
                }
                double[] weights =
                        PcGradWeighting.reduce(
                                weighting.vaccinatedCoefficients(
                                        StepGramian.of(GramianTesting.gramian(g), k),
                                        orders,
                                        positions),
                                PcGradWeighting.Reduction.SUM);
                ReferenceValues.assertClose(
                        ReferenceValues.vector(step, "sharedGradient"),
                        GramianTesting.combined(weights, g),
                        what + ", update");
                double[][] targets = ReferenceValues.matrix(step, "targets");
                double[] expected = new double[k * k];
                for (int i = 0; i < k; i++) {
                    System.arraycopy(targets[i], 0, expected, i * k, k);
                }
                ReferenceValues.assertClose(
                        expected, weighting.state().get("targets"), what + ", targets");
                if (step.get("adjusted").getAsBoolean()) {
                    adjustedSteps++;
                    assertTrue(!Arrays.equals(weights, ones(k)), what + ": adjusted, weights " + Arrays.toString(weights));
                }
            }
        }
        // the reference adjusted pairs on most steps: the closed form was exercised
        assertTrue(adjustedSteps >= 10, adjustedSteps + " steps adjusted");
    }

    private static double[] ones(int k) {
        double[] ones = new double[k];
        Arrays.fill(ones, 1.0);
        return ones;
    }
}
