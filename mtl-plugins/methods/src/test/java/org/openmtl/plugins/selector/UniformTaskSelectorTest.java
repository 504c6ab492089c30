package org.openmtl.plugins.selector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.selector.SelectorContext;
import org.openmtl.api.selector.StepPlan;
import org.openmtl.api.selector.TaskSelector;
import org.openmtl.plugins.TestPlugins;

class UniformTaskSelectorTest {

    private static TaskSelector selector(SelectorContext context, String... settings) {
        TaskSelector selector = TestPlugins.create(new UniformTaskSelectorFactory(), settings);
        selector.initialize(context);
        return selector;
    }

    @Test
    void eachTaskIsSampledWithProbabilityOneOverK() {
        // very unequal tasks: sampling is uniform over tasks, not over examples
        SelectorContext context = SelectorTesting.perTaskData(8, 0, 400, 100, 20, 280);
        TaskSelector selector = selector(context);
        Map<String, Integer> counts = new HashMap<>();
        int steps = 0;
        for (int epoch = 1; epoch <= 40; epoch++) {
            for (StepPlan plan : selector.planEpoch(epoch)) {
                assertEquals(1, plan.tasks().size());
                counts.merge(plan.tasks().get(0), 1, Integer::sum);
                steps++;
            }
        }
        assertEquals(40 * (800 / 8), steps);
        double p = 1.0 / 4;
        double sd = Math.sqrt(steps * p * (1 - p));
        for (String task : context.tasks()) {
            double deviation = Math.abs(counts.get(task) - steps * p);
            assertTrue(
                    deviation < 4 * sd,
                    task
                            + " sampled "
                            + counts.get(task)
                            + " times in "
                            + steps
                            + " steps; expected "
                            + steps * p
                            + " +- "
                            + 4 * sd);
        }
    }

    @Test
    void aStepsExamplesAreLabelledForItsTask() {
        SelectorContext context = SelectorTesting.perTaskData(8, 3, 40, 12);
        for (StepPlan plan : selector(context).planEpoch(1)) {
            int[] labelled = context.labelled().get(plan.tasks().get(0));
            for (int example : plan.examples()) {
                assertTrue(Arrays.binarySearch(labelled, example) >= 0);
            }
        }
    }

    @Test
    void aTaskSeesEveryExampleOncePerPassOverItsPool() {
        // batch 8 over pools of 20 and 13: passes end in short batches (4 and 5)
        SelectorContext context = SelectorTesting.perTaskData(8, 0, 20, 13);
        TaskSelector selector = selector(context);
        for (int epoch = 1; epoch <= 5; epoch++) {
            Map<String, List<Integer>> drawn = new HashMap<>();
            for (StepPlan plan : selector.planEpoch(epoch)) {
                List<Integer> sequence =
                        drawn.computeIfAbsent(plan.tasks().get(0), t -> new ArrayList<>());
                Arrays.stream(plan.examples()).forEach(sequence::add);
            }
            for (Map.Entry<String, List<Integer>> entry : drawn.entrySet()) {
                int[] pool = context.labelled().get(entry.getKey());
                List<Integer> sequence = entry.getValue();
                for (int from = 0; from + pool.length <= sequence.size(); from += pool.length) {
                    int[] pass =
                            sequence.subList(from, from + pool.length).stream()
                                    .mapToInt(i -> i)
                                    .sorted()
                                    .toArray();
                    assertArrayEquals(
                            pool,
                            pass,
                            entry.getKey() + " pass from " + from + " in epoch " + epoch);
                }
            }
        }
    }

    @Test
    void stepsPerEpochCoverEveryTasksExamplesOnAverage() {
        SelectorContext context = SelectorTesting.perTaskData(16, 0, 50, 30, 17);
        assertEquals((50 + 30 + 17 + 15) / 16, selector(context).planEpoch(1).size());
    }

    @Test
    void twoTasksPerStepShareTheBatch() {
        SelectorContext context = SelectorTesting.perTaskData(9, 0, 100, 100, 100);
        for (StepPlan plan : selector(context, "tasks.per.step=2").planEpoch(1)) {
            assertEquals(2, plan.tasks().size());
            assertTrue(
                    plan.tasks().get(0).compareTo(plan.tasks().get(1)) < 0, "tasks in task order");
            int first = 0;
            for (int example : plan.examples()) {
                if (Arrays.binarySearch(context.labelled().get(plan.tasks().get(0)), example)
                        >= 0) {
                    first++;
                }
            }
            // 9 = 5 + 4
            assertEquals(9, plan.examples().length);
            assertEquals(5, first, "the first task in task order takes the remainder");
        }
    }

    @Test
    void moreTasksPerStepThanTasksWithExamplesFailsNamingTheKey() {
        SelectorContext context = SelectorTesting.perTaskData(8, 0, 10, 0, 10);
        PluginConfigException e =
                assertThrows(
                        PluginConfigException.class, () -> selector(context, "tasks.per.step=3"));
        assertEquals("selector.uniform.tasks.per.step", e.getKey());
        // the task without examples is never sampled
        for (StepPlan plan : selector(context, "tasks.per.step=2").planEpoch(1)) {
            assertEquals(List.of("task0", "task2"), plan.tasks());
        }
    }

    @Test
    void reproducibleForASeedAndDifferentAcrossEpochs() {
        SelectorContext context = SelectorTesting.perTaskData(8, 0, 40, 40);
        List<StepPlan> first = selector(context).planEpoch(2);
        List<StepPlan> again = selector(context).planEpoch(2);
        List<StepPlan> other = selector(context).planEpoch(3);
        boolean differs = false;
        for (int i = 0; i < first.size(); i++) {
            assertEquals(first.get(i).tasks(), again.get(i).tasks());
            assertArrayEquals(first.get(i).examples(), again.get(i).examples());
            differs |= !Arrays.equals(first.get(i).examples(), other.get(i).examples());
        }
        assertTrue(differs, "epochs 2 and 3 planned identically");
    }
}
