package org.openmtl.core.weak;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.Split;
import org.openmtl.api.data.TaskTarget;
import org.openmtl.api.task.Task;
import org.openmtl.api.weak.ProbabilisticLabels;
import org.openmtl.api.weak.TaskGraph;
import org.openmtl.plugins.data.ArrayDataset;

/** The training split's labels become the label model's distributions; the rest stays the dataset's. */
class SoftLabelledDatasetTest {

    private static final TaskGraph GRAPH = TaskGraph.single("a", 3);

    private static ArrayDataset data() {
        ArrayDataset.Builder b = ArrayDataset.builder(List.of(Task.classification("a", 3, 0),
                Task.classification("b", 2, 1)), new Shape(1));
        b.setInputs(Split.TRAIN, new float[] {0, 1, 2});
        b.setClassLabels(Split.TRAIN, "a", new int[] {0, 1, 2}, null);
        b.setClassLabels(Split.TRAIN, "b", new int[] {1, 0, 1}, null);
        b.setInputs(Split.VALIDATION, new float[] {5});
        b.setClassLabels(Split.VALIDATION, "a", new int[] {2}, null);
        b.setClassLabels(Split.VALIDATION, "b", new int[] {0}, null);
        b.setInputs(Split.TEST, new float[] {6, 7});
        b.setClassLabels(Split.TEST, "a", new int[] {1, 2}, null);
        b.setClassLabels(Split.TEST, "b", new int[] {0, 1}, null);
        return b.build();
    }

    private static final double[][][] P = {{{0.7, 0.2, 0.1}, {0.1, 0.1, 0.8}, {1.0 / 3, 1.0 / 3, 1.0 / 3}}};

    @Test
    void trainingTargetsOfGraphTasksAreTheDistributionsMaskedToVotedOnExamples() {
        SoftLabelledDataset d = new SoftLabelledDataset(data(), new ProbabilisticLabels(GRAPH, P),
                new boolean[] {true, true, false});
        assertArrayEquals(new int[] {0, 1}, d.labelled(Split.TRAIN, "a"));
        assertArrayEquals(new int[] {0, 1, 2}, d.labelled(Split.TRAIN, "b"));
        try (NDManager m = NDManager.newBaseManager()) {
            MultiTaskBatch batch = d.batch(m, Split.TRAIN, new int[] {1, 2}, List.of("a", "b"));
            TaskTarget a = batch.target("a");
            assertEquals(new Shape(2, 3), a.labels().getShape());
            assertEquals(DataType.FLOAT32, a.labels().getDataType());
            assertArrayEquals(new float[] {0.1f, 0.1f, 0.8f, 1f / 3, 1f / 3, 1f / 3}, a.labels().toFloatArray(), 1e-7f);
            assertArrayEquals(new float[] {1f, 0f}, a.mask().toFloatArray());
            // a task outside the graph keeps its own labels
            assertArrayEquals(new long[] {0, 1}, batch.target("b").labels().toLongArray());
            TaskTarget complete = d.batch(m, Split.TRAIN, new int[] {0, 1}, List.of("a")).target("a");
            assertNull(complete.mask());
            // held-out splits keep their gold class indices
            assertArrayEquals(new long[] {1, 2}, d.batch(m, Split.TEST, new int[] {0, 1}, List.of("a")).target("a")
                    .labels().toLongArray());
        }
    }

    @Test
    void aGraphThatDoesNotFitTheDatasetIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SoftLabelledDataset(data(),
                new ProbabilisticLabels(TaskGraph.single("c", 3), P), new boolean[3]));
        assertTrue(e.getMessage().contains("'c' is not a task of the dataset"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SoftLabelledDataset(data(),
                new ProbabilisticLabels(TaskGraph.single("b", 3), P), new boolean[3]));
        assertTrue(e.getMessage().contains("task 'b' has 3 classes in the task graph"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SoftLabelledDataset(data(),
                new ProbabilisticLabels(GRAPH, P), new boolean[2]));
        assertTrue(e.getMessage().contains("for a training split of 3 examples"), e.getMessage());
    }
}
