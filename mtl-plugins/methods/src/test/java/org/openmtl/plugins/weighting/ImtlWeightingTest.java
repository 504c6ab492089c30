package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.testkit.ArrayTaskLosses;
import org.openmtl.testkit.MatrixTaskGradients;
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
    void theHybridIsTheDefaultAndEveryVariantIsOffered() {
        try (NDManager manager = ContractTensors.newManager()) {
            GradientWeighting hybrid = initialized(manager, 3);
            assertEquals(GradientRequirement.GRAMIAN, hybrid.requirement());
            assertEquals(1, hybrid.parameters().size(), "the loss scales");
            GradientWeighting g = initialized(manager, 3, "variant=g");
            assertEquals(GradientRequirement.GRAMIAN, g.requirement());
            assertEquals(List.of(), g.parameters());
            assertTrue(TestPlugins.create(new ImtlWeightingFactory(), "variant=l") instanceof ImtlLossWeighting);
        }
        PluginConfigException e =
                assertThrows(
                        PluginConfigException.class,
                        () -> TestPlugins.create(new ImtlWeightingFactory(), "variant=both"));
        assertEquals("weighting.imtl.variant", e.getKey());
        assertEquals(
                7,
                ((GradientWeighting)
                                TestPlugins.create(new ImtlWeightingFactory(), "update.every=7"))
                        .updateEvery());
    }

    @Test
    void imtlGAloneKeepsTheRawLosses() {
        try (NDManager manager = ContractTensors.newManager()) {
            GradientWeighting g = initialized(manager, 2, "variant=g");
            ArrayTaskLosses losses = WeightingTesting.losses(manager, GramianTesting.tasks(2), 0.5, 2.0);
            List<NDArray> objectives = g.taskObjectives(losses, new StepContext(1, 0, manager));
            assertSame(losses.get(0), objectives.get(0));
            assertSame(losses.get(1), objectives.get(1));
        }
    }

    /**
     * LibMTL's IMTL on a shared parameter vector with quadratic task losses: the trainer's chain
     * rule is replayed here (each scaled objective back-propagated to its loss, the raw gradient
     * scaled by that), the weighting combines the scaled gradients, and α, the shared gradient Σ_t
     * α_t ∇(e^{s_t} L_t) and the log-scales' gradient are compared to the reference's.
     */
    @Test
    void theHybridMatchesTheReferenceImplementationOnFixedInputs() {
        for (JsonObject c : ReferenceValues.cases("imtl")) {
            String name = c.get("name").getAsString();
            double[][] raw = ReferenceValues.matrix(c, "gradients");
            int k = raw.length;
            try (NDManager manager = ContractTensors.newManager();
                    GradientCollector collector = ContractTensors.newGradientCollector()) {
                GradientWeighting weighting = initialized(manager, k);
                NDArray logScale = weighting.parameters().get(0).getArray();
                logScale.set(ReferenceValues.floats(c, "logScales"));
                List<NDArray> leaves = new ArrayList<>();
                for (double value : ReferenceValues.vector(c, "losses")) {
                    NDArray loss = manager.create((float) value);
                    loss.setRequiresGradient(true);
                    leaves.add(loss);
                }
                StepContext step = new StepContext(1, 0, manager);
                List<NDArray> objectives =
                        weighting.taskObjectives(new ArrayTaskLosses(GramianTesting.tasks(k), leaves), step);
                NDArray total = objectives.get(0);
                for (int t = 1; t < k; t++) {
                    total = total.add(objectives.get(t));
                }
                collector.backward(total);
                float[][] scaled = new float[k][];
                for (int t = 0; t < k; t++) {
                    // d objective_t / d L_t = e^{s_t}: the objective's gradient is the scaled raw one
                    float factor = leaves.get(t).getGradient().getFloat();
                    scaled[t] = new float[raw[t].length];
                    for (int j = 0; j < raw[t].length; j++) {
                        scaled[t][j] = (float) (factor * raw[t][j]);
                    }
                }
                double[] alpha =
                        weighting.combine(
                                        new MatrixTaskGradients(
                                                GradientRequirement.GRAMIAN,
                                                manager.create(scaled),
                                                new ArrayTaskLosses(GramianTesting.tasks(k), leaves)),
                                        step)
                                .taskWeights();
                ReferenceValues.assertClose(ReferenceValues.vector(c, "alpha"), alpha, name + ", alpha");
                double[] shared = new double[raw[0].length];
                for (int t = 0; t < k; t++) {
                    for (int j = 0; j < shared.length; j++) {
                        shared[j] += alpha[t] * scaled[t][j];
                    }
                }
                ReferenceValues.assertClose(
                        ReferenceValues.vector(c, "sharedGradient"), shared, name + ", shared gradient");
                ReferenceValues.assertClose(
                        ReferenceValues.vector(c, "logScaleGradient"),
                        logScale.getGradient().toFloatArray(),
                        name + ", log-scale gradient");
            }
        }
    }
}
