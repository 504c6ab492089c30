package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class PcGradWeightingTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = ContractTensors.newManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static PcGradWeighting initialized(int k, String... settings) {
        PcGradWeighting weighting =
                (PcGradWeighting) TestPlugins.create(new PcGradWeightingFactory(), settings);
        weighting.initialize(GramianTesting.context(manager, GramianTesting.tasks(k)));
        return weighting;
    }

    /**
     * PCGrad on plain vectors, from the paper's definition: each g_i, visiting the other tasks in
     * the given order, loses its component along g_j whenever it conflicts with g_j; the results
     * are summed.
     */
    private static double[] plainPcGrad(double[][] g, int[][] orders) {
        int k = g.length;
        int d = g[0].length;
        double[] sum = new double[d];
        for (int i = 0; i < k; i++) {
            double[] v = g[i].clone();
            for (int j : orders[i]) {
                double dot = GramianTesting.dot(v, g[j]);
                if (dot < 0) {
                    double scale = dot / GramianTesting.dot(g[j], g[j]);
                    for (int e = 0; e < d; e++) {
                        v[e] -= scale * g[j][e];
                    }
                }
            }
            for (int e = 0; e < d; e++) {
                sum[e] += v[e];
            }
        }
        return sum;
    }

    @Test
    void theCombinedGradientIsPcGradComputedOnTheVectors() {
        Random random = new Random(20);
        int conflicting = 0;
        for (int trial = 0; trial < 300; trial++) {
            int k = 2 + trial % 4;
            int d = 3 + random.nextInt(6);
            double[][] g = GramianTesting.randomVectors(random, k, d, 0.7);
            long step = 1000L + trial;
            PcGradWeighting sum = initialized(k);
            PcGradWeighting mean = initialized(k, "reduction=mean");
            double[] w = GramianTesting.combine(sum, manager, GramianTesting.tasks(k), g, step);
            double[] expected = plainPcGrad(g, sum.orders(step, k));
            double[] actual = GramianTesting.combined(w, g);
            double scale = 0;
            for (double[] row : g) {
                scale = Math.max(scale, GramianTesting.norm(row));
            }
            assertArrayEquals(expected, actual, 1e-10 * scale, "trial " + trial);
            double[] wMean =
                    GramianTesting.combine(mean, manager, GramianTesting.tasks(k), g, step);
            for (int i = 0; i < k; i++) {
                assertEquals(w[i] / k, wMean[i], 1e-12 * Math.abs(w[i]), "trial " + trial);
            }
            if (!Arrays.equals(w, ones(k))) {
                conflicting++;
            }
        }
        // random directions conflict often: the projections were exercised
        assertTrue(conflicting > 200, conflicting + " of 300 trials had a conflict");
    }

    @Test
    void withTwoTasksTheConflictingComponentIsRemovedExactly() {
        Random random = new Random(21);
        int conflicts = 0;
        for (int trial = 0; trial < 200; trial++) {
            double[][] g = GramianTesting.randomVectors(random, 2, 5, 0.5);
            StepGramian gramian = StepGramian.of(GramianTesting.gramian(g), 2);
            double[][] c = PcGradWeighting.projectedCoefficients(gramian, new int[][] {{1}, {0}});
            double[] projected = GramianTesting.combined(c[0], g);
            double dot = GramianTesting.dot(g[0], g[1]);
            if (dot < 0) {
                conflicts++;
                // orthogonal to g_2, and g_1 minus its component along g_2
                assertEquals(
                        0,
                        GramianTesting.dot(projected, g[1]),
                        1e-12 * GramianTesting.norm(g[0]) * GramianTesting.norm(g[1]));
                double along = dot / GramianTesting.dot(g[1], g[1]);
                for (int e = 0; e < 5; e++) {
                    assertEquals(
                            g[0][e] - along * g[1][e],
                            projected[e],
                            1e-12 * GramianTesting.norm(g[0]));
                }
            } else {
                assertArrayEquals(new double[] {1, 0}, c[0], 0);
                assertArrayEquals(g[0], projected, 0);
            }
            // the weighting combines both projections
            PcGradWeighting weighting = initialized(2);
            double[] w =
                    GramianTesting.combine(weighting, manager, GramianTesting.tasks(2), g, trial);
            assertArrayEquals(new double[] {c[0][0] + c[1][0], c[0][1] + c[1][1]}, w, 1e-12);
        }
        assertTrue(conflicts > 50 && conflicts < 150, conflicts + " conflicts in 200");
    }

    @Test
    void gradientsWithoutConflictAreSummedUnchanged() {
        // pairwise acute: a shared component dominates
        Random random = new Random(22);
        double[][] g = GramianTesting.randomVectors(random, 4, 6, 0.3);
        for (double[] row : g) {
            row[0] += 10;
        }
        PcGradWeighting weighting = initialized(4);
        assertArrayEquals(
                ones(4),
                GramianTesting.combine(weighting, manager, GramianTesting.tasks(4), g, 3),
                0);
        PcGradWeighting mean = initialized(4, "reduction=mean");
        assertArrayEquals(
                new double[] {0.25, 0.25, 0.25, 0.25},
                GramianTesting.combine(mean, manager, GramianTesting.tasks(4), g, 3),
                0);
    }

    @Test
    void theOrdersAreShufflesOfTheOtherTasksFixedBySeedAndStep() {
        PcGradWeighting a = initialized(5);
        PcGradWeighting b = initialized(5);
        PcGradWeighting otherSeed =
                (PcGradWeighting)
                        new PcGradWeightingFactory()
                                .create(
                                        TestPlugins.configWithSeed(
                                                new PcGradWeightingFactory(), 7));
        boolean stepsDiffer = false;
        boolean seedsDiffer = false;
        for (long step = 0; step < 20; step++) {
            int[][] orders = a.orders(step, 5);
            assertTrue(Arrays.deepEquals(orders, b.orders(step, 5)));
            stepsDiffer |= !Arrays.deepEquals(orders, a.orders(step + 1, 5));
            seedsDiffer |= !Arrays.deepEquals(orders, otherSeed.orders(step, 5));
            for (int i = 0; i < 5; i++) {
                int[] sorted = orders[i].clone();
                Arrays.sort(sorted);
                int[] others = new int[4];
                for (int j = 0, n = 0; j < 5; j++) {
                    if (j != i) {
                        others[n++] = j;
                    }
                }
                assertArrayEquals(others, sorted);
            }
        }
        assertTrue(stepsDiffer);
        assertTrue(seedsDiffer);
    }

    @Test
    void aStepOfSomeTasksLeavesTheOthersLastWeights() {
        PcGradWeighting weighting = initialized(3);
        assertEquals(GradientRequirement.GRAMIAN, weighting.requirement());
        // the step's first task (t2) has g_a = (1, 0), its second (t0) g_b = (−1, 1): they
        // conflict.
        // g_a' = g_a − (−1/2) g_b = (½, ½) = g_a + ½ g_b; g_b' = g_b − (−1/1) g_a = (0, 1) = g_b +
        // g_a
        double[][] g = {{1, 0}, {-1, 1}};
        double[] w = GramianTesting.combine(weighting, manager, List.of("t2", "t0"), g, 0);
        assertArrayEquals(new double[] {2, 1.5}, w, 1e-12);
        assertArrayEquals(new double[] {1.5, 1, 2}, weighting.lastWeights(), 1e-12);
        assertArrayEquals(new double[] {1.5, 1, 2}, weighting.state().get("weights"), 1e-12);
    }

    @Test
    void onRepresentationGradientsTheGramianOfTheMatrixIsUsed() {
        PcGradWeighting weighting = initialized(3, "gradients=representation");
        assertEquals(GradientRequirement.REPRESENTATION, weighting.requirement());
        assertEquals(GradientRequirement.GRAMIAN, initialized(3).requirement());
        double[][] g = {{1, 0, 2}, {-1, 1, 0}, {0.5, -2, -1}};
        List<String> tasks = GramianTesting.tasks(3);
        long step = 5;
        float[] flat = new float[9];
        for (int i = 0; i < 3; i++) {
            for (int e = 0; e < 3; e++) {
                flat[3 * i + e] = (float) g[i][e];
            }
        }
        try (NDManager stepManager = manager.newSubManager()) {
            List<ai.djl.ndarray.NDArray> losses = List.of(
                    stepManager.create(1f), stepManager.create(2f), stepManager.create(3f));
            org.openmtl.api.weighting.Combination combination = weighting.combine(
                    new org.openmtl.testkit.MatrixTaskGradients(
                            GradientRequirement.REPRESENTATION,
                            stepManager.create(flat).reshape(3, 3),
                            new org.openmtl.testkit.ArrayTaskLosses(tasks, losses)),
                    new org.openmtl.api.weighting.StepContext(1, step, stepManager));
            // weights, not a direction, equal to PCGrad computed on the vectors
            double[] expected = plainPcGrad(g, weighting.orders(step, 3));
            assertArrayEquals(
                    expected, GramianTesting.combined(combination.taskWeights(), g), 1e-5);
        }
    }

    private static double[] ones(int k) {
        double[] ones = new double[k];
        Arrays.fill(ones, 1.0);
        return ones;
    }

    /**
     * LibMTL's PCGrad on fixed task gradients, replaying the visiting orders it drew: the weights
     * of the originals (its returned batch weights) and the update Σ_i g_i^PC. LibMTL shuffles all
     * tasks, the task itself included, and its projection onto its own original gradient never
     * fires (g_i^PC·g_i ≥ 0 in these cases), so each order is replayed without the task itself.
     */
    @Test
    void matchesTheReferenceImplementationOnFixedInputs() {
        for (JsonObject c : ReferenceValues.cases("pcgrad")) {
            String name = c.get("name").getAsString();
            double[][] g = ReferenceValues.matrix(c, "gradients");
            int k = g.length;
            JsonArray drawn = c.getAsJsonArray("orders");
            int[][] orders = new int[k][];
            for (int i = 0; i < k; i++) {
                JsonArray row = drawn.get(i).getAsJsonArray();
                int[] others = new int[k - 1];
                int n = 0;
                for (int p = 0; p < row.size(); p++) {
                    int j = row.get(p).getAsInt();
                    if (j != i) {
                        others[n++] = j;
                    }
                }
                orders[i] = others;
            }
            double[] weights =
                    PcGradWeighting.reduce(
                            PcGradWeighting.projectedCoefficients(
                                    StepGramian.of(GramianTesting.gramian(g), k), orders),
                            PcGradWeighting.Reduction.SUM);
            ReferenceValues.assertClose(ReferenceValues.vector(c, "weights"), weights, name + ", weights");
            ReferenceValues.assertClose(
                    ReferenceValues.vector(c, "sharedGradient"),
                    GramianTesting.combined(weights, g),
                    name + ", update");
        }
    }
}
