package org.openmtl.plugins.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.data.DatasetContext;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.task.Task;
import org.openmtl.api.task.TaskType;
import org.openmtl.plugins.data.fashion.MultiFashionMnistFactory;
import org.openmtl.plugins.data.fashion.MultiFashionMnistManyFactory;
import org.openmtl.plugins.data.mnist.MnistSource;
import org.openmtl.plugins.data.mnist.MultiMnist;
import org.openmtl.plugins.data.mnist.MultiMnistFactory;
import org.openmtl.plugins.data.mnist.MultiMnistManyFactory;
import org.openmtl.plugins.data.mnist.PairTask;
import org.openmtl.plugins.data.testing.Gzip;
import org.openmtl.plugins.data.testing.IdxWriter;

/**
 * The many-task datasets {@code multimnist-many} and {@code multifashion-mnist-many} on small IDX
 * files the test writes. Every image is uniform with a value unique within its file, so each
 * example's two source images, and so their raw labels, are read back from its corners (output
 * pixel (0, 0) shows only the top-left image, (25, 25) only the bottom-right one); each task's
 * label is then computed here from the raw labels and compared with the dataset's.
 */
class ManyTaskDatasetsTest {

    private static final int PIXELS = 28 * 28;

    private static NDManager base;

    @TempDir Path dataDir;

    @BeforeAll
    static void engine() {
        base = NDManager.newBaseManager();
    }

    @AfterAll
    static void release() {
        base.close();
    }

    /** A fake collection: value and label of image m of its training and t10k files. */
    private record Fake(
            IntUnaryOperator trainValue,
            IntUnaryOperator trainLabel,
            IntUnaryOperator testValue,
            IntUnaryOperator testLabel) {

        IntUnaryOperator value(Split split) {
            return split == Split.TEST ? testValue : trainValue;
        }

        IntUnaryOperator label(Split split) {
            return split == Split.TEST ? testLabel : trainLabel;
        }
    }

    // MNIST: values 10..99; Fashion-MNIST: values 120..249, so a pixel names its collection
    private static final Fake MNIST =
            new Fake(m -> 60 + m, m -> (7 * m) % 10, m -> 10 + 3 * m, m -> (3 * m + 1) % 10);
    private static final Fake FASHION =
            new Fake(m -> 249 - 3 * m, m -> (m + 4) % 10, m -> 120 + 2 * m, m -> (9 * m) % 10);

    private void write(String directory, Fake fake, int train, int test, boolean gzip)
            throws IOException {
        Path dir = Files.createDirectories(dataDir.resolve(directory));
        write(dir, "train", train, fake.trainValue(), fake.trainLabel(), gzip);
        write(dir, "t10k", test, fake.testValue(), fake.testLabel(), gzip);
    }

    private static void write(
            Path dir,
            String prefix,
            int count,
            IntUnaryOperator value,
            IntUnaryOperator label,
            boolean gzip)
            throws IOException {
        byte[] pixels = new byte[count * PIXELS];
        byte[] labels = new byte[count];
        for (int m = 0; m < count; m++) {
            Arrays.fill(pixels, m * PIXELS, (m + 1) * PIXELS, (byte) value.applyAsInt(m));
            labels[m] = (byte) label.applyAsInt(m);
        }
        Path images = dir.resolve(prefix + "-images-idx3-ubyte");
        Path labelsFile = dir.resolve(prefix + "-labels-idx1-ubyte");
        IdxWriter.images(images, count, 28, 28, pixels);
        IdxWriter.labels(labelsFile, labels);
        if (gzip) {
            Gzip.gzipInPlace(images);
            Gzip.gzipInPlace(labelsFile);
        }
    }

    private static MultiTaskDataset load(
            PluginFactory<DatasetProvider> factory, Path dataDir, int limit, long seed) {
        DatasetProvider provider =
                factory.create(
                        PluginConfigs.of(
                                factory.descriptor(), Map.of("validation.fraction", "0.25"), 0));
        return provider.load(new DatasetContext(dataDir, limit, seed));
    }

    /** A whole split as one batch: raw input floats and every task's labels. */
    private record Loaded(float[] input, Map<String, long[]> labels) {}

