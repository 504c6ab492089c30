package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class NashMtlWeightingTest {

    private static NashMtlWeighting initialized(NDManager manager, int k, String... settings) {
        NashMtlWeighting weighting =
                (NashMtlWeighting) TestPlugins.create(new NashMtlWeightingFactory(), settings);
        weighting.initialize(GramianTesting.context(manager, GramianTesting.tasks(k)));
        return weighting;
    }

    /** max_i |α_i (Mα)_i − 1|: zero exactly when M α = 1/α. */
    private static double bargainingResidual(double[][] m, double[] alpha) {
        double[] ma = GramianTesting.times(m, alpha);
        double worst = 0;
        for (int i = 0; i < alpha.length; i++) {
            worst = Math.max(worst, Math.abs(alpha[i] * ma[i] - 1.0));
        }
        return worst;
    }

    @Test
    void weightsSolveTheBargainingConditionOnRandomPositiveDefiniteGramians() {
        Random random = new Random(7);
        try (NDManager manager = ContractTensors.newManager()) {
            for (int trial = 0; trial < 200; trial++) {
                int k = 2 + random.nextInt(7);
                int d = k + 1 + random.nextInt(6);
                // norms spread over about three orders of magnitude
                double[][] g = GramianTesting.randomVectors(random, k, d, 1.5);
                double[][] gramian = GramianTesting.gramian(g);

                NashMtlWeighting exact = initialized(manager, k, "ridge=0");
                double[] alpha =
                        GramianTesting.combine(exact, manager, GramianTesting.tasks(k), g, 0);
                for (double a : alpha) {
                    assertTrue(a > 0, "a weight is not positive: " + a);
                }
                assertTrue(exact.lastSolveConverged(), "trial " + trial + " did not converge");
                assertTrue(
                        bargainingResidual(gramian, alpha) < 1e-8,
                        "trial " + trial + ": G alpha != 1/alpha, residual "
                                + bargainingResidual(gramian, alpha));

                // the default ridge solves (G + ridge·diag(G)) α = 1/α, within the default steps
                NashMtlWeighting regularized = initialized(manager, k);
                double[] beta =
                        GramianTesting.combine(
                                regularized, manager, GramianTesting.tasks(k), g, 0);
                assertTrue(regularized.lastSolveConverged(), "trial " + trial);
                double[][] ridged = GramianTesting.gramian(g);
                for (int i = 0; i < k; i++) {
                    ridged[i][i] *= 1 + 1e-6;
                }
                assertTrue(bargainingResidual(ridged, beta) < 1e-8, "trial " + trial);
                // and is within the ridge's reach of the exact solution
                assertTrue(bargainingResidual(gramian, beta) < 1e-3, "trial " + trial);
            }
        }
    }

    @Test
    void orthogonalGradientsGetTheirInverseNorms() {
        Random random = new Random(3);
        double[] norms = {0.01, 0.5, 3.0, 40.0};
        double[][] g = GramianTesting.orthogonalVectors(random, 6, norms);
        try (NDManager manager = ContractTensors.newManager()) {
            double[] alpha =
                    GramianTesting.combine(
                            initialized(manager, 4, "ridge=0"),
                            manager,
                            GramianTesting.tasks(4),
                            g,
                            0);
            for (int i = 0; i < norms.length; i++) {
                assertEquals(1 / norms[i], alpha[i], 1e-10 / norms[i], "task " + i);
            }
            // every task gets the same share of the update: α_i (d·g_i) = 1, and ‖d‖² = K
            double[] d = GramianTesting.combined(alpha, g);
            for (int i = 0; i < norms.length; i++) {
                assertEquals(1.0, alpha[i] * GramianTesting.dot(d, g[i]), 1e-10);
            }
            assertEquals(4.0, GramianTesting.dot(d, d), 1e-9);

            // the default ridge scales the diagonal by 1 + 1e-6: α_i = 1/(‖g_i‖ √(1 + 1e-6))
            double[] ridged =
                    GramianTesting.combine(
                            initialized(manager, 4), manager, GramianTesting.tasks(4), g, 0);
            for (int i = 0; i < norms.length; i++) {
                assertEquals(
                        1 / (norms[i] * Math.sqrt(1 + 1e-6)), ridged[i], 1e-10 / norms[i]);
            }
        }
    }

    @Test
    void weightsMatchTheAuthorsSolverOnFixedGradients() {
        // expected α from the authors' cvxpy/ECOS solver (reference/nash-mtl, see its README.md);
        // their constraint on G/‖G‖_F with the factor ‖G‖_F puts the answer at α_i (Gα)_i = 1 on
        // the raw Gramian, with no rescaling
        JsonObject reference = ReferenceData.load("nash-mtl", "expected.json");
        try (NDManager manager = ContractTensors.newManager()) {
            for (JsonElement c : reference.getAsJsonArray("cases")) {
                JsonObject item = c.getAsJsonObject();
                double[][] g = ReferenceData.matrix(item.get("gradients"));
                double[] expected = ReferenceData.vector(item.get("alpha"));
                double[] alpha =
                        GramianTesting.combine(
                                initialized(manager, g.length), manager, GramianTesting.tasks(g.length), g, 0);
                ReferenceData.assertRelative(expected, alpha, 1e-5, item.get("name").getAsString());
            }
            // consecutive updates: the authors warm-start from the last α; the fixed point is the same
            NashMtlWeighting weighting = initialized(manager, 3);
            int step = 0;
            for (JsonElement c : reference.getAsJsonArray("sequence")) {
                double[][] g = ReferenceData.matrix(c.getAsJsonObject().get("gradients"));
                double[] alpha = GramianTesting.combine(weighting, manager, GramianTesting.tasks(3), g, step++);
                ReferenceData.assertRelative(
                        ReferenceData.vector(c.getAsJsonObject().get("alpha")), alpha, 1e-5, "sequence " + step);
            }
        }
    }

    @Test
    void defaultsFollowTheAuthors() {
        try (NDManager manager = ContractTensors.newManager()) {
            NashMtlWeighting weighting = initialized(manager, 2);
            // the authors' max_norm = 1 on the shared parameters, and Σ α_i L_i through the heads
            assertEquals(1.0, weighting.sharedGradientMaxNorm());
            assertTrue(weighting.weightsHeads());
            NashMtlWeighting variant = initialized(manager, 2, "max.norm=0", "heads=unweighted");
            assertEquals(0.0, variant.sharedGradientMaxNorm());
            assertTrue(!variant.weightsHeads());
        }
    }

    @Test
    void opposedGradientsGiveFiniteWeightsAndABoundedUpdate() {
        // g_2 = −2 g_1: a positive combination vanishes, so G α = 1/α has no solution; the ridge
        // keeps the weights finite and the update norm stays at most √K
        double[][] g = {{1.0, 2.0, -1.0}, {-2.0, -4.0, 2.0}, {0.5, 0.0, 3.0}};
        try (NDManager manager = ContractTensors.newManager()) {
            NashMtlWeighting weighting = initialized(manager, 3, "max.iterations=100");
            double[] alpha =
                    GramianTesting.combine(weighting, manager, GramianTesting.tasks(3), g, 0);
            assertTrue(weighting.lastSolveConverged());
            for (double a : alpha) {
                assertTrue(Double.isFinite(a) && a > 0, "weight " + a);
            }
            double[] d = GramianTesting.combined(alpha, g);
            assertTrue(GramianTesting.dot(d, d) <= 3.0 + 1e-9);
            // the third task, orthogonal to neither, still gets (almost) its bargaining share
            assertEquals(1.0, alpha[2] * GramianTesting.dot(d, g[2]), 1e-3);
        }
    }

    @Test
    void aVanishingGradientGetsWeightZeroAndKeepsItsLastWeight() {
        Random random = new Random(11);
        double[][] g = GramianTesting.randomVectors(random, 3, 5, 0.0);
        g[1] = new double[5];
        try (NDManager manager = ContractTensors.newManager()) {
            NashMtlWeighting weighting = initialized(manager, 3, "ridge=0");
            double[] alpha =
                    GramianTesting.combine(weighting, manager, GramianTesting.tasks(3), g, 0);
            assertEquals(0.0, alpha[1]);
            double[][] others = {g[0], g[2]};
            assertTrue(
                    bargainingResidual(
                                    GramianTesting.gramian(others),
                                    new double[] {alpha[0], alpha[2]})
                            < 1e-8);
            assertArrayEquals(
                    new double[] {alpha[0], 1.0, alpha[2]}, weighting.lastWeights(), 0.0);
        }
    }

    @Test
    void aStepOfSomeTasksWeighsThemInTheStepsOrderAndKeepsTheOthersLastWeights() {
        double[][] g = {{3.0, 0.0}, {0.0, 0.25}};
        try (NDManager manager = ContractTensors.newManager()) {
            NashMtlWeighting weighting = initialized(manager, 3, "ridge=0");
            double[] alpha =
                    GramianTesting.combine(weighting, manager, List.of("t2", "t0"), g, 0);
            assertArrayEquals(new double[] {1 / 3.0, 4.0}, alpha, 1e-12);
            assertArrayEquals(new double[] {4.0, 1.0, 1 / 3.0}, weighting.lastWeights(), 1e-12);
        }
    }

    @Test
    void declaresTheGramianAndItsUpdatePeriod() {
        GradientWeighting weighting =
                (GradientWeighting)
                        TestPlugins.create(new NashMtlWeightingFactory(), "update.every=25");
        assertEquals(25, weighting.updateEvery());
        assertEquals(
                org.openmtl.api.weighting.GradientRequirement.GRAMIAN, weighting.requirement());
        assertEquals(
                1,
                ((GradientWeighting) TestPlugins.create(new NashMtlWeightingFactory()))
                        .updateEvery());
    }
}
