package org.openmtl.core.result;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.core.config.MetricTarget;

class StepsToTargetTest {

    /**
     * A history of epochs with the given steps, and per epoch task a's accuracy and loss on
     * validation (or on test when {@code split} says so).
     */
    static List<Map<String, Object>> history(String split, int[] steps, double[] accuracy, double[] loss) {
        List<Map<String, Object>> history = new ArrayList<>();
        for (int e = 0; e < steps.length; e++) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("epoch", e + 1);
            record.put("steps", steps[e]);
            Map<String, Object> values = Map.of("a", Map.of("accuracy", accuracy[e], "loss", loss[e]));
            record.put("validation", split.equals("validation") ? values : Map.of());
            record.put("test", split.equals("test") ? values : Map.of());
            history.add(record);
        }
        return history;
    }

    // epochs of 10, 10, 20 and 20 steps: the ends of the epochs are at steps 10, 20, 40, 60
    private static final int[] STEPS = {10, 10, 20, 20};
    private static final double[] ACCURACY = {0.50, 0.70, 0.65, 0.90};
    private static final double[] LOSS = {1.2, 0.8, 0.9, 0.3};

    @Test
    void theFirstEpochReachingATargetGivesTheStepsUpToItsEnd() {
        List<Map<String, Object>> h = history("validation", STEPS, ACCURACY, LOSS);
        // 0.7 is first reached (>=) at epoch 2, after 10 + 10 steps; the dip at epoch 3 changes nothing
        StepsToTarget.Reach r = StepsToTarget.reach(h, "validation", new StepsToTarget.Target("a", "accuracy", 0.7, true));
        assertEquals(new StepsToTarget.Reach(true, 2, 20, 0.70), r);
        // 0.8 only at epoch 4: 10 + 10 + 20 + 20
        assertEquals(60, StepsToTarget.reach(h, "validation", new StepsToTarget.Target("a", "accuracy", 0.8, true)).steps());
    }

    @Test
    void aTargetReachedAtTheFirstEvaluationCountsTheFirstEpochsSteps() {
        List<Map<String, Object>> h = history("validation", STEPS, ACCURACY, LOSS);
        assertEquals(new StepsToTarget.Reach(true, 1, 10, 0.5),
                StepsToTarget.reach(h, "validation", new StepsToTarget.Target("a", "accuracy", 0.5, true)));
    }

    @Test
    void aTargetNeverReachedHasNoEpochAndNoSteps() {
        List<Map<String, Object>> h = history("validation", STEPS, ACCURACY, LOSS);
        StepsToTarget.Reach r = StepsToTarget.reach(h, "validation", new StepsToTarget.Target("a", "accuracy", 0.95, true));
        assertFalse(r.reached());
        Map<String, Object> entry = StepsToTarget.entry(new StepsToTarget.Target("a", "accuracy", 0.95, true), "absolute", r);
        assertEquals(false, entry.get("reached"));
        assertFalse(entry.containsKey("steps"));
        assertFalse(entry.containsKey("epoch"));
    }

    @Test
    void aLowerIsBetterTargetIsReachedWhenTheValueIsAtMostIt() {
        List<Map<String, Object>> h = history("validation", STEPS, ACCURACY, LOSS);
        // loss <= 0.9: epoch 2 (0.8), not epoch 1 (1.2)
        assertEquals(new StepsToTarget.Reach(true, 2, 20, 0.8),
                StepsToTarget.reach(h, "validation", new StepsToTarget.Target("a", "loss", 0.9, false)));
        // exactly equal counts: loss <= 0.3 at epoch 4
        assertEquals(60, StepsToTarget.reach(h, "validation", new StepsToTarget.Target("a", "loss", 0.3, false)).steps());
        // the same number read as higher-is-better is reached at once
        assertEquals(1, StepsToTarget.reach(h, "validation", new StepsToTarget.Target("a", "loss", 0.9, true)).epoch());
    }

    @Test
    void theCurveIsValidationWhenRecordedAndTestOtherwise() {
        assertEquals("validation", StepsToTarget.curve(history("validation", STEPS, ACCURACY, LOSS)));
        List<Map<String, Object>> test = history("test", STEPS, ACCURACY, LOSS);
        assertEquals("test", StepsToTarget.curve(test));
        assertEquals(20, StepsToTarget.reach(test, "test", new StepsToTarget.Target("a", "accuracy", 0.6, true)).steps());
    }

    @Test
    void aHistoryWithoutStepsStillGivesTheEpoch() {
        List<Map<String, Object>> h = history("validation", STEPS, ACCURACY, LOSS);
        h.get(0).remove("steps");
        StepsToTarget.Reach r = StepsToTarget.reach(h, "validation", new StepsToTarget.Target("a", "accuracy", 0.7, true));
        assertEquals(2, r.epoch());
        assertEquals(-1, r.steps());
        assertFalse(StepsToTarget.entry(new StepsToTarget.Target("a", "accuracy", 0.7, true), "absolute", r).containsKey("steps"));
    }

    @Test
    void absoluteTargetsTakeTheirDirectionFromTheResult() {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("metric_directions", Map.of("a", Map.of("accuracy", true, "loss", false)));
        result.put("history", history("validation", STEPS, ACCURACY, LOSS));
        List<Map<String, Object>> entries = StepsToTarget.absolute(result,
                List.of(new MetricTarget("a", "accuracy", 0.7), new MetricTarget("a", "loss", 0.5)));
        assertEquals(20L, entries.get(0).get("steps"));
        assertEquals(true, entries.get(0).get("higher_is_better"));
        assertEquals(60L, entries.get(1).get("steps"));
        assertEquals(false, entries.get(1).get("higher_is_better"));
        // without recorded directions, the name decides: loss is lower-is-better
        result.remove("metric_directions");
        assertFalse(StepsToTarget.higherIsBetter(result, "a", "loss"));
        assertTrue(StepsToTarget.higherIsBetter(result, "a", "accuracy"));
    }

    @Test
    void theRelativeTargetIsAFractionOfTheSingleTaskBest() {
        Map<String, Object> single = new LinkedHashMap<>();
        single.put("primary_metrics", Map.of("a", Map.of("metric", "accuracy", "higher_is_better", true)));
        // the single-task network's best accuracy is 0.8 (epoch 3), 0.9 × 0.8 = 0.72 reached at epoch 3 after 30 steps
        single.put("history", history("validation", new int[] {10, 10, 10}, new double[] {0.6, 0.7, 0.8},
                new double[] {1, 1, 1}));
        Map<String, Object> multi = new LinkedHashMap<>();
        multi.put("primary_metrics", single.get("primary_metrics"));
        // the multi-task network reaches 0.72 at epoch 2: 20 steps, ratio 20 / 30
        multi.put("history", history("validation", STEPS, new double[] {0.5, 0.75, 0.7, 0.9}, LOSS));
        List<Map<String, Object>> entries = StepsToTarget.relative(multi, single, 0.9);
        assertEquals(1, entries.size());
        Map<String, Object> e = entries.get(0);
        assertEquals(0.72, (Double) e.get("target"), 1e-12);
        assertEquals(0.8, (Double) e.get("single_task_best"), 1e-12);
        assertEquals(20L, e.get("steps"));
        assertEquals(30L, e.get("single_task_steps"));
        assertEquals(20.0 / 30.0, (Double) e.get("ratio"), 1e-12);
        assertEquals("relative", e.get("kind"));
    }

    @Test
    void aLowerIsBetterRelativeTargetIsTheBestDividedByTheFraction() {
        assertEquals(0.5, StepsToTarget.relativeTarget(0.4, 0.8, false), 1e-12);
        assertEquals(0.32, StepsToTarget.relativeTarget(0.4, 0.8, true), 1e-12);
        Map<String, Object> single = new LinkedHashMap<>();
        single.put("primary_metrics", Map.of("a", Map.of("metric", "loss", "higher_is_better", false)));
        single.put("history", history("validation", new int[] {5, 5}, new double[] {0, 0}, new double[] {0.6, 0.4}));
        Map<String, Object> multi = new LinkedHashMap<>(single);
        // target 0.4 / 0.8 = 0.5: the multi-task network never gets below 0.55
        multi.put("history", history("validation", new int[] {5, 5}, new double[] {0, 0}, new double[] {0.7, 0.55}));
        Map<String, Object> e = StepsToTarget.relative(multi, single, 0.8).get(0);
        assertEquals(0.5, (Double) e.get("target"), 1e-12);
        assertEquals(false, e.get("reached"));
        assertEquals(10L, e.get("single_task_steps"));
        assertFalse(e.containsKey("ratio"));
    }

    @Test
    void targetsAreParsedAndMalformedOnesNamed() {
        assertEquals(List.of(new MetricTarget("left", "accuracy", 0.9), new MetricTarget("a.b", "cross_entropy", 0.3)),
                MetricTarget.parse(List.of("left.accuracy:0.9", "a.b.cross_entropy: 0.3")));
        for (String bad : List.of("left:0.9", "left.accuracy", "left.accuracy:high", ".accuracy:1", "left.:1", "a.b:NaN")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MetricTarget.parse(List.of(bad)));
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> MetricTarget.parse(List.of("a.m:1", "a.m:2")));
    }
}
