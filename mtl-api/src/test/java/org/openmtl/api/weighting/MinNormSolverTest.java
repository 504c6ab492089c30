package org.openmtl.api.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MinNormSolverTest {

    private static double[][] gramian(double[][] v) {
        double[][] g = new double[v.length][v.length];
        for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < v.length; j++) {
                for (int d = 0; d < v[i].length; d++) {
                    g[i][j] += v[i][d] * v[j][d];
                }
            }
        }
        return g;
    }

    private static double value(double[][] g, double[] a) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a.length; j++) {
                s += a[i] * g[i][j] * a[j];
            }
        }
        return s;
    }

    private static double[][] random(Random r, int k, int d) {
        double[][] v = new double[k][d];
        for (double[] row : v) {
            double scale = Math.exp(r.nextGaussian());
            for (int i = 0; i < d; i++) {
                row[i] = scale * r.nextGaussian();
            }
        }
        return v;
    }

    private static void assertOnSimplex(double[] a) {
        double sum = 0;
        for (double x : a) {
            assertTrue(x >= 0, "negative weight " + x);
            sum += x;
        }
        assertEquals(1, sum, 1e-12);
    }

    /** The brute-force minimum of αᵀGα over a grid of the 3-simplex with the given spacing. */
    private static double gridMinimum(double[][] g, int steps) {
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i <= steps; i++) {
            for (int j = 0; i + j <= steps; j++) {
                double[] a = {i / (double) steps, j / (double) steps, (steps - i - j) / (double) steps};
                best = Math.min(best, value(g, a));
            }
        }
        return best;
    }

    @Test
    void twoVectorsGiveTheClosedForm() {
        Random r = new Random(1);
        int interior = 0;
        for (int t = 0; t < 300; t++) {
            double[][] v = random(r, 2, 4);
            double[][] g = gramian(v);
            // α_1 = clip((g2 − g1)·g2 / ‖g1 − g2‖², 0, 1), from the vectors themselves
            double num = 0;
            double den = 0;
            for (int d = 0; d < 4; d++) {
                num += (v[1][d] - v[0][d]) * v[1][d];
                den += (v[0][d] - v[1][d]) * (v[0][d] - v[1][d]);
            }
            double expected = Math.max(0, Math.min(1, num / den));
            interior += expected > 0 && expected < 1 ? 1 : 0;
            double[] a = MinNormSolver.weights(g);
            assertEquals(expected, a[0], 1e-12);
            assertEquals(1 - expected, a[1], 1e-12);
        }
        assertTrue(interior > 50 && interior < 250, interior + " interior solutions of 300");
    }

    @Test
    void frankWolfeMatchesABruteForceSearchOfTheSimplexForThreeVectors() {
        Random r = new Random(2);
        int steps = 400;
        for (int t = 0; t < 40; t++) {
            // D = 2 < K makes the origin reachable (value 0); D = 5 leaves it out
            double[][] g = gramian(random(r, 3, t % 2 == 0 ? 5 : 2));
            double best = gridMinimum(g, steps);
            for (double[] a :
                    new double[][] {MinNormSolver.weights(g), MinNormSolver.weights(g, 10_000, 0)}) {
                assertOnSimplex(a);
                double scale = g[0][0] + g[1][1] + g[2][2];
                // the grid's best point is at or above the true minimum
                assertTrue(
                        value(g, a) <= best + 1e-12 * scale,
                        "solver " + value(g, a) + " > grid " + best);
                // and a spacing of 1/400 puts it within (1/400)²·trace of it
                assertTrue(
                        value(g, a) >= best - scale / (steps * (double) steps),
                        "solver far below the grid: " + value(g, a) + " vs " + best);
            }
        }
    }

    @Test
    void theSolutionSatisfiesTheOptimalityConditionsForManyVectors() {
        // α is optimal iff (Gα)_i ≥ αᵀGα for every i, with equality on the support: no vertex has
        // a smaller slope than the point itself (an independent certificate, not a second solver)
        Random r = new Random(3);
        int faces = 0;
        for (int t = 0; t < 200; t++) {
            int k = 3 + t % 6;
            int d = 1 + r.nextInt(10);
            double[][] g = gramian(random(r, k, d));
            double[] a = MinNormSolver.weights(g);
            assertOnSimplex(a);
            double q = value(g, a);
            double trace = 0;
            for (int i = 0; i < k; i++) {
                trace += g[i][i];
            }
            int support = 0;
            for (int i = 0; i < k; i++) {
                double slope = 0;
                for (int j = 0; j < k; j++) {
                    slope += g[i][j] * a[j];
                }
                assertTrue(slope >= q - 1e-9 * trace, "trial " + t + ": vertex " + i + " descends");
                if (a[i] > 1e-9) {
                    support++;
                    assertEquals(q, slope, 1e-9 * trace, "trial " + t + ": support vertex " + i);
                }
            }
            if (support > 2 && support < k) {
                faces++;
            }
        }
        // minima inside a face with more than two vertices: where plain Frank–Wolfe zigzags
        assertTrue(faces > 20, faces + " minima on faces of three or more vertices");
    }

    @Test
    void theWeightsDoNotDependOnTheScale() {
        Random r = new Random(4);
        for (int t = 0; t < 50; t++) {
            double[][] g = gramian(random(r, 2 + t % 4, 4));
            double[] reference = MinNormSolver.weights(g);
            for (double scale : new double[] {1e-30, 1e-12, 1e12}) {
                double[][] scaled = new double[g.length][g.length];
                for (int i = 0; i < g.length; i++) {
                    for (int j = 0; j < g.length; j++) {
                        scaled[i][j] = g[i][j] * scale;
                    }
                }
                assertArrayEquals(reference, MinNormSolver.weights(scaled), 1e-7, "scale " + scale);
            }
        }
    }

    @Test
    void aSinglePrecisionGramianIsSymmetrized() {
        Random r = new Random(5);
        double[][] g = gramian(random(r, 4, 6));
        double[][] lopsided = new double[4][4];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                lopsided[i][j] = g[i][j] + (i < j ? 1e-7 : -1e-7) * Math.abs(g[i][j]);
            }
        }
        double[][] symmetric = new double[4][4];
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                symmetric[i][j] = 0.5 * (lopsided[i][j] + lopsided[j][i]);
            }
        }
        assertArrayEquals(
                MinNormSolver.weights(symmetric), MinNormSolver.weights(lopsided), 0);
    }

    @Test
    void oneVectorHasAllTheWeight() {
        assertArrayEquals(new double[] {1}, MinNormSolver.weights(new double[][] {{4}}), 0);
        assertArrayEquals(new double[] {1}, MinNormSolver.weights(new double[][] {{0}}), 0);
    }

    @Test
    void aZeroVectorIsTheMinimum() {
        double[][] allZero = new double[3][3];
        double[] a = MinNormSolver.weights(allZero);
        assertOnSimplex(a);
        assertEquals(0, value(allZero, a), 0);
        // one task without gradient among others: the hull contains the origin, at its vertex
        double[][] g = gramian(new double[][] {{1, 2}, {0, 0}, {-3, 1}, {2, 2}});
        a = MinNormSolver.weights(g);
        assertArrayEquals(new double[] {0, 1, 0, 0}, a, 0);
        double[][] two = gramian(new double[][] {{0, 0}, {3, 4}});
        assertArrayEquals(new double[] {1, 0}, MinNormSolver.weights(two), 0);
    }

    @Test
    void duplicateVectorsGiveTheMinimumOfTheDistinctOnes() {
        // g1 = g2 = (1, 2), g3 = (3, −1): the min-norm point of the segment [(1, 2), (3, −1)]
        double[][] v = {{1, 2}, {1, 2}, {3, -1}};
        double[][] g = gramian(v);
        double[] a = MinNormSolver.weights(g);
        assertOnSimplex(a);
        // on the segment: ‖x(1, 2) + (1 − x)(3, −1)‖² with x = ((3,−1)−(1,2))·(3,−1)/‖(−2, 3)‖²
        double x = ((3 - 1) * 3 + (-1 - 2) * -1) / 13.0;
        double[] point = {x * 1 + (1 - x) * 3, x * 2 + (1 - x) * -1};
        assertEquals(point[0] * point[0] + point[1] * point[1], value(g, a), 1e-12);
        assertEquals(x, a[0] + a[1], 1e-12);
        // identical vectors only
        double[][] same = gramian(new double[][] {{2, -1}, {2, -1}, {2, -1}});
        a = MinNormSolver.weights(same);
        assertOnSimplex(a);
        assertEquals(5, value(same, a), 1e-12);
        assertArrayEquals(new double[] {0.5, 0.5}, MinNormSolver.weights(gramian(new double[][] {{1, 1}, {-1, -1}})), 1e-12);
    }

    @Test
    void aSingularGramianWithTheOriginInsideTheHullGivesZero() {
        // three vectors of the plane summing to zero: α = (1/3, 1/3, 1/3), norm 0
        double[][] g = gramian(new double[][] {{1, 0}, {-0.5, Math.sqrt(3) / 2}, {-0.5, -Math.sqrt(3) / 2}});
        double[] a = MinNormSolver.weights(g);
        assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, a, 1e-9);
        assertEquals(0, value(g, a), 1e-15);
    }

    @Test
    void malformedInputIsRefusedWithAReason() {
        assertThrows(IllegalArgumentException.class, () -> MinNormSolver.weights(new double[0][0]));
        assertThrows(
                IllegalArgumentException.class,
                () -> MinNormSolver.weights(new double[][] {{1, 0}, {0}}));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> MinNormSolver.weights(new double[][] {{1, Double.NaN}, {0, 1}}));
        assertTrue(e.getMessage().contains("non-finite"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        MinNormSolver.weights(
                                new double[][] {{1, 0, 0}, {0, Double.POSITIVE_INFINITY, 0}, {0, 0, 1}}));
        assertThrows(
                IllegalArgumentException.class,
                () -> MinNormSolver.weights(new double[][] {{1}}, -1, 1e-6));
        assertThrows(
                IllegalArgumentException.class,
                () -> MinNormSolver.weights(new double[][] {{1}}, 10, Double.NaN));
    }
}