    private static Loaded batch(MultiTaskDataset data, Split split) {
        int n = data.size(split);
        List<String> tasks = data.tasks().stream().map(Task::name).toList();
        try (NDManager step = base.newSubManager()) {
            MultiTaskBatch batch =
                    data.batch(step, split, IntStream.range(0, n).toArray(), tasks);
            Map<String, long[]> labels = new LinkedHashMap<>();
            for (String task : tasks) {
                assertNull(batch.target(task).mask(), "every example is labelled for " + task);
                labels.put(task, batch.target(task).labels().toLongArray());
            }
            return new Loaded(batch.input().toFloatArray(), labels);
        }
    }

    /** The raw label of the image of a fake collection's file whose uniform value is the pixel. */
    private static int rawLabel(float normalized, float[] normalization, Fake fake, Split split) {
        int pixel = Math.round((normalized - normalization[1]) / normalization[0]);
        for (int m = 0; m < 256; m++) {
            if (fake.value(split).applyAsInt(m) == pixel) {
                return fake.label(split).applyAsInt(m);
            }
        }
        throw new AssertionError("pixel " + pixel + " is no image of the " + split.label() + " file");
    }

    /**
     * Checks every example of every split: the labels of each task against the expected ones
     * computed from the raw labels of its two images; every label value of every binary or
     * three-way task occurs, so a task that ignored its images could not pass.
     */
    private static void checkLabels(
            MultiTaskDataset data, Fake left, Fake right, Expected expected) {
        float[] normalization = ((ArrayDataset) data).normalization();
        List<String> names = data.tasks().stream().map(Task::name).toList();
        Map<String, Set<Long>> seen = new LinkedHashMap<>();
        for (Split split : Split.values()) {
            Loaded loaded = batch(data, split);
            for (int i = 0; i < data.size(split); i++) {
                int l = rawLabel(loaded.input()[i * PIXELS], normalization, left, split);
                int r =
                        rawLabel(
                                loaded.input()[i * PIXELS + 25 * 28 + 25],
                                normalization,
                                right,
                                split);
                Map<String, Integer> want = expected.labels(l, r);
                assertEquals(names, List.copyOf(want.keySet()));
                for (String task : names) {
                    long got = loaded.labels().get(task)[i];
                    assertEquals(
                            (long) want.get(task),
                            got,
                            split.label() + " example " + i + " (" + l + ", " + r + "): " + task);
                    seen.computeIfAbsent(task, k -> new HashSet<>()).add(got);
                }
            }
        }
        for (Task task : data.tasks()) {
            if (task.outputs() <= 3) {
                assertEquals(task.outputs(), seen.get(task.name()).size(), task.name() + " " + seen);
            }
        }
    }

    /** The labels an example should have, from its two raw labels. */
    @FunctionalInterface
    private interface Expected {
        Map<String, Integer> labels(int left, int right);
    }

    private static Map<String, Integer> multiMnistLabels(int left, int right) {
        Map<String, Integer> labels = new LinkedHashMap<>();
        labels.put("left", left);
        labels.put("right", right);
        labels.put("sum", left + right);
        labels.put("left-greater", Integer.compare(left, right) > 0 ? 1 : 0);
        labels.put("left-parity", left & 1);
        labels.put("right-parity", right & 1);
        labels.put("same", left - right == 0 ? 1 : 0);
        return labels;
    }

    /** Fashion-MNIST's class names, by label (Xiao, Rasul &amp; Vollgraf 2017). */
    private static final List<String> GARMENTS =
            List.of(
                    "T-shirt/top",
                    "Trouser",
                    "Pullover",
                    "Dress",
                    "Coat",
                    "Sandal",
                    "Shirt",
                    "Sneaker",
                    "Bag",
                    "Ankle boot");

    private static Map<String, Integer> fashionMnistLabels(int digit, int garment) {
        String name = GARMENTS.get(garment);
        Set<String> tops = Set.of("T-shirt/top", "Pullover", "Coat", "Shirt");
        Set<String> footwear = Set.of("Sandal", "Sneaker", "Ankle boot");
        Map<String, Integer> labels = new LinkedHashMap<>();
        labels.put("digit", digit);
        labels.put("garment", garment);
        labels.put("digit-parity", digit % 2 == 1 ? 1 : 0);
        labels.put("digit-high", List.of(5, 6, 7, 8, 9).contains(digit) ? 1 : 0);
        labels.put("garment-group", tops.contains(name) ? 0 : footwear.contains(name) ? 1 : 2);
        labels.put("garment-clothing", footwear.contains(name) || name.equals("Bag") ? 0 : 1);
        return labels;
    }

