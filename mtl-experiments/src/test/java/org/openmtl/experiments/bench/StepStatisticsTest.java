package org.openmtl.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StepStatisticsTest {

    @Test
    void theMedianOfAnOddCountIsTheMiddleValueInAnyOrder() {
        assertEquals(3.0, StepStatistics.median(new double[] {5, 1, 3}));
        assertEquals(7.5, StepStatistics.median(new double[] {7.5}));
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheTwoMiddleValuesAsPythonComputesIt() {
        // statistics.median([4, 1, 3, 2]) == 2.5
        assertEquals(2.5, StepStatistics.median(new double[] {4, 1, 3, 2}));
    }

    @Test
    void theMedianDoesNotReorderTheCallersArray() {
        double[] values = {3, 1, 2};
        StepStatistics.median(values);
        assertArrayEquals(new double[] {3, 1, 2}, values);
    }

    @Test
    void aSummaryHasCountMedianMinAndMax() {
        StepStatistics s = StepStatistics.of(List.of(12.0, 30.0, 11.0, 13.0));
        assertEquals(new StepStatistics(4, 12.5, 11.0, 30.0), s);
    }

    @Test
    void nothingToSummarizeIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> StepStatistics.of(new double[0]));
        assertThrows(IllegalArgumentException.class, () -> StepStatistics.median(new double[0]));
    }

    @Test
    void aRatioDividesAndIsNanWithoutAPositiveReference() {
        assertEquals(1.05, StepStatistics.ratio(21, 20), 1e-12);
        assertTrue(Double.isNaN(StepStatistics.ratio(1, 0)));
        assertTrue(Double.isNaN(StepStatistics.ratio(1, Double.NaN)));
        assertTrue(Double.isNaN(StepStatistics.ratio(Double.NaN, 2)));
        assertTrue(Double.isNaN(StepStatistics.ratio(1, Double.POSITIVE_INFINITY)));
    }

    @Test
    void theWarmUpIsDroppedFromTheFront() {
        assertArrayEquals(new double[] {3, 4}, StepStatistics.afterWarmup(new double[] {1, 2, 3, 4}, 2));
        assertThrows(IllegalArgumentException.class, () -> StepStatistics.afterWarmup(new double[] {1, 2}, 2));
    }
}
