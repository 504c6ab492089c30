package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class UpgradWeightingTest {

    private static GradientWeighting initialized(NDManager manager, int k, String... settings) {
        GradientWeighting weighting =
                (GradientWeighting) TestPlugins.create(new UpgradWeightingFactory(), settings);
        weighting.initialize(GramianTesting.context(manager, GramianTesting.tasks(k)));
        return weighting;
    }

    private static double trace(double[][] g) {
        double t = 0;
        for (int i = 0; i < g.length; i++) {
            t += g[i][i];
        }
        return t;
    }

    @Test
    void theUpdateConflictsWithNoTaskOnRandomInstances() {
        Random random = new Random(2406);
        int conflicting = 0;
        try (NDManager manager = ContractTensors.newManager()) {
            for (int trial = 0; trial < 300; trial++) {
                int k = 2 + random.nextInt(6);
                // few dimensions: conflicts are common, and K > D gives singular Gramians
                int d = 1 + random.nextInt(k + 3);
                double[][] g = GramianTesting.randomVectors(random, k, d, 1.0);
                double[][] gramian = GramianTesting.gramian(g);
                double scale = trace(gramian);
                boolean conflict = false;
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        conflict |= gramian[i][j] < 0;
                    }
                }
                conflicting += conflict ? 1 : 0;

                double[] exact =
                        GramianTesting.combine(
                                initialized(manager, k, "ridge=0"),
                                manager,
                                GramianTesting.tasks(k),
                                g,
                                0);
                double[] d0 = GramianTesting.combined(exact, g);
                for (int i = 0; i < k; i++) {
                    assertTrue(
                            GramianTesting.dot(d0, g[i]) >= -1e-10 * scale,
                            "trial " + trial + ": d·g_" + i + " = " + GramianTesting.dot(d0, g[i]));
                }

                // with the default ridge ρ: d·g_j ≥ −ρ·tr(G)·w_j
                double[] w =
                        GramianTesting.combine(
                                initialized(manager, k), manager, GramianTesting.tasks(k), g, 0);
                double[] d1 = GramianTesting.combined(w, g);
                for (int i = 0; i < k; i++) {
                    assertTrue(
                            GramianTesting.dot(d1, g[i]) >= -1e-4 * scale * w[i] - 1e-10 * scale,
                            "trial " + trial);
                }
            }
        }
        assertTrue(conflicting > 100, "too few conflicting instances: " + conflicting);
    }

    @Test
    void agreeingGradientsGiveTheirMean() {
        Random random = new Random(12);
        try (NDManager manager = ContractTensors.newManager()) {
            for (int trial = 0; trial < 50; trial++) {
                int k = 2 + random.nextInt(5);
                double[][] g = GramianTesting.randomVectors(random, k, 6, 1.0);
                // non-negative entries: no two gradients conflict (G ≥ 0 entrywise)
                for (double[] row : g) {
                    for (int j = 0; j < row.length; j++) {
                        row[j] = Math.abs(row[j]);
                    }
                }
                double[] mean = new double[k];
                double[] ones = new double[k];
                java.util.Arrays.fill(mean, 1.0 / k);
                java.util.Arrays.fill(ones, 1.0);
                assertArrayEquals(
                        mean,
                        GramianTesting.combine(
                                initialized(manager, k), manager, GramianTesting.tasks(k), g, 0),
                        1e-12);
                assertArrayEquals(
                        ones,
                        GramianTesting.combine(
                                initialized(manager, k, "reduction=sum"),
                                manager,
                                GramianTesting.tasks(k),
                                g,
                                0),
                        1e-12);
            }
        }
    }

    @Test
    void twoConflictingTasksMatchTheClosedForm() {
        // for K = 2 with c = g_1·g_2 < 0: w_1 = (1, −c/‖g_2‖²), w_2 = (−c/‖g_1‖², 1)
        Random random = new Random(21);
        try (NDManager manager = ContractTensors.newManager()) {
            int checked = 0;
            while (checked < 20) {
                double[][] g = GramianTesting.randomVectors(random, 2, 4, 1.0);
                double a = GramianTesting.dot(g[0], g[0]);
                double b = GramianTesting.dot(g[1], g[1]);
                double c = GramianTesting.dot(g[0], g[1]);
                if (c >= 0) {
                    continue;
                }
                checked++;
                double[] expected = {0.5 * (1 - c / a), 0.5 * (1 - c / b)};
                assertArrayEquals(
                        expected,
                        GramianTesting.combine(
                                initialized(manager, 2, "ridge=0"),
                                manager,
                                GramianTesting.tasks(2),
                                g,
                                0),
                        1e-10 * Math.max(1, Math.abs(expected[0]) + Math.abs(expected[1])));
            }
        }
    }

    @Test
    void reproducesTheExampleOfTorchjd() {
        // torchjd's documented example:
        // UPGrad()([[-4, 1, 1], [6, 1, 1]]) = [0.2929, 1.9004, 1.9004]
        double[][] g = {{-4, 1, 1}, {6, 1, 1}};
        try (NDManager manager = ContractTensors.newManager()) {
            double[] w =
                    GramianTesting.combine(
                            initialized(manager, 2), manager, GramianTesting.tasks(2), g, 0);
            assertArrayEquals(
                    new double[] {0.2929, 1.9004, 1.9004},
                    GramianTesting.combined(w, g),
                    1e-4);
        }
    }

    @Test
    void everyProjectionSatisfiesTheKarushKuhnTuckerConditions() {
        Random random = new Random(99);
        for (int trial = 0; trial < 300; trial++) {
            int k = 2 + random.nextInt(7);
            int d = 1 + random.nextInt(k + 3);
            double[][] g = GramianTesting.gramian(GramianTesting.randomVectors(random, k, d, 1.0));
            double trace = trace(g);
            // the programs UPGrad solves: Q = G/tr(G) + ρI, bounds v ≥ e_i
            double ridge = trial % 2 == 0 ? 1e-4 : (d >= k ? 0.0 : 1e-8);
            double[][] q = new double[k][k];
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    q[i][j] = g[i][j] / trace;
                }
                q[i][i] += ridge;
            }
            for (int i = 0; i < k; i++) {
                double[] lower = new double[k];
                lower[i] = 1.0;
                LowerBoundedQuadraticProgram.Solution s =
                        LowerBoundedQuadraticProgram.minimize(q, lower);
                double[] x = s.x();
                double[] mu = GramianTesting.times(q, x);
                double size = Math.max(1.0, maxAbs(x));
                for (int j = 0; j < k; j++) {
                    String where = "trial " + trial + ", program " + i + ", entry " + j;
                    // primal feasibility
                    assertTrue(x[j] >= lower[j] - 1e-12 * size, where + ": x below its bound");
                    // dual feasibility: the multiplier of x_j ≥ l_j is (Qx)_j
                    assertTrue(mu[j] >= -1e-10 * size, where + ": negative multiplier " + mu[j]);
                    // complementary slackness
                    assertEquals(0.0, mu[j] * (x[j] - lower[j]), 1e-10 * size * size, where);
                }
                assertArrayEquals(mu, s.multipliers(), 1e-12 * size);
            }
        }
    }

    @Test
    void aStepOfSomeTasksKeepsTheOthersLastWeights() {
        double[][] g = {{1.0, 0.0}, {0.0, 2.0}};
        try (NDManager manager = ContractTensors.newManager()) {
            GradientWeighting weighting = initialized(manager, 3, "update.every=5");
            assertEquals(5, weighting.updateEvery());
            double[] w = GramianTesting.combine(weighting, manager, List.of("t2", "t1"), g, 0);
            assertArrayEquals(new double[] {0.5, 0.5}, w, 1e-12);
            assertArrayEquals(new double[] {1.0, 0.5, 0.5}, weighting.lastWeights(), 1e-12);
        }
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    /**
     * UPGrad computed independently from the paper's definition (each projection an exactly solved
     * program, torchjd's normalization and ridge; torchjd itself does not run here): the weights
     * and the update, at the default ridge 1e-4 (including more tasks than dimensions and
     * agreeing gradients) and with no ridge.
     */
    @Test
    void matchesTheIndependentComputationOnFixedInputs() {
        for (JsonObject c : ReferenceValues.cases("upgrad")) {
            String name = c.get("name").getAsString();
            double[][] g = ReferenceValues.matrix(c, "gradients");
            int k = g.length;
            try (NDManager manager = ContractTensors.newManager()) {
                double[] w =
                        GramianTesting.combine(
                                initialized(manager, k, "ridge=" + c.get("ridge").getAsDouble()),
                                manager,
                                GramianTesting.tasks(k),
                                g,
                                0);
                ReferenceValues.assertClose(ReferenceValues.vector(c, "weights"), w, name + ", weights");
                ReferenceValues.assertClose(
                        ReferenceValues.vector(c, "sharedGradient"),
                        GramianTesting.combined(w, g),
                        name + ", update");
            }
        }
    }
}
