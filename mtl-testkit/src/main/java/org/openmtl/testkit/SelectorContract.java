package org.openmtl.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.selector.SelectorContext;
import org.openmtl.api.selector.StepPlan;
import org.openmtl.api.selector.TaskSelector;

/**
 * The contract every task-selector plugin passes: each planned example is labelled for at least one
 * of its step's tasks; plans are deterministic for a seed (given the same observed losses); an
 * epoch has the expected number of steps (and, where the selector states it, of examples); no step
 * exceeds the batch size or repeats an example.
 *
 * <p>The default expectation is one pass over the examples labelled for any task: ⌈|∪_t L_t| /
 * batchSize⌉ steps. A selector with another notion of an epoch overrides {@link
 * #expectedStepsPerEpoch}. Usage, in the plugin's test sources:
 *
 * <pre>{@code
 * class TemperatureContractTest extends SelectorContract {
 *     protected PluginFactory<TaskSelector> factory() { return new TemperatureFactory(); }
 *     protected OptionalInt expectedStepsPerEpoch(SelectorContext context) { ... }
 * }
 * }</pre>
 */
public abstract class SelectorContract extends PluginContract<TaskSelector> {

    @Override
    protected final PluginKind kind() {
        return PluginKind.SELECTOR;
    }

    /**
     * The training data the selector plans over: by default 3 tasks over 120 examples with
     * overlapping, unequal label sets (60, 40 and 40 examples), some examples labelled for none,
     * batch size 16.
     *
     * @return the context
     */
    protected SelectorContext context() {
        int size = 120;
        Map<String, int[]> labelled = new LinkedHashMap<>();
        labelled.put("even", IntStream.range(0, size).filter(i -> i % 2 == 0).toArray());
        labelled.put("third", IntStream.range(0, size).filter(i -> i % 3 == 0).toArray());
        labelled.put("tail", IntStream.range(80, size).toArray());
        return new SelectorContext(List.of("even", "third", "tail"), size, labelled, 16);
    }

    /**
     * How many steps an epoch of the given context has.
     *
     * @param context the context
     * @return by default ⌈(examples labelled for any task) / batch size⌉; empty to skip the check
     */
    protected OptionalInt expectedStepsPerEpoch(SelectorContext context) {
        int labelled = labelledForAny(context).size();
        return OptionalInt.of((labelled + context.batchSize() - 1) / context.batchSize());
    }

    /**
     * How many examples an epoch's plans hold in total.
     *
     * @param context the context
     * @return empty by default (not checked)
     */
    protected OptionalInt expectedExamplesPerEpoch(SelectorContext context) {
        return OptionalInt.empty();
    }

    /**
     * The most examples one step may hold.
     *
     * @param context the context
     * @return the batch size by default
     */
    protected int maxExamplesPerStep(SelectorContext context) {
        return context.batchSize();
    }

    /**
     * The examples labelled for at least one task.
     *
     * @param context the context
     * @return their indices
     */
    protected static Set<Integer> labelledForAny(SelectorContext context) {
        Set<Integer> union = new HashSet<>();
        for (int[] examples : context.labelled().values()) {
            for (int example : examples) {
                union.add(example);
            }
        }
        return union;
    }

    private TaskSelector initialized(long seed) {
        TaskSelector selector = newPlugin(seed);
        selector.initialize(context());
        return selector;
    }

    /** Runs epochs 1..3, reporting made-up losses for every step, and returns the plans. */
    private List<List<StepPlan>> planEpochs(TaskSelector selector) {
        List<List<StepPlan>> epochs = new ArrayList<>();
        for (int epoch = 1; epoch <= 3; epoch++) {
            List<StepPlan> plans = selector.planEpoch(epoch);
            int step = 0;
            for (StepPlan plan : plans) {
                double[] losses = new double[plan.tasks().size()];
                for (int i = 0; i < losses.length; i++) {
                    losses[i] = 1.0 / (1 + step + i);
                }
                selector.observe(plan, losses);
                step++;
            }
            epochs.add(plans);
        }
        return epochs;
    }

    /**
     * Each step's tasks are distinct tasks of the run, and each of its examples is a training
     * example labelled for at least one of them, appearing once.
     */
    @Test
    public void everyPlannedExampleIsLabelledForOneOfItsStepsTasks() {
        SelectorContext context = context();
        for (List<StepPlan> epoch : planEpochs(initialized(SEED))) {
            for (StepPlan plan : epoch) {
                assertEquals(
                        plan.tasks().size(),
                        new HashSet<>(plan.tasks()).size(),
                        "repeated task in " + plan.tasks());
                List<int[]> labelSets = new ArrayList<>();
                for (String task : plan.tasks()) {
                    assertTrue(context.tasks().contains(task), "unknown task '" + task + "'");
                    labelSets.add(context.labelled().get(task));
                }
                int[] examples = plan.examples();
                assertTrue(
                        examples.length <= maxExamplesPerStep(context),
                        "a step of " + examples.length + " examples");
                assertEquals(
                        examples.length,
                        Arrays.stream(examples).distinct().count(),
                        "a step repeats an example");
                for (int example : examples) {
                    if (example < 0 || example >= context.trainSize()) {
                        fail("example " + example + " is outside the training set");
                    }
                    boolean labelled = false;
                    for (int[] set : labelSets) {
                        labelled |= Arrays.binarySearch(set, example) >= 0;
                    }
                    assertTrue(
                            labelled,
                            "example " + example + " is labelled for none of " + plan.tasks());
                }
            }
        }
    }

    /** Two selectors with one seed plan identically. */
    @Test
    public void planIsDeterministicForASeed() {
        List<List<StepPlan>> first = planEpochs(initialized(SEED));
        List<List<StepPlan>> second = planEpochs(initialized(SEED));
        assertEquals(first.size(), second.size());
        for (int e = 0; e < first.size(); e++) {
            assertEquals(first.get(e).size(), second.get(e).size(), "epoch " + (e + 1));
            for (int s = 0; s < first.get(e).size(); s++) {
                StepPlan a = first.get(e).get(s);
                StepPlan b = second.get(e).get(s);
                assertEquals(a.tasks(), b.tasks(), "epoch " + (e + 1) + " step " + s);
                assertArrayEquals(a.examples(), b.examples(), "epoch " + (e + 1) + " step " + s);
            }
        }
    }

    /** Every epoch has the expected number of steps and examples. */
    @Test
    public void anEpochHasTheExpectedSize() {
        SelectorContext context = context();
        OptionalInt steps = expectedStepsPerEpoch(context);
        OptionalInt examples = expectedExamplesPerEpoch(context);
        int epochNumber = 1;
        for (List<StepPlan> epoch : planEpochs(initialized(SEED))) {
            assertFalse(epoch.isEmpty(), "epoch " + epochNumber + " has no step");
            if (steps.isPresent()) {
                assertEquals(steps.getAsInt(), epoch.size(), "steps in epoch " + epochNumber);
            }
            if (examples.isPresent()) {
                int total = epoch.stream().mapToInt(plan -> plan.examples().length).sum();
                assertEquals(examples.getAsInt(), total, "examples in epoch " + epochNumber);
            }
            epochNumber++;
        }
    }
}
