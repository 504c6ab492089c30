package org.openmtl.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NiceScaleTest {

    @ParameterizedTest
    @CsvSource({"0.1234,0.9876", "0,1", "1,9", "-3.2,7.9", "0.00012,0.00049", "1200,98000", "0.2491,0.2499", "-5,-1",
        "0.3,0.3", "0,0", "1e-9,3e-9"})
    void ticksAreNiceNumbersThatCoverTheData(double lo, double hi) {
        NiceScale s = NiceScale.covering(lo, hi, 6);
        List<Double> ticks = s.ticks();
        assertTrue(ticks.get(0) <= lo && ticks.get(ticks.size() - 1) >= hi, lo + ".." + hi + " -> " + ticks);
        assertTrue(ticks.size() >= 3 && ticks.size() <= 12, ticks.toString());
        double mantissa = s.step() / Math.pow(10, Math.floor(Math.log10(s.step()) + 1e-9));
        assertTrue(Math.abs(mantissa - 1) < 1e-6 || Math.abs(mantissa - 2) < 1e-6 || Math.abs(mantissa - 5) < 1e-6,
                "step " + s.step());
        for (int i = 0; i < ticks.size(); i++) {
            double t = ticks.get(i);
            // a multiple of the step, evenly spaced
            assertEquals(0, Math.abs(t / s.step() - Math.round(t / s.step())), 1e-6, "tick " + t);
            if (i > 0) {
                assertEquals(s.step(), t - ticks.get(i - 1), s.step() * 1e-6);
            }
        }
    }

    @Test
    void handComputedScales() {
        assertEquals(List.of(0.0, 0.2, 0.4, 0.6, 0.8, 1.0), NiceScale.covering(0.1234, 0.9876, 6).ticks());
        assertEquals(List.of(-4.0, -2.0, 0.0, 2.0, 4.0, 6.0, 8.0), NiceScale.covering(-3.2, 7.9, 6).ticks());
        assertEquals(List.of(0.0, 20000.0, 40000.0, 60000.0, 80000.0, 100000.0), NiceScale.covering(1200, 98000, 6).ticks());
    }

    @Test
    void labelsHaveTheStepsDecimalsAndNoNegativeZero() {
        NiceScale s = NiceScale.covering(-0.3, 0.3, 6);
        assertEquals("0.0", s.label(-0.0));
        assertEquals("-0.2", s.label(-0.2));
        assertEquals("2", NiceScale.covering(0, 9, 6).label(2));
        assertEquals("0.0002", NiceScale.covering(0.00012, 0.00049, 6).label(0.0002));
        assertEquals("0.00005", new NiceScale(0, 0.0002, 0.00005).label(0.00005));
    }

    @Test
    void epochAxesTickWholeEpochs() {
        NiceScale s = Charts.integerScale(1, 3);
        assertEquals(List.of(1.0, 2.0, 3.0), s.ticks());
        assertTrue(Charts.integerScale(1, 40).step() >= 1);
    }

    @Test
    void notFiniteDataFallsBackToTheUnitRange() {
        NiceScale s = NiceScale.covering(Double.NaN, Double.POSITIVE_INFINITY, 6);
        assertEquals(0, s.min());
        assertEquals(1, s.max());
    }
}
