package org.openmtl.plugins.selector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.selector.SelectorContext;
import org.openmtl.api.selector.StepPlan;
import org.openmtl.api.selector.TaskSelector;
import org.openmtl.plugins.TestPlugins;

class AllTasksSelectorTest {

    // 3 tasks labelling 50 + 30 + 17 = 97 examples, then 5 labelled for none
    private static final SelectorContext CONTEXT = SelectorTesting.perTaskData(10, 5, 50, 30, 17);

    private static TaskSelector selector(long seed, String... settings) {
        TaskSelector selector =
                new AllTasksSelectorFactory()
                        .create(
                                TestPlugins.configWithSeed(
                                        new AllTasksSelectorFactory(), seed, settings));
        selector.initialize(CONTEXT);
        return selector;
    }

    private static int[] concatenated(List<StepPlan> plans) {
        return plans.stream().flatMapToInt(plan -> IntStream.of(plan.examples())).toArray();
    }

    @Test
    void everyLabelledExampleAppearsExactlyOncePerEpoch() {
        TaskSelector selector = selector(1);
        for (int epoch = 1; epoch <= 3; epoch++) {
            List<StepPlan> plans = selector.planEpoch(epoch);
            int[] seen = concatenated(plans);
            Arrays.sort(seen);
            assertArrayEquals(IntStream.range(0, 97).toArray(), seen, "epoch " + epoch);
            for (StepPlan plan : plans) {
                assertEquals(CONTEXT.tasks(), plan.tasks());
            }
        }
    }

    @Test
    void batchesAreFullButTheLast() {
        List<StepPlan> plans = selector(1).planEpoch(1);
        assertEquals(10, plans.size());
        for (int i = 0; i < 9; i++) {
            assertEquals(10, plans.get(i).examples().length);
        }
        assertEquals(7, plans.get(9).examples().length);
    }

    @Test
    void dropLastDropsTheShortBatch() {
        List<StepPlan> plans = selector(1, "drop.last=true").planEpoch(1);
        assertEquals(9, plans.size());
        assertEquals(90, concatenated(plans).length);
    }

    @Test
    void dropLastWithoutOneFullBatchFailsNamingTheKey() {
        TaskSelector selector = TestPlugins.create(new AllTasksSelectorFactory(), "drop.last=true");
        PluginConfigException e =
                assertThrows(
                        PluginConfigException.class,
                        () -> selector.initialize(SelectorTesting.perTaskData(64, 0, 20, 20)));
        assertEquals("selector.all.drop.last", e.getKey());
    }

    @Test
    void epochsAreShuffledDifferentlyAndSeedsReproduce() {
        int[] first = concatenated(selector(1).planEpoch(1));
        assertArrayEquals(first, concatenated(selector(1).planEpoch(1)));
        assertFalse(
                Arrays.equals(first, concatenated(selector(1).planEpoch(2))),
                "epochs 1 and 2 in one order");
        assertFalse(
                Arrays.equals(first, concatenated(selector(2).planEpoch(1))),
                "seeds 1 and 2 in one order");
        assertFalse(Arrays.equals(first, IntStream.range(0, 97).toArray()), "not shuffled");
    }

    @Test
    void anEpochsPlanDoesNotDependOnEarlierEpochs() {
        TaskSelector fresh = selector(1);
        TaskSelector used = selector(1);
        used.planEpoch(1);
        used.planEpoch(2);
        assertArrayEquals(concatenated(fresh.planEpoch(3)), concatenated(used.planEpoch(3)));
    }
}
