package org.openmtl.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.api.selector.StepPlan;

/** Which of a plan's tasks have a labelled example in its batch. */
class LabelledTasksTest {

    private static LabelledTasks sixExamples() {
        Map<String, int[]> labelled = new LinkedHashMap<>();
        labelled.put("a", new int[] {0, 1, 2, 3, 4, 5});
        labelled.put("b", new int[] {1, 4});
        labelled.put("c", new int[] {5});
        return new LabelledTasks(labelled, 6);
    }

    @Test
    void aPlanWhoseTasksAllHaveLabelsIsKeptAsItIs() {
        StepPlan plan = new StepPlan(List.of("a", "b", "c"), new int[] {0, 4, 5});
        assertSame(plan, sixExamples().restrict(plan));
    }

    @Test
    void aTaskWithoutALabelledExampleInTheBatchIsLeftOut() {
        StepPlan restricted = sixExamples().restrict(new StepPlan(List.of("a", "b", "c"), new int[] {2, 3, 4}));
        assertEquals(List.of("a", "b"), restricted.tasks());
        assertArrayEquals(new int[] {2, 3, 4}, restricted.examples());
        assertEquals(List.of("c"), sixExamples().restrict(new StepPlan(List.of("b", "c"), new int[] {5})).tasks());
    }

    @Test
    void aPlanWithNoLabelForAnyTaskIsASelectorsMistake() {
        assertThrows(IllegalStateException.class,
                () -> sixExamples().restrict(new StepPlan(List.of("b", "c"), new int[] {0, 2})));
    }
}
