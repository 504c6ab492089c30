package org.openmtl.plugins.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.Split;
import org.openmtl.api.data.TaskTarget;
import org.openmtl.api.task.Task;

class ArrayDatasetTest {

    private static NDManager base;

    @BeforeAll
    static void engine() {
        base = NDManager.newBaseManager();
    }

    @AfterAll
    static void release() {
        base.close();
    }

    /** 4 examples of shape (1, 2, 2) as bytes, a classification and a 2-output regression task. */
    private static ArrayDataset shared() {
        byte[] pixels = new byte[16];
        for (int i = 0; i < 16; i++) {
            pixels[i] = (byte) (i * 16); // 0, 16, ..., 240 (240 is -16 as a signed byte)
        }
        return ArrayDataset.builder(
                        List.of(Task.classification("digit", 3, 0), Task.regression("pos", 2, 1)),
                        new Shape(1, 2, 2))
                .optNormalization(0.5f, -1f)
                .setInputs(Split.TRAIN, pixels)
                .setClassLabels(
                        Split.TRAIN,
                        "digit",
                        new int[] {2, 0, 1, 99},
                        new boolean[] {true, true, true, false})
                .setTargets(Split.TRAIN, "pos", new float[] {1, 2, 3, 4, 5, 6, 7, 8}, null)
                .setInputs(Split.TEST, new byte[4])
                .setClassLabels(Split.TEST, "digit", new int[] {1}, null)
                .setTargets(Split.TEST, "pos", new float[] {0, 0}, null)
                .build();
    }

    @Test
    void sizesTasksAndLabelledLists() {
        ArrayDataset data = shared();
        assertEquals(4, data.size(Split.TRAIN));
        assertEquals(0, data.size(Split.VALIDATION));
        assertEquals(1, data.size(Split.TEST));
        assertEquals(new Shape(1, 2, 2), data.exampleShape());
        assertEquals(List.of("digit", "pos"), data.tasks().stream().map(Task::name).toList());
        assertArrayEquals(new int[] {0, 1, 2}, data.labelled(Split.TRAIN, "digit"));
        assertArrayEquals(new int[] {0, 1, 2, 3}, data.labelled(Split.TRAIN, "pos"));
        assertArrayEquals(new int[0], data.labelled(Split.VALIDATION, "pos"));
        // callers get a copy
        data.labelled(Split.TRAIN, "digit")[0] = 42;
        assertEquals(0, data.labelled(Split.TRAIN, "digit")[0]);
    }

    @Test
    void batchHasShapesTypesNormalizedInputsAndLabels() {
        try (NDManager step = base.newSubManager()) {
            MultiTaskBatch batch =
                    shared().batch(step, Split.TRAIN, new int[] {3, 0}, List.of("digit", "pos"));
            NDArray input = batch.input();
            assertEquals(new Shape(2, 1, 2, 2), input.getShape());
            assertEquals(DataType.FLOAT32, input.getDataType());
            // example 3 holds bytes 192, 208, 224, 240 (unsigned); example 0 holds 0, 16, 32, 48
            assertArrayEquals(
                    new float[] {95, 103, 111, 119, -1, 7, 15, 23}, input.toFloatArray(), 1e-6f);
            assertEquals(List.of("digit", "pos"), batch.tasks());

            TaskTarget digit = batch.target("digit");
            assertEquals(DataType.INT64, digit.labels().getDataType());
            assertEquals(new Shape(2), digit.labels().getShape());
            // the missing label of example 3 becomes 0, a valid class id
            assertArrayEquals(new long[] {0, 2}, digit.labels().toLongArray());
            assertNotNull(digit.mask());
            assertEquals(DataType.FLOAT32, digit.mask().getDataType());
            assertArrayEquals(new float[] {0, 1}, digit.mask().toFloatArray());

            TaskTarget pos = batch.target("pos");
            assertEquals(DataType.FLOAT32, pos.labels().getDataType());
            assertEquals(new Shape(2, 2), pos.labels().getShape());
            assertArrayEquals(new float[] {7, 8, 1, 2}, pos.labels().toFloatArray());
            assertNull(pos.mask(), "every example is labelled for pos");
        }
    }

    @Test
    void maskIsNullWhenTheBatchHasOnlyLabelledExamples() {
        try (NDManager step = base.newSubManager()) {
            MultiTaskBatch batch =
                    shared().batch(step, Split.TRAIN, new int[] {2, 1, 1}, List.of("digit"));
            assertNull(batch.target("digit").mask());
            assertArrayEquals(new long[] {1, 0, 0}, batch.target("digit").labels().toLongArray());
            assertEquals(List.of("digit"), batch.tasks());
            assertEquals(3, batch.size());
        }
    }

    @Test
    void batchArraysBelongToTheGivenManager() {
        NDManager step = base.newSubManager();
        MultiTaskBatch batch =
                shared().batch(step, Split.TRAIN, new int[] {0, 3}, List.of("digit", "pos"));
        NDArray input = batch.input();
        NDArray labels = batch.target("digit").labels();
        NDArray mask = batch.target("digit").mask();
        NDArray targets = batch.target("pos").labels();
        for (NDArray a : List.of(input, labels, mask, targets)) {
            assertSame(step, a.getManager());
        }
        step.close();
        for (NDArray a : List.of(input, labels, mask, targets)) {
            assertTrue(a.isReleased(), "closing the step's manager releases the batch");
        }
    }

