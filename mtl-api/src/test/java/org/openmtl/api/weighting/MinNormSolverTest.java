package org.openmtl.api.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
            for (int i = 0; i < d; i++) {
                row[i] = r.nextGaussian();
            }
        }
        return v;
    }

    @Test
    void twoVectorsGiveTheClosedForm() {
        Random r = new Random(1);
        for (int t = 0; t < 200; t++) {
            double[][] v = random(r, 2, 4);
            double[][] g = gramian(v);
            double expected = Math.max(0, Math.min(1, (g[1][1] - g[0][1]) / (g[0][0] - 2 * g[0][1] + g[1][1])));
            double[] a = MinNormSolver.weights(g);
            assertEquals(expected, a[0], 1e-12);
            assertEquals(1 - expected, a[1], 1e-12);
        }
    }

    @Test
    void frankWolfeMatchesABruteForceSearchOfTheSimplexForThreeVectors() {
        Random r = new Random(2);
        int steps = 400;
        for (int t = 0; t < 30; t++) {
            double[][] g = gramian(random(r, 3, 5));
            double best = Double.POSITIVE_INFINITY;
            for (int i = 0; i <= steps; i++) {
                for (int j = 0; i + j <= steps; j++) {
                    double[] a = {i / (double) steps, j / (double) steps, (steps - i - j) / (double) steps};
                    best = Math.min(best, value(g, a));
                }
            }
            double[] a = MinNormSolver.weights(g, 10_000, 1e-12);
            assertEquals(1, a[0] + a[1] + a[2], 1e-12);
            assertTrue(a[0] >= 0 && a[1] >= 0 && a[2] >= 0);
            // the grid's spacing bounds how far its best point can be above the true minimum
            assertTrue(value(g, a) <= best + 1e-9, "solver " + value(g, a) + " > grid " + best);
            assertTrue(value(g, a) >= best - 0.05 * (1 + best), "solver far below the grid: " + value(g, a) + " vs " + best);
        }
    }

    @Test
    void degenerateCasesAreHandled() {
        assertArrayEquals(new double[] {1}, MinNormSolver.weights(new double[][] {{4}}), 0);
        double[] zero = MinNormSolver.weights(new double[][] {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}});
        assertEquals(1, zero[0] + zero[1] + zero[2], 1e-12);
        // duplicated vectors: any split between them is optimal; the norm is that of the vector
        double[][] dup = gramian(new double[][] {{1, 2}, {1, 2}, {3, -1}});
        double[] a = MinNormSolver.weights(dup);
        assertTrue(Double.isFinite(value(dup, a)));
        // a vector and its negative: the origin is in the hull
        double[][] opposite = gramian(new double[][] {{1, 1}, {-1, -1}});
        assertArrayEquals(new double[] {0.5, 0.5}, MinNormSolver.weights(opposite), 1e-12);
    }
}
