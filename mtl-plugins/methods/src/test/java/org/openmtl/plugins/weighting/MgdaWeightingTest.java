package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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
        MgdaWeightingFactory f = new MgdaWeightingFactory();
        GradientWeighting w = (GradientWeighting) f.create(PluginConfigs.of(f.descriptor(), Map.of("normalization", normalization), 1));
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
}
