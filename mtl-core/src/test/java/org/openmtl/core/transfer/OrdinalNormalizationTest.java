package org.openmtl.core.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Taskonomy's win-rate tournament normalization against hand-computed values. */
class OrdinalNormalizationTest {

    @Test
    void winRatesCountLowerLossesAndTiesAsHalf() {
        // three sources, four test examples; source 1 ties source 0 on the last example
        double[][] losses = {
            {0.1, 0.5, 0.3, 0.2},
            {0.2, 0.4, 0.9, 0.2},
            {0.3, 0.6, 0.1, 0.7}};
        double[][] w = OrdinalNormalization.winRates(losses);
        // 0 vs 1: ex0 win, ex1 loss, ex2 win, ex3 tie -> 2.5/4
        assertEquals(0.625, w[0][1], 1e-15);
        assertEquals(0.375, w[1][0], 1e-15);
        // 0 vs 2: win, win, loss, win -> 3/4
        assertEquals(0.75, w[0][2], 1e-15);
        // 1 vs 2: win, win, loss, win -> 3/4
        assertEquals(0.75, w[1][2], 1e-15);
        assertEquals(0.25, w[2][1], 1e-15);
        assertEquals(0.5, w[2][2], 0);
    }

    @Test
    void aConsistentTournamentHasTheSourcesStrengthsAsItsPrincipalEigenvector() {
        // strengths a = (4, 2, 1): w[i][j] = a_i / (a_i + a_j), so W'[i][j] = a_i / a_j, whose
        // principal eigenvector is a itself (eigenvalue n); scaled to sum 1 it is (4, 2, 1) / 7
        double[] a = {4, 2, 1};
        double[][] w = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                w[i][j] = a[i] / (a[i] + a[j]);
            }
        }
        double[][] t = OrdinalNormalization.tournament(w);
        assertEquals(2.0, t[0][1], 1e-12);
        assertEquals(0.25, t[2][0], 1e-12);
        assertArrayEquals(new double[] {4 / 7.0, 2 / 7.0, 1 / 7.0}, OrdinalNormalization.principalEigenvector(t), 1e-10);
    }

    @Test
    void winFractionsAreClippedAsInThePaper() {
        // source 0 beats source 1 on every example: w = 1 is clipped to 0.999, so W'[0][1] = 999
        double[][] losses = {{0.1, 0.1, 0.1}, {0.9, 0.9, 0.9}};
        double[][] t = OrdinalNormalization.tournament(OrdinalNormalization.winRates(losses));
        assertEquals(0.999 / 0.001, t[0][1], 1e-6);
        // the 2x2 reciprocal matrix [[1, r], [1/r, 1]] has eigenvector (r, 1) / (r + 1)
        double r = 0.999 / 0.001;
        assertArrayEquals(new double[] {r / (r + 1), 1 / (r + 1)}, OrdinalNormalization.affinities(losses), 1e-10);
    }

    @Test
    void equalSourcesGetEqualAffinities() {
        double[][] losses = {{0.3, 0.2}, {0.3, 0.2}, {0.3, 0.2}};
        assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, OrdinalNormalization.affinities(losses), 1e-12);
    }
}