    @Test
    void perTaskLayoutLabelsEachExampleForOneTask() {
        float[] inputs = {0, 1, 2, 3, 4, 5}; // 6 examples of shape (1)
        ArrayDataset data =
                ArrayDataset.builder(
                                List.of(Task.regression("a", 1, 0), Task.classification("b", 2, 1)),
                                new Shape(1))
                        .setInputs(Split.TRAIN, inputs)
                        .setTargets(
                                Split.TRAIN,
                                "a",
                                new float[] {10, Float.NaN, 12, Float.NaN, 14, Float.NaN},
                                new boolean[] {true, false, true, false, true, false})
                        .setClassLabels(
                                Split.TRAIN,
                                "b",
                                new int[] {-1, 1, -1, 0, -1, 1},
                                new boolean[] {false, true, false, true, false, true})
                        .build();
        assertArrayEquals(new int[] {0, 2, 4}, data.labelled(Split.TRAIN, "a"));
        assertArrayEquals(new int[] {1, 3, 5}, data.labelled(Split.TRAIN, "b"));
        try (NDManager step = base.newSubManager()) {
            MultiTaskBatch batch =
                    data.batch(step, Split.TRAIN, new int[] {0, 1, 2, 3}, List.of("a", "b"));
            assertArrayEquals(new float[] {0, 1, 2, 3}, batch.input().toFloatArray());
            assertEquals(new Shape(4, 1), batch.input().getShape());
            // missing targets are 0, never NaN, so a masked loss stays finite
            assertArrayEquals(
                    new float[] {10, 0, 12, 0}, batch.target("a").labels().toFloatArray());
            assertArrayEquals(new float[] {1, 0, 1, 0}, batch.target("a").mask().toFloatArray());
            assertArrayEquals(new long[] {0, 1, 0, 0}, batch.target("b").labels().toLongArray());
            assertArrayEquals(new float[] {0, 1, 0, 1}, batch.target("b").mask().toFloatArray());

            MultiTaskBatch onlyA =
                    data.batch(step, Split.TRAIN, data.labelled(Split.TRAIN, "a"), List.of("a"));
            assertNull(onlyA.target("a").mask());
        }
    }

    @Test
    void floatInputsAreNormalizedWhenAsked() {
        ArrayDataset data =
                ArrayDataset.builder(List.of(Task.regression("y", 1, 0)), new Shape(2))
                        .optNormalization(2f, 1f)
                        .setInputs(Split.VALIDATION, new float[] {0, 1, 2, 3})
                        .setTargets(Split.VALIDATION, "y", new float[] {5, 6}, null)
                        .build();
        try (NDManager step = base.newSubManager()) {
            MultiTaskBatch batch = data.batch(step, Split.VALIDATION, new int[] {1}, List.of("y"));
            assertArrayEquals(new float[] {5, 7}, batch.input().toFloatArray());
            assertEquals(new Shape(1, 1), batch.target("y").labels().getShape());
        }
    }

    @Test
    void rejectsInconsistentData() {
        List<Task> tasks = List.of(Task.classification("c", 3, 0));
        Shape shape = new Shape(2);
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        ArrayDataset.builder(tasks, shape)
                                .setInputs(Split.TRAIN, new float[] {1, 2, 3}));
        IllegalArgumentException badClass =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                ArrayDataset.builder(tasks, shape)
                                        .setInputs(Split.TRAIN, new float[4])
                                        .setClassLabels(Split.TRAIN, "c", new int[] {0, 3}, null)
                                        .build());
        assertTrue(badClass.getMessage().contains("class 3"), badClass.getMessage());
        IllegalArgumentException noLabels =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                ArrayDataset.builder(tasks, shape)
                                        .setInputs(Split.TRAIN, new float[4])
                                        .build());
        assertTrue(noLabels.getMessage().contains("'c'"), noLabels.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        ArrayDataset.builder(tasks, shape)
                                .setInputs(Split.TRAIN, new float[4])
                                .setClassLabels(Split.TRAIN, "c", new int[] {0}, null)
                                .build());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        ArrayDataset.builder(tasks, shape)
                                .setTargets(Split.TRAIN, "c", new float[2], null));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        ArrayDataset.builder(List.of(Task.regression("r", 1, 0)), shape)
                                .setInputs(Split.TRAIN, new float[2])
                                .setTargets(Split.TRAIN, "r", new float[] {Float.NaN}, null)
                                .build());
    }

    @Test
    void rejectsBadBatchRequests() {
        ArrayDataset data = shared();
        try (NDManager step = base.newSubManager()) {
            assertThrows(
                    IndexOutOfBoundsException.class,
                    () -> data.batch(step, Split.TRAIN, new int[] {4}, List.of("digit")));
            assertThrows(
                    IndexOutOfBoundsException.class,
                    () -> data.batch(step, Split.VALIDATION, new int[] {0}, List.of("digit")));
            IllegalArgumentException unknown =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> data.batch(step, Split.TRAIN, new int[] {0}, List.of("colour")));
            assertTrue(
                    unknown.getMessage().contains("digit, pos")
                            || unknown.getMessage().contains("pos, digit"));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> data.batch(step, Split.TRAIN, new int[0], List.of("digit")));
        }
    }
}
