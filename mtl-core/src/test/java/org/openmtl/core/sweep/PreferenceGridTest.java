package org.openmtl.core.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;

/** The preference grid of a sweep axis: its vectors, their number, and malformed specifications. */
class PreferenceGridTest {

    private static final String KEY = "sweep.weighting.static.weights";

    @Test
    void twoTasksGiveEvenlySpacedWeightPairs() {
        assertEquals(List.of("0.0,1.0", "0.25,0.75", "0.5,0.5", "0.75,0.25", "1.0,0.0"), PreferenceGrid.expand(KEY, "simplex:2:4"));
        assertEquals(List.of("0.0,1.0", "1.0,0.0"), PreferenceGrid.expand(KEY, " simplex: 2 : 1 "));
    }

    @Test
    void threeTasksCoverTheSimplex() {
        assertEquals(List.of("0.0,0.0,1.0", "0.0,0.5,0.5", "0.0,1.0,0.0", "0.5,0.0,0.5", "0.5,0.5,0.0", "1.0,0.0,0.0"),
                PreferenceGrid.expand(KEY, "simplex:3:2"));
    }

    @Test
    void everyVectorIsDistinctNonNegativeAndSumsToOne() {
        List<String> grid = PreferenceGrid.expand(KEY, "simplex:4:5");
        assertEquals(56, grid.size(), "C(5 + 3, 3)");
        assertEquals(56, new HashSet<>(grid).size());
        for (String v : grid) {
            String[] parts = v.split(",");
            assertEquals(4, parts.length, v);
            double sum = 0;
            for (String p : parts) {
                double w = Double.parseDouble(p);
                assertTrue(w >= 0, v);
                sum += w;
            }
            assertEquals(1.0, sum, 1e-12, v);
        }
    }

    @Test
    void malformedSpecificationsNameTheKey() {
        for (String bad : List.of("simplex:2", "simplex:a:4", "simplex:2:4:1", "simplex:1:4", "simplex:2:0", "simplex:12:40")) {
            ConfigException e = assertThrows(ConfigException.class, () -> PreferenceGrid.expand(KEY, bad), bad);
            assertTrue(e.getMessage().startsWith(KEY + ": "), e.getMessage());
        }
        ConfigException e = assertThrows(ConfigException.class, () -> PreferenceGrid.expand(KEY, "simplex:12:40"));
        assertTrue(e.getMessage().contains("at most 10000"), e.getMessage());
    }

    @Test
    void aSweepAxisExpandsToOneTrialPerVectorAndSeed() {
        SweepPlan plan = SweepPlan.of(ConfigSource.load(null, List.of("weighting=static", KEY + "=simplex:2:2", "sweep.seed=1,2")));
        assertEquals(List.of("0.0,1.0", "0.5,0.5", "1.0,0.0"), plan.axes().get("weighting.static.weights"));
        assertEquals(6, plan.trials().size());
        assertEquals(Map.of("weighting.static.weights", "0.5,0.5", "seed", "1"), plan.trials().get(2).point());
        assertEquals("0.5,0.5", plan.trials().get(2).values().get("weighting.static.weights"));
        assertThrows(ConfigException.class,
                () -> SweepPlan.of(ConfigSource.load(null, List.of("weighting=static", KEY + "=simplex:two:2"))));
    }
}