    @Test
    void multiMnistManyLabelsEachTaskFromTheTwoDigits() throws IOException {
        write("mnist", MNIST, 40, 12, false);
        MultiTaskDataset data = load(new MultiMnistManyFactory(), dataDir, 0, 11);
        assertEquals(
                List.of(
                        "left",
                        "right",
                        "sum",
                        "left-greater",
                        "left-parity",
                        "right-parity",
                        "same"),
                data.tasks().stream().map(Task::name).toList());
        assertEquals(
                List.of(10, 10, 19, 2, 2, 2, 2),
                data.tasks().stream().map(Task::outputs).toList());
        checkClassificationTasks(data);
        checkLabels(data, MNIST, MNIST, ManyTaskDatasetsTest::multiMnistLabels);
        Map<?, ?> labels = (Map<?, ?>) data.provenance().get("labels");
        assertEquals(7, labels.size(), labels.toString());
        assertTrue(labels.get("sum").toString().startsWith("19 classes"), labels.toString());
        assertEquals("multimnist-many", data.provenance().get("dataset"));
    }

    @Test
    void multiFashionMnistManyLabelsEachTaskFromTheDigitAndTheItem() throws IOException {
        write("mnist", MNIST, 40, 12, false);
        write("fashion-mnist", FASHION, 40, 12, true);
        MultiTaskDataset data = load(new MultiFashionMnistManyFactory(), dataDir, 0, 5);
        assertEquals(
                List.of(
                        "digit",
                        "garment",
                        "digit-parity",
                        "digit-high",
                        "garment-group",
                        "garment-clothing"),
                data.tasks().stream().map(Task::name).toList());
        assertEquals(
                List.of(10, 10, 2, 2, 3, 2), data.tasks().stream().map(Task::outputs).toList());
        checkClassificationTasks(data);
        checkLabels(data, MNIST, FASHION, ManyTaskDatasetsTest::fashionMnistLabels);
        assertEquals("multifashion-mnist-many", data.provenance().get("dataset"));
    }

    /** Cross-entropy loss; accuracy the primary metric, higher better; cross-entropy lower. */
    private static void checkClassificationTasks(MultiTaskDataset data) {
        for (int id = 0; id < data.tasks().size(); id++) {
            Task task = data.tasks().get(id);
            assertEquals(TaskType.CLASSIFICATION, task.type());
            assertEquals("accuracy", task.primaryMetric().name(), task.name());
            assertTrue(task.primaryMetric().higherIsBetter(), task.name());
            assertEquals(
                    List.of("accuracy", "loss"),
                    task.metrics().stream().map(m -> m.name()).toList());
            assertFalse(task.metrics().get(1).higherIsBetter(), task.name());
            assertEquals(id, task.descriptor().orElseThrow().id(), task.name());
        }
    }

    /**
     * The many-task datasets relabel the two-task ones' examples: same inputs, byte for byte, and
     * the same classes of the two images, for a seed and a training limit.
     */
    @Test
    void theExamplesAreTheTwoTaskDatasetsExamples() throws IOException {
        write("mnist", MNIST, 40, 12, false);
        write("fashion-mnist", FASHION, 36, 12, true);
        record Pair(
                PluginFactory<DatasetProvider> two,
                PluginFactory<DatasetProvider> many,
                String left,
                String right) {}
        for (Pair pair :
                List.of(
                        new Pair(new MultiMnistFactory(), new MultiMnistManyFactory(), "left", "right"),
                        new Pair(
                                new MultiFashionMnistFactory(),
                                new MultiFashionMnistManyFactory(),
                                "digit",
                                "garment"))) {
            for (int limit : new int[] {0, 7}) {
                MultiTaskDataset two = load(pair.two(), dataDir, limit, 3);
                MultiTaskDataset many = load(pair.many(), dataDir, limit, 3);
                assertArrayEquals(
                        ((ArrayDataset) two).normalization(), ((ArrayDataset) many).normalization());
                for (Split split : Split.values()) {
                    assertEquals(two.size(split), many.size(split));
                    Loaded a = batch(two, split);
                    Loaded b = batch(many, split);
                    String where = pair.many().descriptor().name() + " " + split.label();
                    assertArrayEquals(a.input(), b.input(), where);
                    assertArrayEquals(a.labels().get("left"), b.labels().get(pair.left()), where);
                    assertArrayEquals(a.labels().get("right"), b.labels().get(pair.right()), where);
                }
            }
        }
        // and the two-task datasets' provenance is as before: no task derivations
        assertFalse(load(new MultiMnistFactory(), dataDir, 0, 3).provenance().containsKey("labels"));
    }

