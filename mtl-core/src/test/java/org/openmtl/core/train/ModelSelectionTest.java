package org.openmtl.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.TrainingPhase;
import org.openmtl.api.selector.StepPlan;
import org.openmtl.api.task.Task;

/**
 * Model selection: only the last phase's epochs are eligible; per-task selection takes each task's
 * own best validation epoch; a phase on part of the data sees exactly that part in full batches.
 */
class ModelSelectionTest {

    private static final Task ACCURACY = Task.classification("a", 10, 0);
    private static final Task LOSS = Task.regression("b", 1, 1);

    private static Map<String, Object> record(int epoch, double a, double b) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("epoch", epoch);
        r.put("validation", Map.of("a", Map.of(ACCURACY.primaryMetric().name(), a, "loss", 1.0),
                "b", Map.of(LOSS.primaryMetric().name(), b)));
        r.put("test", Map.of("a", Map.of("accuracy", a / 2), "b", Map.of(LOSS.primaryMetric().name(), b * 2)));
        return r;
    }

    @Test
    void onlyTheLastNonEmptyPhaseIsEligibleAndTheSelectionSaysWhich() {
        ModelSelection s = new ModelSelection(List.of(TrainingPhase.all("warmup", 3), TrainingPhase.all("search", 4),
                TrainingPhase.all("retrain", 2), TrainingPhase.all("empty", 0)), List.of(ACCURACY), false);
        for (int epoch = 1; epoch <= 9; epoch++) {
            assertEquals(epoch >= 8, s.eligible(epoch), "epoch " + epoch);
        }
        assertEquals(Map.of("rule", "best-validation", "phase", "retrain", "epochs", List.of(8, 9)),
                s.describe("best-validation", Map.of()));
        ModelSelection single = new ModelSelection(List.of(TrainingPhase.all("train", 5)), List.of(ACCURACY), false);
        assertTrue(single.eligible(1));
        assertEquals(Map.of("rule", "last"), single.describe("last", Map.of()));
    }

    @Test
    void perTaskSelectionTakesEachTasksOwnBestEpochEarliestOnTies() {
        ModelSelection s = new ModelSelection(List.of(TrainingPhase.all("train", 5)), List.of(ACCURACY, LOSS), true);
        assertEquals(ACCURACY.primaryMetric().name(), "accuracy");
        assertTrue(ACCURACY.primaryMetric().higherIsBetter());
        assertFalse(LOSS.primaryMetric().higherIsBetter());
        // a peaks at epoch 2 (0.9, tied at 4); b's lower-is-better metric is lowest at epoch 5
        double[] a = {0.5, 0.9, 0.7, 0.9, 0.8};
        double[] b = {3.0, 2.0, 2.5, 1.5, 1.0};
        List<Map<String, Object>> history = new ArrayList<>();
        List<List<String>> improved = new ArrayList<>();
        for (int e = 0; e < 5; e++) {
            Map<String, Object> r = record(e + 1, a[e], b[e]);
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Double>> validation = (Map<String, Map<String, Double>>) (Map<?, ?>) r.get("validation");
            improved.add(s.improvedTasks(history, validation).stream().map(Task::name).toList());
            history.add(r);
        }
        assertEquals(List.of(List.of("a", "b"), List.of("a", "b"), List.of(), List.of("b"), List.of("b")), improved);
        Map<String, Integer> epochs = s.perTaskEpochs(history);
        assertEquals(Map.of("a", 2, "b", 5), epochs);
        assertEquals(Map.of("a", Map.of("accuracy", 0.45), "b", Map.of(LOSS.primaryMetric().name(), 2.0)),
                ModelSelection.perTaskMetrics(history, epochs, "test"));
        assertEquals(Map.of("rule", "best-validation", "per_task", Map.of("a", 2, "b", 5)),
                s.describe("best-validation", epochs));
        assertEquals(Map.of(), new ModelSelection(List.of(TrainingPhase.all("train", 5)), List.of(ACCURACY, LOSS), false)
                .perTaskEpochs(history), "one epoch for all tasks unless the network asks for per-task selection");
    }

    @Test
    void aPhaseOnPartOfTheDataSeesExactlyThatPartInFullBatches() {
        List<StepPlan> plans = new ArrayList<>();
        int next = 0;
        for (int step = 0; step < 5; step++) {
            int[] examples = new int[4];
            for (int i = 0; i < 4; i++) {
                examples[i] = (next * 7) % 20;
                next++;
            }
            plans.add(new StepPlan(List.of("a", "b"), examples));
        }
        TrainingPhase all = TrainingPhase.all("p", 1);
        assertEquals(plans, PhaseBatches.restrict(plans, all, 4));
        for (int part = 0; part < 2; part++) {
            List<StepPlan> restricted = PhaseBatches.restrict(plans, all.onPart(part, 2), 4);
            List<Integer> seen = new ArrayList<>();
            List<Integer> expected = new ArrayList<>();
            plans.forEach(p -> {
                for (int e : p.examples()) {
                    expected.add(e);
                }
            });
            int wanted = part;
            expected.removeIf(e -> e % 2 != wanted);
            for (int i = 0; i < restricted.size(); i++) {
                int[] ex = restricted.get(i).examples();
                assertEquals(i < restricted.size() - 1 ? 4 : (expected.size() - 1) % 4 + 1, ex.length);
                for (int e : ex) {
                    seen.add(e);
                }
            }
            assertEquals(expected, seen, "part " + part + ": the selector's order, only that part");
        }
    }
}
