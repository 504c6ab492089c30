package org.openmtl.plugins.data.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmtl.api.data.DatasetContext;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.api.task.Task;
import org.openmtl.api.task.TaskType;

class SyntheticTasksTest {

    private static NDManager base;

    @BeforeAll
    static void engine() {
        base = NDManager.newBaseManager();
    }

    @AfterAll
    static void release() {
        base.close();
    }

    private static SyntheticTasks provider(String... keyValues) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        SyntheticTasksFactory factory = new SyntheticTasksFactory();
        return (SyntheticTasks) factory.create(PluginConfigs.of(factory.descriptor(), values, 0));
    }

    private static MultiTaskDataset load(long seed, int limit, String... keyValues) {
        return provider(keyValues).load(new DatasetContext(Path.of("unused"), limit, seed));
    }

    /** A split's inputs, and each task's labels as floats (missing ones as NaN). */
    private static final class Contents {
        float[] inputs;
        Map<String, float[]> labels = new HashMap<>();
    }

    private static Contents contents(MultiTaskDataset data, Split split) {
        int n = data.size(split);
        List<String> tasks = data.tasks().stream().map(Task::name).toList();
        Contents c = new Contents();
        try (NDManager step = base.newSubManager()) {
            MultiTaskBatch batch = data.batch(step, split, IntStream.range(0, n).toArray(), tasks);
            c.inputs = batch.input().toFloatArray();
            for (String task : tasks) {
                float[] values =
                        batch.target(task).labels().toType(DataType.FLOAT32, false).toFloatArray();
                if (batch.target(task).mask() != null) {
                    float[] mask = batch.target(task).mask().toFloatArray();
                    for (int i = 0; i < n; i++) {
                        if (mask[i] == 0) {
                            values[i] = Float.NaN;
                        }
                    }
                }
                c.labels.put(task, values);
            }
        }
        return c;
    }

    private static double correlation(float[] a, float[] b) {
        double ma = 0;
        double mb = 0;
        for (int i = 0; i < a.length; i++) {
            ma += a[i];
            mb += b[i];
        }
        ma /= a.length;
        mb /= b.length;
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (a[i] - ma) * (b[i] - mb);
            aa += (a[i] - ma) * (a[i] - ma);
            bb += (b[i] - mb) * (b[i] - mb);
        }
        return ab / Math.sqrt(aa * bb);
    }

    @Test
    void defaultsNameTasksAndGroups() {
        SyntheticTasks provider = provider();
        MultiTaskDataset data = provider.load(new DatasetContext(Path.of("unused"), 0, 1));
        assertEquals(
                List.of("t0", "t1", "t2", "t3"), data.tasks().stream().map(Task::name).toList());
        for (Task task : data.tasks()) {
            assertEquals(TaskType.REGRESSION, task.type());
            assertEquals(1, task.outputs());
        }
        assertEquals(new Shape(16), data.exampleShape());
        assertEquals(2000, data.size(Split.TRAIN));
        assertEquals(500, data.size(Split.VALIDATION));
        assertEquals(500, data.size(Split.TEST));
        assertArrayEquals(
                new int[] {0, 1, 0, 1}, IntStream.range(0, 4).map(provider::groupOf).toArray());
        assertEquals(
                Map.of("t0", 0, "t1", 1, "t2", 0, "t3", 1), data.provenance().get("task.groups"));

        MultiTaskDataset six = load(1, 0, "tasks", "6", "groups", "3", "features", "5");
        assertEquals(
                List.of("t0", "t1", "t2", "t3", "t4", "t5"),
                six.tasks().stream().map(Task::name).toList());
        assertEquals(new Shape(5), six.exampleShape());
        assertEquals(
                Map.of("t0", 0, "t1", 1, "t2", 2, "t3", 0, "t4", 1, "t5", 2),
                six.provenance().get("task.groups"));
    }

    @Test
    void sameSeedSameDataOtherSeedOtherData() {
        for (Split split : Split.values()) {
            Contents a = contents(load(7, 0), split);
            Contents b = contents(load(7, 0), split);
            Contents c = contents(load(8, 0), split);
            assertArrayEquals(a.inputs, b.inputs);
            assertArrayEquals(a.labels.get("t3"), b.labels.get("t3"));
            assertFalse(Arrays.equals(a.inputs, c.inputs));
            assertFalse(Arrays.equals(a.labels.get("t3"), c.labels.get("t3")));
        }
    }

    @Test
    void inputsAreStandardNormalAndTargetsStandardized() {
        Contents train = contents(load(3, 0), Split.TRAIN);
        double mean = Arrays.stream(toDoubles(train.inputs)).average().orElseThrow();
        double variance =
                Arrays.stream(toDoubles(train.inputs))
                        .map(x -> (x - mean) * (x - mean))
                        .average()
                        .orElseThrow();
        assertEquals(0, mean, 0.02);
        assertEquals(1, variance, 0.03);
        for (float[] y : train.labels.values()) {
            double m = Arrays.stream(toDoubles(y)).average().orElseThrow();
            double v =
                    Arrays.stream(toDoubles(y)).map(t -> (t - m) * (t - m)).average().orElseThrow();
            assertEquals(0, m, 0.1, "targets are centred");
            assertEquals(1.01, v, 0.15, "signal variance 1 plus noise 0.1^2");
        }
    }

    private static double[] toDoubles(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return d;
    }

    @Test
    void tasksOfAGroupAreRelatedAndOthersAreNot() {
        for (long seed = 1; seed <= 5; seed++) {
            Contents train = contents(load(seed, 0), Split.TRAIN);
            float[] t0 = train.labels.get("t0");
            float[] t1 = train.labels.get("t1");
            float[] t2 = train.labels.get("t2");
            float[] t3 = train.labels.get("t3");
            // groups: {t0, t2} and {t1, t3}
            assertTrue(
                    correlation(t0, t2) > 0.5,
                    "seed " + seed + ": corr(t0, t2) = " + correlation(t0, t2));
            assertTrue(
                    correlation(t1, t3) > 0.5,
                    "seed " + seed + ": corr(t1, t3) = " + correlation(t1, t3));
            for (float[][] pair : new float[][][] {{t0, t1}, {t0, t3}, {t2, t1}, {t2, t3}}) {
                double r = correlation(pair[0], pair[1]);
                assertTrue(Math.abs(r) < 0.2, "seed " + seed + ": across groups " + r);
            }
        }
    }

    @Test
    void relatednessOneMakesTasksOfAGroupIdenticalUpToNoise() {
        Contents train = contents(load(2, 0, "relatedness", "1", "noise", "0"), Split.TRAIN);
        assertArrayEquals(train.labels.get("t0"), train.labels.get("t2"), 1e-4f);
    }

    @Test
    void perTaskLayoutLabelsEachExampleForExactlyOneTask() {
        MultiTaskDataset data =
                load(
                        4,
                        0,
                        "layout",
                        "per-task",
                        "tasks",
                        "3",
                        "groups",
                        "1",
                        "train.examples",
                        "10");
        for (Split split : Split.values()) {
            int n = data.size(split);
            int[] labelsPerExample = new int[n];
            for (Task task : data.tasks()) {
                for (int example : data.labelled(split, task.name())) {
                    labelsPerExample[example]++;
                }
            }
            for (int i = 0; i < n; i++) {
                assertEquals(1, labelsPerExample[i], split.label() + " example " + i);
            }
        }
        // example j belongs to task j mod 3
        assertArrayEquals(new int[] {0, 3, 6, 9}, data.labelled(Split.TRAIN, "t0"));
        assertArrayEquals(new int[] {1, 4, 7}, data.labelled(Split.TRAIN, "t1"));
        assertArrayEquals(new int[] {2, 5, 8}, data.labelled(Split.TRAIN, "t2"));
        try (NDManager step = base.newSubManager()) {
            MultiTaskBatch batch =
                    data.batch(step, Split.TRAIN, new int[] {0, 1, 2, 3}, List.of("t0", "t1"));
            assertArrayEquals(new float[] {1, 0, 0, 1}, batch.target("t0").mask().toFloatArray());
            assertArrayEquals(new float[] {0, 1, 0, 0}, batch.target("t1").mask().toFloatArray());
        }
    }

    @Test
    void missingDropsTheExpectedFractionOfTrainingLabels() {
        MultiTaskDataset data = load(5, 0, "missing", "0.3");
        int labelled = 0;
        for (Task task : data.tasks()) {
            labelled += data.labelled(Split.TRAIN, task.name()).length;
            assertEquals(
                    500,
                    data.labelled(Split.VALIDATION, task.name()).length,
                    "validation stays labelled");
            assertEquals(500, data.labelled(Split.TEST, task.name()).length, "test stays labelled");
        }
        double dropped = 1 - labelled / (4.0 * 2000);
        assertEquals(0.3, dropped, 0.03); // 8000 Bernoulli(0.3) draws: standard deviation 0.005

        Contents train = contents(data, Split.TRAIN);
        for (Task task : data.tasks()) {
            float[] y = train.labels.get(task.name());
            int[] present = data.labelled(Split.TRAIN, task.name());
            int nan = 0;
            for (float v : y) {
                nan += Float.isNaN(v) ? 1 : 0;
            }
            assertEquals(2000 - present.length, nan, "the batch masks exactly the dropped labels");
        }
        try (NDManager step = base.newSubManager()) {
            int[] labelledT0 = data.labelled(Split.TRAIN, "t0");
            MultiTaskBatch batch =
                    data.batch(
                            step, Split.TRAIN, Arrays.copyOf(labelledT0, 64), List.of("t0", "t1"));
            assertNull(batch.target("t0").mask(), "a batch of labelled examples needs no mask");
            assertNotNull(batch.target("t1").mask());
        }
    }

    @Test
    void classificationLabelsAreInRangeAndRoughlyBalanced() {
        for (int classes : new int[] {2, 5}) {
            MultiTaskDataset data =
                    load(6, 0, "kind", "classification", "classes", Integer.toString(classes));
            for (Task task : data.tasks()) {
                assertEquals(TaskType.CLASSIFICATION, task.type());
                assertEquals(classes, task.outputs());
            }
            Contents train = contents(data, Split.TRAIN);
            for (Map.Entry<String, float[]> e : train.labels.entrySet()) {
                int[] counts = new int[classes];
                for (float label : e.getValue()) {
                    assertTrue(
                            label >= 0 && label < classes && label == Math.rint(label),
                            "label " + label);
                    counts[(int) label]++;
                }
                for (int c = 0; c < classes; c++) {
                    double share = counts[c] / 2000.0;
                    assertTrue(
                            share > 0.5 / classes && share < 1.5 / classes,
                            classes + " classes, " + e.getKey() + " class " + c + ": " + share);
                }
            }
        }
        Contents related = contents(load(6, 0, "kind", "classification"), Split.TRAIN);
        int agree = 0;
        for (int i = 0; i < 2000; i++) {
            agree += related.labels.get("t0")[i] == related.labels.get("t2")[i] ? 1 : 0;
        }
        assertTrue(agree > 0.7 * 2000, "tasks of a group mostly agree: " + agree);
    }

    @Test
    void trainLimitKeepsAPrefixAndTheSameTasks() {
        Contents full = contents(load(9, 0), Split.TRAIN);
        MultiTaskDataset limited = load(9, 100);
        assertEquals(100, limited.size(Split.TRAIN));
        Contents prefix = contents(limited, Split.TRAIN);
        assertArrayEquals(Arrays.copyOf(full.inputs, 100 * 16), prefix.inputs);
        assertArrayEquals(Arrays.copyOf(full.labels.get("t1"), 100), prefix.labels.get("t1"));
        assertArrayEquals(
                contents(load(9, 0), Split.TEST).inputs, contents(limited, Split.TEST).inputs);
    }

    @Test
    void inconsistentKeysNameTheKey() {
        PluginConfigException groups =
                assertThrows(
                        PluginConfigException.class, () -> provider("tasks", "2", "groups", "3"));
        assertEquals("dataset.synthetic.groups", groups.getKey());
        PluginConfigException features =
                assertThrows(PluginConfigException.class, () -> provider("features", "1"));
        assertEquals("dataset.synthetic.groups", features.getKey());
        PluginConfigException missing =
                assertThrows(
                        PluginConfigException.class,
                        () -> provider("layout", "per-task", "missing", "0.2"));
        assertEquals("dataset.synthetic.missing", missing.getKey());
        PluginConfigException kind =
                assertThrows(PluginConfigException.class, () -> provider("kind", "ranking"));
        assertEquals("dataset.synthetic.kind", kind.getKey());
    }
}