    @Test
    void chanceAccuraciesAreTheMajorityShareOfUniformIndependentClasses() {
        // closed forms over the 100 equally likely (left, right) pairs
        Map<String, Double> expected = new LinkedHashMap<>();
        expected.put("left", 0.10);
        expected.put("right", 0.10);
        expected.put("sum", 0.10); // sum 9: 10 of 100 pairs
        expected.put("left-greater", 0.55); // left > right in 45 pairs, not in 55
        expected.put("left-parity", 0.50);
        expected.put("right-parity", 0.50);
        expected.put("same", 0.90); // 10 pairs are equal
        expected.put("digit", 0.10);
        expected.put("garment", 0.10);
        expected.put("digit-parity", 0.50);
        expected.put("digit-high", 0.50);
        expected.put("garment-group", 0.40); // 4 tops, 3 footwear, 3 other
        expected.put("garment-clothing", 0.60); // 6 clothing, 4 not
        List<PairTask> all = new ArrayList<>(MultiMnistManyFactory.TASKS);
        all.addAll(MultiFashionMnistManyFactory.TASKS);
        for (PairTask task : all) {
            assertEquals(expected.get(task.name()), task.chanceAccuracy(), 1e-12, task.name());
        }
        assertEquals(expected.size(), all.size());
    }

    @Test
    void aVariantRefusesRepeatedTaskNames() {
        PairTask left = PairTask.LEFT_RIGHT.get(0);
        IllegalArgumentException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        IllegalArgumentException.class,
                        () -> MultiMnist.Variant.multiMnist().withTasks("x", List.of(left, left)));
        assertTrue(e.getMessage().contains("'left'"), e.getMessage());
    }

    /**
     * Runs only where a real MNIST copy is at data/mnist in the repository: every task's labels
     * on the real test split, recomputed from MNIST's own label file, and each task's majority
     * share near its chance accuracy.
     */
    @Test
    void realMnistTestSplit() throws IOException {
        Path real = Path.of("../../data");
        assumeTrue(new MnistSource().isPresent(real), "no MNIST copy in ../../data/mnist");
        MultiTaskDataset data =
                new MultiMnistManyFactory()
                        .create(
                                PluginConfigs.defaults(
                                        new MultiMnistManyFactory().descriptor(), 0))
                        .load(new DatasetContext(real, 64, 1));
        Loaded test = batch(data, Split.TEST);
        long[] left = test.labels().get("left");
        long[] right = test.labels().get("right");
        int n = left.length;
        assertEquals(10_000, n);
        // the left digit of test example i is image i of the t10k file
        byte[] raw = Files.readAllBytes(real.resolve("mnist/t10k-labels-idx1-ubyte"));
        for (int i = 0; i < n; i++) {
            assertEquals(raw[8 + i], left[i], "test example " + i);
        }
        for (PairTask task : MultiMnistManyFactory.TASKS) {
            long[] labels = test.labels().get(task.name());
            int[] counts = new int[task.classes()];
            for (int i = 0; i < n; i++) {
                Map<String, Integer> want = multiMnistLabels((int) left[i], (int) right[i]);
                assertEquals((long) want.get(task.name()), labels[i], task.name() + " " + i);
                counts[(int) labels[i]]++;
            }
            double majority = Arrays.stream(counts).max().orElseThrow() / (double) n;
            System.out.printf(
                    "multimnist-many test split: %s majority share %.4f (chance %.2f)%n",
                    task.name(), majority, task.chanceAccuracy());
            assertEquals(task.chanceAccuracy(), majority, 0.02, task.name());
        }
    }
}
