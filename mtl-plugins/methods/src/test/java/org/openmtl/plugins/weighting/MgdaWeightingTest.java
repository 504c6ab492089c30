package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.MatrixTaskGradients;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;

class MgdaWeightingTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static GradientWeighting mgda(String normalization) {
        return mgda(normalization, false);
    }

    private static GradientWeighting mgda(String normalization, boolean normalizedUpdate) {
        MgdaWeightingFactory f = new MgdaWeightingFactory();
        GradientWeighting w = (GradientWeighting) f.create(PluginConfigs.of(f.descriptor(),
                Map.of("normalization", normalization, "normalized.update", Boolean.toString(normalizedUpdate)), 1));
        w.initialize(GramianTesting.context(manager, GramianTesting.tasks(2)));
        return w;
    }

    @Test
    void twoTasksGiveTheAnalyticMinNormPoint() {
        Random random = new Random(11);
        for (int trial = 0; trial < 100; trial++) {
            double[][] g = GramianTesting.randomVectors(random, 2, 6, 0.5);
            double[] alpha = GramianTesting.combine(mgda("none"), manager, GramianTesting.tasks(2), g, 0);
            // α1 = clip((g2 − g1)·g2 / ‖g1 − g2‖², 0, 1)
            double[] diff = {0, 0, 0, 0, 0, 0};
            for (int i = 0; i < 6; i++) {
                diff[i] = g[1][i] - g[0][i];
            }
            double expected = Math.max(0, Math.min(1, GramianTesting.dot(diff, g[1]) / GramianTesting.dot(diff, diff)));
            assertEquals(expected, alpha[0], 1e-9);
            assertEquals(1 - expected, alpha[1], 1e-9);
            if (expected > 0 && expected < 1) {
                // an interior min-norm point is orthogonal to the hull's edge
                double[] d = GramianTesting.combined(alpha, g);
                assertEquals(0, GramianTesting.dot(d, diff), 1e-9 * (1 + GramianTesting.dot(diff, diff)));
            }
        }
    }

    @Test
    void normalizationsScaleTheGradientsAsDefined() {
        // orthogonal gradients of norms 1 and 3, losses 1 and 2 (the test helper's step losses)
        double[][] g = {{1, 0}, {0, 3}};
        // none: min ‖a g1 + (1 − a) g2‖² = a² + 9(1 − a)² → a = 9/10
        assertArrayEquals(new double[] {0.9, 0.1}, GramianTesting.combine(mgda("none"), manager, GramianTesting.tasks(2), g, 0), 1e-9);
        // l2: unit vectors → a = 1/2
        assertArrayEquals(new double[] {0.5, 0.5}, GramianTesting.combine(mgda("l2"), manager, GramianTesting.tasks(2), g, 0), 1e-9);
        // loss: g1/1 and g2/2 have norms 1 and 1.5 → a = 2.25 / 3.25
        double a = 2.25 / 3.25;
        assertArrayEquals(new double[] {a, 1 - a}, GramianTesting.combine(mgda("loss"), manager, GramianTesting.tasks(2), g, 0), 1e-9);
        // loss+: g1/(1·1) and g2/(2·3) have norms 1 and 0.5 → a = 0.25 / 1.25
        double b = 0.25 / 1.25;
        assertArrayEquals(new double[] {b, 1 - b}, GramianTesting.combine(mgda("loss+"), manager, GramianTesting.tasks(2), g, 0), 1e-9);
    }

    @Test
    void aNormalizedUpdateIsTheMinNormPointOfTheNormalizedGradients() {
        // g1 = (1, 0), g2 = (0, 3), losses 1 and 2; the update Σ w_i g_i must be the min-norm point
        // of the hull of g1/c1 and g2/c2, computed here by hand
        double[][] g = {{1, 0}, {0, 3}};
        List<String> tasks = GramianTesting.tasks(2);
        // none: c = (1, 1), the plain weights (0.9, 0.1)
        assertArrayEquals(new double[] {0.9, 0.1}, GramianTesting.combine(mgda("none", true), manager, tasks, g, 0), 1e-9);
        // l2: unit vectors (1, 0) and (0, 1), min-norm point (½, ½) = ½ g1 + (1/6) g2
        assertArrayEquals(new double[] {0.5, 0.5 / 3}, GramianTesting.combine(mgda("l2", true), manager, tasks, g, 0), 1e-9);
        // loss: (1, 0) and (0, 1.5); min-norm point a(1, 0) + (1 − a)(0, 1.5), a = 2.25/3.25
        double a = 2.25 / 3.25;
        double[] w = GramianTesting.combine(mgda("loss", true), manager, tasks, g, 0);
        assertArrayEquals(new double[] {a, (1 - a) / 2}, w, 1e-9);
        double[] d = GramianTesting.combined(w, g);
        assertArrayEquals(new double[] {a, 1.5 * (1 - a)}, d, 1e-9);
        // loss+: (1, 0) and (0, 0.5); b = 0.25/1.25, weights b/1 and (1 − b)/(2·3)
        double b = 0.25 / 1.25;
        assertArrayEquals(new double[] {b, (1 - b) / 6}, GramianTesting.combine(mgda("loss+", true), manager, tasks, g, 0), 1e-9);
    }

    @Test
    void aNormalizedUpdateDescendsForEveryTask() {
        // d = Σ α_i g_i/c_i is the min-norm point of the normalized hull: d·g_i ≥ c_i‖d‖² for all i
        Random random = new Random(12);
        for (int trial = 0; trial < 100; trial++) {
            int k = 2 + trial % 4;
            double[][] g = GramianTesting.randomVectors(random, k, 8, 1.0);
            List<String> tasks = GramianTesting.tasks(k);
            GradientWeighting weighting = mgda("l2", true);
            weighting.initialize(GramianTesting.context(manager, tasks));
            double[] d = GramianTesting.combined(GramianTesting.combine(weighting, manager, tasks, g, 0), g);
            double squared = GramianTesting.dot(d, d);
            for (int i = 0; i < k; i++) {
                // the normalized vectors are unit vectors: an absolute tolerance fits
                assertTrue(GramianTesting.dot(d, g[i]) / GramianTesting.norm(g[i]) >= squared - 1e-9,
                        "trial " + trial + ", task " + i);
            }
        }
    }

    @Test
    void aZeroGradientOrLossIsLeftUnscaled() {
        // g2 = 0: the hull contains the origin, all the weight goes to task 2, with c2 = 1
        double[][] g = {{1, 2}, {0, 0}};
        assertArrayEquals(new double[] {0, 1}, GramianTesting.combine(mgda("l2", true), manager, GramianTesting.tasks(2), g, 0), 0);
        assertArrayEquals(new double[] {0, 1}, GramianTesting.combine(mgda("loss+"), manager, GramianTesting.tasks(2), g, 0), 0);
    }

    @Test
    void theUpperBoundVariantWorksOnTheRepresentationAndTheOtherOnTheGramian() {
        MgdaUbWeightingFactory f = new MgdaUbWeightingFactory();
        assertEquals(GradientRequirement.REPRESENTATION, ((GradientWeighting) f.create(PluginConfigs.defaults(f.descriptor(), 1))).requirement());
        assertEquals(GradientRequirement.GRAMIAN, mgda("none").requirement());
    }

    @Test
    void manyTasksGiveWeightsOnTheSimplexWithTheLastWeightsRecorded() {
        MgdaWeightingFactory f = new MgdaWeightingFactory();
        GradientWeighting w = (GradientWeighting) f.create(PluginConfigs.defaults(f.descriptor(), 1));
        List<String> tasks = GramianTesting.tasks(4);
        w.initialize(GramianTesting.context(manager, tasks));
        double[] alpha = GramianTesting.combine(w, manager, tasks, GramianTesting.randomVectors(new Random(3), 4, 5, 0.3), 0);
        double sum = 0;
        for (double x : alpha) {
            assertTrue(x >= 0);
            sum += x;
        }
        assertEquals(1, sum, 1e-9);
        assertArrayEquals(alpha, w.lastWeights(), 0);
    }

    /** One step of a weighting on the given gradient rows and losses (single precision, as trained). */
    private static double[] step(
            org.openmtl.api.plugin.PluginFactory<?> factory,
            GradientRequirement requirement,
            double[][] g,
            double[] losses,
            String... settings) {
        int k = g.length;
        GradientWeighting weighting = (GradientWeighting) TestPlugins.create(factory, settings);
        weighting.initialize(GramianTesting.context(manager, GramianTesting.tasks(k)));
        float[][] rows = new float[k][];
        for (int t = 0; t < k; t++) {
            rows[t] = new float[g[t].length];
            for (int j = 0; j < g[t].length; j++) {
                rows[t][j] = (float) g[t][j];
            }
        }
        try (NDManager stepManager = manager.newSubManager()) {
            return weighting
                    .combine(
                            new MatrixTaskGradients(
                                    requirement,
                                    stepManager.create(rows),
                                    WeightingTesting.losses(stepManager, GramianTesting.tasks(k), losses)),
                            new StepContext(1, 0, stepManager))
                    .taskWeights();
        }
    }

    /**
     * LibMTL's MGDA and the authors' min-norm solver (both run to convergence) on fixed gradients
     * and losses, for every normalization: by default the weights are the min-norm weights α of
     * the normalized gradients, applied to the original gradients as the authors' code does; with
     * {@code normalized.update=true} the update is LibMTL's Σ_t α_t g_t / c_t. MGDA-UB runs the same
     * solver on representation gradients, checked on the same rows.
     */
    @Test
    void matchesTheReferenceImplementationsOnFixedInputs() {
        for (JsonObject c : ReferenceValues.cases("mgda")) {
            String name = c.get("name").getAsString();
            String normalization = "normalization=" + c.get("normalization").getAsString();
            double[][] g = ReferenceValues.matrix(c, "gradients");
            double[] losses = ReferenceValues.vector(c, "losses");
            double[] alpha = step(new MgdaWeightingFactory(), GradientRequirement.GRAMIAN, g, losses, normalization);
            ReferenceValues.assertClose(ReferenceValues.vector(c, "alpha"), alpha, name + ", LibMTL's alpha");
            ReferenceValues.assertClose(
                    ReferenceValues.vector(c, "authorsAlpha"), alpha, name + ", the authors' alpha");
            double[] normalized =
                    step(new MgdaWeightingFactory(), GradientRequirement.GRAMIAN, g, losses,
                            normalization, "normalized.update=true");
            ReferenceValues.assertClose(
                    ReferenceValues.vector(c, "sharedGradient"),
                    GramianTesting.combined(normalized, g),
                    name + ", LibMTL's update");
            double[] upperBound =
                    step(new MgdaUbWeightingFactory(), GradientRequirement.REPRESENTATION, g, losses, normalization);
            ReferenceValues.assertClose(
                    ReferenceValues.vector(c, "authorsAlpha"), upperBound, name + ", mgda-ub's alpha");
        }
    }
}
