package org.openmtl.core.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TransferTest {

    @Test
    void gainIsSignedRelativeChangeInPercent() {
        // higher is better: 0.95 against 0.96 is (0.95 - 0.96) / 0.96 * 100
        assertEquals(-1.0 / 0.96, Transfer.gainPercent(0.95, 0.96, true), 1e-12);
        // lower is better: an error of 0.3 against 0.4 is a gain of 25 %
        assertEquals(25.0, Transfer.gainPercent(0.3, 0.4, false), 1e-12);
        assertEquals(-50.0, Transfer.gainPercent(0.6, 0.4, false), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Transfer.gainPercent(1, 0, true));
        assertThrows(IllegalArgumentException.class, () -> Transfer.gainPercent(Double.NaN, 1, true));
    }

    @Test
    void deltaMAveragesTheTasksAndFlagsNegativeTransfer() {
        Map<String, Object> multi = Map.of(
                "tasks", Map.of("a", Map.of("accuracy", 0.90, "loss", 0.3), "b", Map.of("mse", 0.3)),
                "primary_metrics", Map.of("a", Map.of("metric", "accuracy", "higher_is_better", true),
                        "b", Map.of("metric", "mse", "higher_is_better", false)));
        Map<String, Object> single = Map.of(
                "tasks", Map.of("a", Map.of("accuracy", 0.80, "loss", 0.2), "b", Map.of("mse", 0.2)));
        Map<String, Transfer.TaskGain> gains = Transfer.compare(multi, single);
        // a: +12.5 %; b: -(0.3 - 0.2) / 0.2 = -50 %; Δm = (12.5 - 50) / 2
        assertEquals(12.5, gains.get("a").gainPercent(), 1e-9);
        assertEquals(-50.0, gains.get("b").gainPercent(), 1e-9);
        assertEquals(-18.75, Transfer.deltaM(gains), 1e-9);
        assertFalse(gains.get("a").negative());
        assertTrue(gains.get("b").negative());

        Map<String, Object> section = Transfer.section(gains, "single/result.json");
        assertEquals(-18.75, (Double) section.get("delta_m_percent"), 1e-9);
        assertEquals(List.of("b"), section.get("negative_transfer"));
    }

    @Test
    void withoutRecordedDirectionsTheFirstMetricAndItsKnownDirectionAreUsed() {
        Map<String, Object> multi = Map.of("tasks", Map.of("t0", Map.of("mse", 0.5)));
        Map<String, Object> single = Map.of("tasks", Map.of("t0", Map.of("mse", 1.0)));
        assertEquals(50.0, Transfer.compare(multi, single).get("t0").gainPercent(), 1e-12);
    }

    @Test
    void missingTasksOrMetricsAreNamed() {
        Map<String, Object> multi = Map.of("tasks", Map.of("left", Map.of("accuracy", 0.9)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Transfer.compare(multi, Map.of("tasks", Map.of("right", Map.of("accuracy", 0.9)))));
        assertTrue(e.getMessage().contains("'left'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Transfer.compare(multi, Map.of("tasks", Map.of("left", Map.of("loss", 0.9)))));
        assertTrue(e.getMessage().contains("accuracy"), e.getMessage());
    }
}
