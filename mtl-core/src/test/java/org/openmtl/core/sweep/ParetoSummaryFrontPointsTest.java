package org.openmtl.core.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.run.MtlRuntime;

/**
 * A trial whose {@code result.json} records a {@code preference_front} (one preference-conditioned
 * network evaluated at several preferences) contributes every point of it to the sweep summary's
 * fronts, each with its own alignment, next to a configuration of one point per trial; values
 * computed by hand in the comments.
 */
class ParetoSummaryFrontPointsTest {

    private final MtlRuntime mtl = MtlRuntime.discover(Path.of("no-plugins-dir"));

    private static Map<String, Object> base() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("status", "completed");
        Map<String, Object> acc = Map.of("metric", "accuracy", "higher_is_better", true);
        r.put("primary_metrics", Map.of("t0", acc, "t1", acc));
        r.put("metric_directions", Map.of("t0", Map.of("accuracy", true), "t1", Map.of("accuracy", true)));
        return r;
    }

    private static Map<String, Object> single(double acc0, double acc1, double loss0, double loss1) {
        Map<String, Object> r = base();
        r.put("tasks", Map.of("t0", Map.of("accuracy", acc0), "t1", Map.of("accuracy", acc1)));
        r.put("history", List.of(Map.of("epoch", 1, "train", Map.of("t0", Map.of("loss", loss0), "t1", Map.of("loss", loss1)))));
        return r;
    }

    private static Map<String, Object> point(double p0, double acc0, double acc1, double loss0, double loss1) {
        Map<String, Object> point = new LinkedHashMap<>();
        point.put("preference", Map.of("t0", p0, "t1", 1 - p0));
        point.put("tasks", Map.of("t0", Map.of("accuracy", acc0), "t1", Map.of("accuracy", acc1)));
        point.put("validation", Map.of());
        point.put("train_loss", Map.of("t0", loss0, "t1", loss1));
        point.put("validation_loss", Map.of());
        return point;
    }

    private Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>> trial(String architecture, int seed, Map<String, Object> r) {
        Map<String, String> point = new LinkedHashMap<>();
        point.put("architecture", architecture);
        point.put("seed", Integer.toString(seed));
        Map<String, String> values = new LinkedHashMap<>(point);
        values.put("dataset", "synthetic");
        values.put("dataset.synthetic.tasks", "2");
        if (architecture.equals("cosmos")) {
            values.put("weighting", "cosmos");
        }
        return Map.entry(new SweepRunner.ResolvedTrial(architecture + seed, point, mtl.configure(ConfigSource.of(values))), r);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aConditionedRunContributesItsWholeFront() {
        List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> trials = new ArrayList<>();
        // hard-sharing: one point per trial, accuracies (0.8, 0.8), losses (2, 2)
        trials.add(trial("hard-sharing", 1, single(0.8, 0.8, 2, 2)));
        // cosmos: one trial, three points; its own main metrics are those of the uniform point
        Map<String, Object> cosmos = single(0.85, 0.85, 5, 5);
        cosmos.put("preference_front", Map.of("selection_preference", Map.of("t0", 0.5, "t1", 0.5), "train_examples", 10,
                "points", List.of(point(0.8, 0.9, 0.7, 1, 4), point(0.5, 0.85, 0.85, 2, 2), point(0.2, 0.7, 0.9, 4, 1))));
        trials.add(trial("cosmos", 1, cosmos));

        Map<String, Object> pareto = (Map<String, Object>) SweepSummary.summarize(trials).get("pareto_front");
        Map<String, Object> test = (Map<String, Object>) pareto.get("test");
        List<Map<String, Object>> rows = (List<Map<String, Object>>) test.get("configurations");
        Map<String, Object> conditioned = rows.stream().filter(r -> r.get("configuration").toString().contains("cosmos"))
                .findFirst().orElseThrow();
        assertEquals(3, conditioned.get("points"), "the front's three points, not the trial's one");
        assertEquals(3, conditioned.get("non_dominated"));
        // every point's accuracies lie in 0.7 .. 0.9: reference 0.7 - 0.1 * 0.2 = 0.68 on both
        List<Double> ref = (List<Double>) test.get("reference_point");
        assertEquals(0.68, ref.get(0), 1e-12);
        // above (0.68, 0.68): (0.22, 0.02), (0.17, 0.17), (0.02, 0.22): 0.22*0.02 + 0.17*0.15 + 0.02*0.05
        assertEquals(0.0044 + 0.0255 + 0.001, ((Number) conditioned.get("hypervolume")).doubleValue(), 1e-12);

        Map<String, Object> losses = (Map<String, Object>) pareto.get("train_loss");
        Map<String, Object> lossRow = ((List<Map<String, Object>>) losses.get("configurations")).stream()
                .filter(r -> r.get("configuration").toString().contains("cosmos")).findFirst().orElseThrow();
        assertEquals(3, lossRow.get("points"));
        // alignment of p ⊙ l with 1: (0.8,0.2)⊙(1,4) = (0.8,0.8) → 1; (0.5,0.5)⊙(2,2) → 1; (0.2,0.8)⊙(4,1) → 1
        Map<String, Object> alignment = (Map<String, Object>) lossRow.get("alignment");
        assertEquals(3, alignment.get("n"));
        assertEquals(1.0, ((Number) alignment.get("mean")).doubleValue(), 1e-12);
        Map<String, Object> plain = ((List<Map<String, Object>>) losses.get("configurations")).stream()
                .filter(r -> r.get("configuration").toString().contains("hard-sharing")).findFirst().orElseThrow();
        assertEquals(1, plain.get("points"));
        assertTrue(!plain.containsKey("alignment"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theAlignmentOfAPointIsTheCosineOfItsWeightedLossesWithOnes() {
        Map<String, Object> cosmos = single(0.8, 0.8, 1, 1);
        cosmos.put("preference_front", Map.of("points", List.of(point(0.75, 0.8, 0.8, 1, 1), point(0.5, 0.8, 0.8, 3, 1))));
        Map<String, Object> pareto = (Map<String, Object>) SweepSummary.summarize(List.of(trial("cosmos", 1, cosmos)))
                .get("pareto_front");
        Map<String, Object> row = ((List<Map<String, Object>>) ((Map<String, Object>) pareto.get("train_loss"))
                .get("configurations")).get(0);
        // (0.75, 0.25) ⊙ (1, 1): (0.75 + 0.25) / (√2 · √(0.5625 + 0.0625)); (0.5, 0.5) ⊙ (3, 1): 2 / (√2 · √2.5)
        double a = 1 / (Math.sqrt(2) * Math.sqrt(0.625));
        double b = 2 / (Math.sqrt(2) * Math.sqrt(2.5));
        Map<String, Object> alignment = (Map<String, Object>) row.get("alignment");
        assertEquals((a + b) / 2, ((Number) alignment.get("mean")).doubleValue(), 1e-12);
        assertEquals(2, row.get("points"));
    }
}
