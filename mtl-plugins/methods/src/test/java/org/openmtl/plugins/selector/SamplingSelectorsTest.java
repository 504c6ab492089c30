package org.openmtl.plugins.selector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.selector.SelectorContext;
import org.openmtl.api.selector.StepPlan;
import org.openmtl.api.selector.TaskSelector;
import org.openmtl.plugins.TestPlugins;

/** The sampling selectors' empirical task frequencies against their intended distributions. */
class SamplingSelectorsTest {

    private static final int[] SIZES = {400, 100, 20, 280};

    private static TaskSelector selector(PluginFactory<TaskSelector> factory, SelectorContext context, String... settings) {
        TaskSelector selector = TestPlugins.create(factory, settings);
        selector.initialize(context);
        return selector;
    }

    /** Counts each task's steps over the epochs and checks them against p within 4 standard deviations. */
    private static void assertFrequencies(TaskSelector selector, SelectorContext context, double[] p, int epochs) {
        Map<String, Integer> counts = new HashMap<>();
        int steps = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            for (StepPlan plan : selector.planEpoch(epoch)) {
                assertEquals(1, plan.tasks().size());
                counts.merge(plan.tasks().get(0), 1, Integer::sum);
                steps++;
            }
        }
        for (int t = 0; t < p.length; t++) {
            String task = context.tasks().get(t);
            double sd = Math.sqrt(steps * p[t] * (1 - p[t]));
            int seen = counts.getOrDefault(task, 0);
            assertTrue(Math.abs(seen - steps * p[t]) <= 4 * sd + 1e-9,
                    task + " sampled " + seen + " times in " + steps + " steps; expected " + steps * p[t] + " ± " + 4 * sd);
        }
    }

    @Test
    void proportionalSamplesInProportionToTheTasksData() {
        SelectorContext context = SelectorTesting.perTaskData(8, 0, SIZES);
        TaskSelector selector = selector(new ProportionalTaskSelectorFactory(), context);
        // p_t = n_t / Σ n = 400/800, 100/800, 20/800, 280/800
        double[] p = {0.5, 0.125, 0.025, 0.35};
        assertArrayEquals(p, ((ProportionalTaskSelector) selector).probabilities(), 1e-12);
        assertFrequencies(selector, context, p, 40);
    }

    @Test
    void temperatureFlattensTheProportions() {
        SelectorContext context = SelectorTesting.perTaskData(8, 0, SIZES);
        TaskSelector selector = selector(new TemperatureTaskSelectorFactory(), context, "temperature=2");
        // p_t ∝ √n_t = 20, 10, √20, √280
        double[] w = {20, 10, Math.sqrt(20), Math.sqrt(280)};
        double total = w[0] + w[1] + w[2] + w[3];
        double[] p = {w[0] / total, w[1] / total, w[2] / total, w[3] / total};
        assertArrayEquals(p, ((ProportionalTaskSelector) selector).probabilities(), 1e-12);
        assertFrequencies(selector, context, p, 40);
    }

    @Test
    void roundRobinCyclesThroughTheTasksAcrossEpochs() {
        // 3 tasks, 7 steps per epoch (54 examples / batch 8): the cycle must not restart at epoch 2
        SelectorContext context = SelectorTesting.perTaskData(8, 0, 20, 20, 14);
        TaskSelector selector = selector(new RoundRobinTaskSelectorFactory(), context);
        List<String> sequence = new ArrayList<>();
        for (int epoch = 1; epoch <= 3; epoch++) {
            List<StepPlan> plans = selector.planEpoch(epoch);
            assertEquals(7, plans.size());
            plans.forEach(p -> sequence.add(p.tasks().get(0)));
        }
        for (int i = 0; i < sequence.size(); i++) {
            assertEquals("task" + (i % 3), sequence.get(i), "step " + i);
        }
        // two per step: (0,1), (2,0) → in task order (0,2), (1,2), ...
        TaskSelector pairs = selector(new RoundRobinTaskSelectorFactory(), context, "tasks.per.step=2");
        List<StepPlan> plans = pairs.planEpoch(1);
        assertEquals(List.of("task0", "task1"), plans.get(0).tasks());
        assertEquals(List.of("task0", "task2"), plans.get(1).tasks());
        assertEquals(List.of("task1", "task2"), plans.get(2).tasks());
    }

    @Test
    void worstFirstIsUniformBeforeAnyLossAndThenASoftmaxOfRelativeLosses() {
        SelectorContext context = SelectorTesting.perTaskData(8, 0, 100, 100, 100);
        WorstFirstTaskSelector selector = (WorstFirstTaskSelector) selector(new WorstFirstTaskSelectorFactory(), context,
                "temperature=0.5", "decay=0.5");
        assertArrayEquals(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0}, selector.probabilities(), 1e-12);
        int[] none = {0};
        // first losses 2, 4, 1; then task0 falls to 1 and task1 to 2 (averages 1.5 and 3 with decay 0.5)
        selector.observe(new StepPlan(List.of("task0", "task1", "task2"), none), new double[] {2, 4, 1});
        selector.observe(new StepPlan(List.of("task0"), none), new double[] {1});
        selector.observe(new StepPlan(List.of("task1"), none), new double[] {2});
        // r = 1.5/2, 3/4, 1/1 = 0.75, 0.75, 1; p ∝ exp(r / 0.5)
        double[] w = {Math.exp(1.5), Math.exp(1.5), Math.exp(2)};
        double total = w[0] + w[1] + w[2];
        double[] p = {w[0] / total, w[1] / total, w[2] / total};
        assertArrayEquals(p, selector.probabilities(), 1e-12);

        // with the state fixed (no more observations) the steps follow p
        assertFrequencies(selector, context, p, 60);

        // the state round-trips: a restored selector plans the same steps
        WorstFirstTaskSelector restored = (WorstFirstTaskSelector) selector(new WorstFirstTaskSelectorFactory(), context,
                "temperature=0.5", "decay=0.5");
        restored.restore(selector.state());
        List<StepPlan> a = selector.planEpoch(5);
        List<StepPlan> b = restored.planEpoch(5);
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).tasks(), b.get(i).tasks());
            assertArrayEquals(a.get(i).examples(), b.get(i).examples());
        }
    }

    @Test
    void worstFirstReactsWithinAnEpoch() {
        SelectorContext context = SelectorTesting.perTaskData(4, 0, 400, 400);
        TaskSelector selector = selector(new WorstFirstTaskSelectorFactory(), context, "temperature=0.05", "decay=0");
        int late = 0;
        int steps = 0;
        List<StepPlan> plans = selector.planEpoch(1);
        for (int i = 0; i < plans.size(); i++) {
            StepPlan plan = plans.get(i);
            // task0's loss halves when trained, task1's never moves: task1 lags and must dominate
            double loss = plan.tasks().get(0).equals("task0") ? 1.0 / (1 + i) : 1.0;
            selector.observe(plan, new double[] {loss});
            if (i >= plans.size() / 2) {
                steps++;
                late += plan.tasks().get(0).equals("task1") ? 1 : 0;
            }
        }
        assertTrue(late > 0.95 * steps, "task1 in " + late + " of the last " + steps + " steps");
    }
}
