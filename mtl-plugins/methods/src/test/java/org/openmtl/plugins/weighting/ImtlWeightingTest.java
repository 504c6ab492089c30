package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class ImtlWeightingTest {

    private static GradientWeighting initialized(NDManager manager, int k, String... settings) {
        GradientWeighting weighting =
                (GradientWeighting) TestPlugins.create(new ImtlWeightingFactory(), settings);
        weighting.initialize(GramianTesting.context(manager, GramianTesting.tasks(k)));
        return weighting;
    }

    /** (Σ α_j g_j)·u_i for every i. */
    private static double[] projections(double[] alpha, double[][] g) {
        double[] d = GramianTesting.combined(alpha, g);
        double[] p = new double[g.length];
        for (int i = 0; i < g.length; i++) {
            p[i] = GramianTesting.dot(d, g[i]) / GramianTesting.norm(g[i]);
        }
        return p;
    }

    /**
     * The paper's closed form from the vectors: D = [g_1 − g_i]_i, U = [u_1 − u_i]_i (i ≥ 2),
     * α_{2..K} = g_1 Uᵀ (D Uᵀ)⁻¹, α_1 = 1 − Σ α_{2..K}.
     */
    private static double[] paperWeights(double[][] g) {
        int k = g.length;
        int d = g[0].length;
        double[][] u = new double[k][d];
        for (int i = 0; i < k; i++) {
            double n = GramianTesting.norm(g[i]);
            for (int j = 0; j < d; j++) {
                u[i][j] = g[i][j] / n;
            }
        }
        DMatrixRMaj dMatrix = new DMatrixRMaj(k - 1, d);
        DMatrixRMaj uMatrix = new DMatrixRMaj(k - 1, d);
        DMatrixRMaj g1 = new DMatrixRMaj(1, d);
        for (int j = 0; j < d; j++) {
            g1.set(0, j, g[0][j]);
            for (int i = 1; i < k; i++) {
                dMatrix.set(i - 1, j, g[0][j] - g[i][j]);
                uMatrix.set(i - 1, j, u[0][j] - u[i][j]);
            }
        }
        DMatrixRMaj dut = new DMatrixRMaj(k - 1, k - 1);
        CommonOps_DDRM.multTransB(dMatrix, uMatrix, dut);
        DMatrixRMaj g1ut = new DMatrixRMaj(1, k - 1);
        CommonOps_DDRM.multTransB(g1, uMatrix, g1ut);
        // α (D Uᵀ) = g_1 Uᵀ  ⇔  (D Uᵀ)ᵀ αᵀ = (g_1 Uᵀ)ᵀ
        DMatrixRMaj a = new DMatrixRMaj(k - 1, 1);
        assertTrue(CommonOps_DDRM.solve(CommonOps_DDRM.transpose(dut, null),
                CommonOps_DDRM.transpose(g1ut, null), a));
        double[] alpha = new double[k];
        double rest = 0;
        for (int i = 1; i < k; i++) {
            alpha[i] = a.get(i - 1, 0);
            rest += alpha[i];
        }
        alpha[0] = 1 - rest;
        return alpha;
    }

    @Test
    void theCombinedGradientHasEqualPositiveProjectionsOntoEveryUnitGradient() {
        Random random = new Random(2021);
        int flipped = 0;
        try (NDManager manager = ContractTensors.newManager()) {
            for (int trial = 0; trial < 300; trial++) {
                int k = 2 + random.nextInt(5);
                int d = k + random.nextInt(5);
                double[][] g = GramianTesting.randomVectors(random, k, d, 1.0);
                double[] alpha =
                        GramianTesting.combine(
                                initialized(manager, k), manager, GramianTesting.tasks(k), g, 0);
                double[] p = projections(alpha, g);
                for (int i = 1; i < k; i++) {
                    assertEquals(p[0], p[i], 1e-8 * Math.abs(p[0]), "trial " + trial);
                }
                assertTrue(p[0] > 0, "trial " + trial + ": the projections are not positive");
                double sum = 0;
                for (double a : alpha) {
                    sum += a;
                }
                assertEquals(1.0, Math.abs(sum), 1e-9, "trial " + trial);

                // the paper's formula, computed independently from the vectors: the same weights,
                // except that where they sum to 1 with negative projections the sign is flipped
                double[] paper = paperWeights(g);
                double sign = projections(paper, g)[0] > 0 ? 1.0 : -1.0;
                if (sign < 0) {
                    flipped++;
                    assertEquals(-1.0, sum, 1e-9);
                }
                for (int i = 0; i < k; i++) {
                    assertEquals(
                            sign * paper[i],
                            alpha[i],
                            1e-7 * Math.max(1.0, Math.abs(paper[i])),
                            "trial " + trial + " task " + i);
                }
            }
        }
        assertTrue(flipped > 0, "no instance exercised the sign correction");
    }

    @Test
    void twoTasksGiveTheBisectorOfTheUnitGradients() {
        double[][] g = {{3.0, 0.0, 1.0}, {-1.0, 2.0, 0.5}};
        double n1 = GramianTesting.norm(g[0]);
        double n2 = GramianTesting.norm(g[1]);
        try (NDManager manager = ContractTensors.newManager()) {
            double[] alpha =
                    GramianTesting.combine(
                            initialized(manager, 2), manager, GramianTesting.tasks(2), g, 0);
            assertArrayEquals(new double[] {n2 / (n1 + n2), n1 / (n1 + n2)}, alpha, 1e-12);
        }
    }

    @Test
    void aDuplicatedGradientSharesItsWeightAndProjectionsStayEqual() {
        Random random = new Random(4);
        double[][] g = GramianTesting.randomVectors(random, 4, 6, 0.5);
        g[3] = g[1].clone();
        try (NDManager manager = ContractTensors.newManager()) {
            double[] alpha =
                    GramianTesting.combine(
                            initialized(manager, 4), manager, GramianTesting.tasks(4), g, 0);
            assertEquals(alpha[1], alpha[3], 1e-9);
            double[] p = projections(alpha, g);
            for (int i = 1; i < 4; i++) {
                assertEquals(p[0], p[i], 1e-6 * Math.abs(p[0]));
            }
            // the same direction as IMTL-G on the three distinct gradients
            double[] distinct =
                    GramianTesting.combine(
                            initialized(manager, 3),
                            manager,
                            GramianTesting.tasks(3),
                            new double[][] {g[0], g[1], g[2]},
                            0);
            assertArrayEquals(
                    new double[] {distinct[0], distinct[1] / 2, distinct[2], distinct[1] / 2},
                    alpha,
                    1e-7);
        }
    }

    @Test
    void aVanishingGradientGetsWeightZeroAndKeepsItsLastWeight() {
        Random random = new Random(8);
        double[][] g = GramianTesting.randomVectors(random, 3, 5, 0.0);
        g[0] = new double[5];
        try (NDManager manager = ContractTensors.newManager()) {
            GradientWeighting weighting = initialized(manager, 3);
            double[] alpha =
                    GramianTesting.combine(weighting, manager, GramianTesting.tasks(3), g, 0);
            assertEquals(0.0, alpha[0]);
            double[][] others = {g[1], g[2]};
            double[] p = projections(new double[] {alpha[1], alpha[2]}, others);
            assertEquals(p[0], p[1], 1e-9 * Math.abs(p[0]));
            assertEquals(1.0, alpha[1] + alpha[2], 1e-12);
            assertArrayEquals(
                    new double[] {1.0, alpha[1], alpha[2]}, weighting.lastWeights(), 0.0);
        }
    }

    @Test
    void aStepOfSomeTasksIsWeighedInItsOwnOrder() {
        double[][] g = {{2.0, 0.0}, {0.0, 6.0}};
        try (NDManager manager = ContractTensors.newManager()) {
            GradientWeighting weighting = initialized(manager, 3);
            double[] alpha = GramianTesting.combine(weighting, manager, List.of("t1", "t2"), g, 0);
            // orthogonal: α ∝ (n_2, n_1) = (6, 2)
            assertArrayEquals(new double[] {0.75, 0.25}, alpha, 1e-12);
            assertArrayEquals(new double[] {1.0, 0.75, 0.25}, weighting.lastWeights(), 1e-12);
        }
    }

    @Test
    void onlyTheGradientVariantIsOffered() {
        PluginConfigException e =
                assertThrows(
                        PluginConfigException.class,
                        () -> TestPlugins.create(new ImtlWeightingFactory(), "variant=hybrid"));
        assertEquals("weighting.imtl.variant", e.getKey());
        assertEquals(
                7,
                ((GradientWeighting)
                                TestPlugins.create(new ImtlWeightingFactory(), "update.every=7"))
                        .updateEvery());
    }
}
