package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class CaGradWeightingTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = ContractTensors.newManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static GradientWeighting initialized(int k, String... settings) {
        GradientWeighting weighting =
                (GradientWeighting) TestPlugins.create(new CaGradWeightingFactory(), settings);
        weighting.initialize(GramianTesting.context(manager, GramianTesting.tasks(k)));
        return weighting;
    }

    private static double[] weights(double[][] g, String... settings) {
        return GramianTesting.combine(
                initialized(g.length, settings), manager, GramianTesting.tasks(g.length), g, 0);
    }

    private static double[] average(double[][] g) {
        double[] uniform = new double[g.length];
        Arrays.fill(uniform, 1.0 / g.length);
        return GramianTesting.combined(uniform, g);
    }

    /** The paper's F(w) = g_wᵀg₀ + c‖g₀‖‖g_w‖, on the vectors. */
    private static double objective(double[][] g, double c, double[] w) {
        double[] g0 = average(g);
        double[] gw = GramianTesting.combined(w, g);
        return GramianTesting.dot(gw, g0) + c * GramianTesting.norm(g0) * GramianTesting.norm(gw);
    }

    private static double meanSquaredNorm(double[][] g) {
        double s = 0;
        for (double[] row : g) {
            s += GramianTesting.dot(row, row);
        }
        return s / g.length;
    }

    @Test
    void cZeroGivesTheAverageGradient() {
        Random random = new Random(30);
        for (int trial = 0; trial < 20; trial++) {
            int k = 2 + trial % 4;
            double[][] g = GramianTesting.randomVectors(random, k, 6, 0.5);
            for (String rescale : new String[] {"0", "1", "2"}) {
                double[] w = weights(g, "c=0", "rescale=" + rescale);
                double[] uniform = new double[k];
                Arrays.fill(uniform, 1.0 / k);
                assertArrayEquals(uniform, w, 1e-15);
                assertArrayEquals(average(g), GramianTesting.combined(w, g), 1e-12);
            }
        }
    }

    @Test
    void theSolverBeatsEveryVertexAndEveryPointOfAFineGridForThreeTasks() {
        Random random = new Random(31);
        int n = 120;
        for (int trial = 0; trial < 40; trial++) {
            double[][] g = GramianTesting.randomVectors(random, 3, 2 + trial % 4, 1.0);
            double[][] gramian = GramianTesting.gramian(g);
            double[] g0 = average(g);
            double[] q = GramianTesting.times(gramian, new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3});
            double tolerance = 1e-10 * meanSquaredNorm(g);
            for (double c : new double[] {0.1, 0.4, 0.8, 1.5}) {
                double r = c * GramianTesting.norm(g0);
                double[] w = ConflictAverseSolver.minimize(gramian, q, r);
                assertEquals(1, w[0] + w[1] + w[2], 1e-12);
                assertTrue(w[0] >= 0 && w[1] >= 0 && w[2] >= 0, Arrays.toString(w));
                double found = objective(g, c, w);
                double best = Double.POSITIVE_INFINITY;
                for (int a = 0; a <= n; a++) {
                    for (int b = 0; a + b <= n; b++) {
                        double[] point = {(double) a / n, (double) b / n, (double) (n - a - b) / n};
                        best = Math.min(best, objective(g, c, point));
                    }
                }
                assertTrue(
                        found <= best + tolerance,
                        "trial " + trial + ", c " + c + ": F(w) = " + found + " > grid " + best);
            }
        }
    }

    @Test
    void theUpdateMaximizesTheWorstImprovementWithinTheBall() {
        Random random = new Random(32);
        int checked = 0;
        for (int trial = 0; trial < 200; trial++) {
            int k = 2 + trial % 6;
            // fewer dimensions than tasks in some trials: linearly dependent gradients
            int d = 3 + trial % 5;
            double[][] g = GramianTesting.randomVectors(random, k, d, 0.8);
            double c = 0.4;
            double[] w = weights(g, "rescale=0");
            double[] direction = GramianTesting.combined(w, g);
            double[] g0 = average(g);
            double scale = meanSquaredNorm(g);
            // d = g₀ + λ g_w*, with 1/K + λ w*_i the weights: recover λ and w*
            double lambda = -1;
            for (double x : w) {
                lambda += x;
            }
            if (!(lambda > 1e-9)) {
                continue; // a Pareto-stationary optimum: d = g₀
            }
            double[] optimum = new double[k];
            for (int i = 0; i < k; i++) {
                optimum[i] = (w[i] - 1.0 / k) / lambda;
                assertTrue(optimum[i] >= -1e-12, "w* is on the simplex");
            }
            checked++;
            // on the ball's boundary ‖d − g₀‖ = c‖g₀‖
            double[] offset = g0.clone();
            for (int e = 0; e < d; e++) {
                offset[e] = direction[e] - g0[e];
            }
            assertEquals(
                    c * GramianTesting.norm(g0),
                    GramianTesting.norm(offset),
                    1e-9 * Math.sqrt(scale));
            double worst = Double.POSITIVE_INFINITY;
            double worstAtAverage = Double.POSITIVE_INFINITY;
            for (double[] row : g) {
                worst = Math.min(worst, GramianTesting.dot(row, direction));
                worstAtAverage = Math.min(worstAtAverage, GramianTesting.dot(row, g0));
            }
            // strong duality: min_i g_iᵀd = F(w*), and it is at least what g₀ itself achieves
            assertEquals(objective(g, c, optimum), worst, 1e-7 * scale, "trial " + trial);
            assertTrue(worst >= worstAtAverage - 1e-9 * scale, "trial " + trial);
            // c < 1: the update is a descent direction for the average loss
            assertTrue(GramianTesting.dot(direction, g0) > 0, "trial " + trial);
        }
        assertTrue(checked > 150, checked + " trials had a non-degenerate optimum");
    }

    @Test
    void theRescalingsDivideByOnePlusCSquaredOrOnePlusC() {
        double[][] g = GramianTesting.randomVectors(new Random(33), 4, 5, 0.5);
        double[] plain = weights(g, "c=0.6", "rescale=0");
        double[] one = weights(g, "c=0.6", "rescale=1");
        double[] two = weights(g, "c=0.6", "rescale=2");
        for (int i = 0; i < 4; i++) {
            assertEquals(plain[i] / 1.36, one[i], 1e-12);
            assertEquals(plain[i] / 1.6, two[i], 1e-12);
        }
        // the default is c = 0.4 with rescale 1
        double[] defaults = weights(g);
        double[] explicit = weights(g, "c=0.4", "rescale=1");
        assertArrayEquals(explicit, defaults, 0);
    }

    @Test
    void oneTaskIsScaledByOnePlusCAndRescaled() {
        double[][] g = {{3, -4}};
        assertArrayEquals(new double[] {1.4 / 1.16}, weights(g), 1e-12);
    }

    @Test
    void opposedOrZeroGradientsGiveTheFiniteAverage() {
        double[][] opposed = {{1, 2}, {-1, -2}};
        assertArrayEquals(new double[] {0.5 / 1.16, 0.5 / 1.16}, weights(opposed), 1e-12);
        double[][] zero = {{0, 0}, {0, 0}, {0, 0}};
        double third = 1.0 / 3 / 1.16;
        assertArrayEquals(new double[] {third, third, third}, weights(zero), 1e-12);
    }

    @Test
    void aStepOfSomeTasksLeavesTheOthersLastWeights() {
        GradientWeighting weighting = initialized(3, "rescale=0");
        double[][] g = {{1, 0}, {-0.5, 1}};
        double[] w = GramianTesting.combine(weighting, manager, List.of("t2", "t0"), g, 0);
        assertArrayEquals(new double[] {w[1], 1, w[0]}, weighting.lastWeights(), 0);
        assertArrayEquals(weighting.lastWeights(), weighting.state().get("weights"), 0);
    }

    /**
     * LibMTL's CAGrad (its SLSQP solve run to convergence) on fixed task gradients, at the default
     * c = 0.4, rescale 1 and at other c and rescalings: the update and its weights in the task
     * gradients.
     */
    @Test
    void matchesTheReferenceImplementationOnFixedInputs() {
        for (JsonObject c : ReferenceValues.cases("cagrad")) {
            String name = c.get("name").getAsString();
            double[][] g = ReferenceValues.matrix(c, "gradients");
            double[] w =
                    weights(g, "c=" + c.get("c").getAsDouble(), "rescale=" + c.get("rescale").getAsInt());
            ReferenceValues.assertClose(ReferenceValues.vector(c, "weights"), w, name + ", weights");
            ReferenceValues.assertClose(
                    ReferenceValues.vector(c, "sharedGradient"),
                    GramianTesting.combined(w, g),
                    name + ", update");
        }
    }
}
