package org.openmtl.core.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Spearman's rho with midranks against values computed by hand. */
class RankCorrelationTest {

    @Test
    void tiedValuesShareTheMeanOfTheirRanks() {
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, RankCorrelation.ranks(new double[] {1, 2, 2, 3}), 0);
        assertArrayEquals(new double[] {3, 1, 3, 3}, RankCorrelation.ranks(new double[] {5, -1, 5, 5}), 0);
    }

    @Test
    void rhoWithTiesIsPearsonOfTheMidranks() {
        // ranks (1, 2.5, 2.5, 4) and (1, 3, 2, 4): centred (-1.5, 0, 0, 1.5) and (-1.5, .5, -.5, 1.5),
        // covariance sum 4.5, squares 4.5 and 5: rho = 4.5 / sqrt(22.5) = 3 / sqrt(10)
        assertEquals(3 / Math.sqrt(10), RankCorrelation.spearman(new double[] {1, 2, 2, 3}, new double[] {1, 3, 2, 4}), 1e-12);
    }

    @Test
    void monotoneMatricesCorrelatePerfectlyWhateverTheScale() {
        // a transfer matrix and an affinity matrix, flattened off the diagonal, one a monotone map of the other
        double[] transfer = {0.2, 0.5, 0.1, 0.9, 0.3, 0.4};
        double[] affinity = new double[transfer.length];
        double[] reversed = new double[transfer.length];
        for (int i = 0; i < transfer.length; i++) {
            affinity[i] = Math.exp(3 * transfer[i]) - 7;
            reversed[i] = -affinity[i];
        }
        assertEquals(1.0, RankCorrelation.spearman(transfer, affinity), 1e-12);
        assertEquals(-1.0, RankCorrelation.spearman(transfer, reversed), 1e-12);
    }

    @Test
    void aConstantSampleHasNoCorrelation() {
        assertTrue(Double.isNaN(RankCorrelation.spearman(new double[] {1, 1, 1}, new double[] {1, 2, 3})));
        assertTrue(Double.isNaN(RankCorrelation.spearman(new double[] {1}, new double[] {2})));
    }
}
