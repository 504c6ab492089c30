package org.openmtl.plugins.data.mnist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.IntUnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.data.DataException;
import org.openmtl.api.data.DatasetContext;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.api.task.Task;
import org.openmtl.api.task.TaskType;
import org.openmtl.plugins.data.testing.IdxWriter;

class MultiMnistTest {

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

    /** Digit m of the training file is a uniform image of value 60 + 4m, with label (7m) mod 10. */
    private static int trainValue(int m) {
        return 60 + 4 * m;
    }

    private static int trainLabel(int m) {
        return (7 * m) % 10;
    }

    /** Digit m of the test file is a uniform image of value 20 + 3m, with label (3m + 1) mod 10. */
    private static int testValue(int m) {
        return 20 + 3 * m;
    }

    private static int testLabel(int m) {
        return (3 * m + 1) % 10;
    }

    private void writeUniformDigits(int trainCount, int testCount) throws IOException {
        Path mnist = Files.createDirectories(dataDir.resolve("mnist"));
        writeDigits(
                mnist, "train", trainCount, MultiMnistTest::trainValue, MultiMnistTest::trainLabel);
        writeDigits(mnist, "t10k", testCount, MultiMnistTest::testValue, MultiMnistTest::testLabel);
    }

    private static void writeDigits(
            Path dir, String prefix, int count, IntUnaryOperator value, IntUnaryOperator label)
            throws IOException {
        byte[] pixels = new byte[count * PIXELS];
        byte[] labels = new byte[count];
        for (int m = 0; m < count; m++) {
            Arrays.fill(pixels, m * PIXELS, (m + 1) * PIXELS, (byte) value.applyAsInt(m));
            labels[m] = (byte) label.applyAsInt(m);
        }
        IdxWriter.images(dir.resolve(prefix + "-images-idx3-ubyte"), count, 28, 28, pixels);
        IdxWriter.labels(dir.resolve(prefix + "-labels-idx1-ubyte"), labels);
    }

    private static MultiTaskDataset load(Path dataDir, double fraction, int limit, long seed) {
        MultiMnistFactory factory = new MultiMnistFactory();
        DatasetProvider provider =
                factory.create(
                        PluginConfigs.of(
                                factory.descriptor(),
                                Map.of("validation.fraction", Double.toString(fraction)),
                                0));
        return provider.load(new DatasetContext(dataDir, limit, seed));
    }

    /** The raw 0..255 pixel values of a split, undoing the documented normalization. */
    private static int[][] pixels(MultiTaskDataset data, Split split, int[][] labels) {
        int n = data.size(split);
        int[][] images = new int[n][PIXELS];
        if (n == 0) {
            return images;
        }
        try (NDManager step = base.newSubManager()) {
            MultiTaskBatch batch =
                    data.batch(
                            step, split, IntStream.range(0, n).toArray(), List.of("left", "right"));
            assertEquals(new Shape(n, 1, 28, 28), batch.input().getShape());
            float[] x = batch.input().toFloatArray();
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < PIXELS; p++) {
                    float raw = (x[i * PIXELS + p] * 0.3081f + 0.1307f) * 255f;
                    images[i][p] = Math.round(raw);
                    assertEquals(
                            images[i][p], raw, 1e-3, "normalization is (x/255 - 0.1307)/0.3081");
                }
            }
            assertEquals(DataType.INT64, batch.target("left").labels().getDataType());
            assertNull(batch.target("left").mask(), "every example is labelled for both tasks");
            assertNull(batch.target("right").mask());
            long[] left = batch.target("left").labels().toLongArray();
            long[] right = batch.target("right").labels().toLongArray();
            for (int i = 0; i < n; i++) {
                labels[i][0] = (int) left[i];
                labels[i][1] = (int) right[i];
            }
        }
        return images;
    }

    @Test
    void tasksShapeAndSource() throws IOException {
        writeUniformDigits(10, 4);
        MultiTaskDataset data = load(dataDir, 0.1, 0, 1);
        assertEquals(List.of("left", "right"), data.tasks().stream().map(Task::name).toList());
        for (Task task : data.tasks()) {
            assertEquals(TaskType.CLASSIFICATION, task.type());
            assertEquals(10, task.outputs());
        }
        assertEquals(new Shape(1, 28, 28), data.exampleShape());
        assertEquals(
                List.of(new MnistSource().name()),
                new MultiMnist(0.1).sources().stream().map(s -> s.name()).toList());
        Map<String, Object> provenance = data.provenance();
        assertTrue(
                provenance.toString().contains(MnistSource.TRAIN_IMAGES.sha256()),
                provenance.toString());
        assertEquals("nearest", ((Map<?, ?>) provenance.get("composition")).get("resize"));
    }

    @Test
    void geometryPutsTheLeftDigitTopLeftAndTheRightDigitBottomRight() throws IOException {
        // Two digits, no validation: example 0 must pair digit 0 (left) with digit 1 (right).
        writeUniformDigits(2, 2);
        MultiTaskDataset data = load(dataDir, 0.0, 0, 5);
        int[][] labels = new int[2][2];
        int[] image = pixels(data, Split.TRAIN, labels)[0];
        int left = trainValue(0);
        int right = trainValue(1);
        // the authors' geometry, computed here on its own: left digit at canvas (0, 0), right digit
        // at (6, 6) on a 36x36 canvas, maximum where they overlap, nearest-neighbour resize to 28x28
        int[] expected = reference(uniform(left), uniform(right));
        int[] counts = new int[3];
        for (int r = 0; r < 28; r++) {
            for (int c = 0; c < 28; c++) {
                assertEquals(expected[r * 28 + c], image[r * 28 + c], "pixel (" + r + ", " + c + ")");
                counts[expected[r * 28 + c] == 0 ? 0 : expected[r * 28 + c] == left ? 1 : 2]++;
            }
        }
        // output rows/cols 0..21 show canvas 0..27 (left), 5..25 show canvas 6..33 (right), 26..27
        // show canvas 34..35 (empty): right > left, so the overlap 5..21 shows the right digit
        assertEquals(28 * 28 - 22 * 22 - 21 * 21 + 17 * 17, counts[0]);
        assertEquals(22 * 22 - 17 * 17, counts[1]);
        assertEquals(21 * 21, counts[2]);
        assertArrayEquals(new int[] {trainLabel(0), trainLabel(1)}, labels[0]);
        assertArrayEquals(new int[] {trainLabel(1), trainLabel(0)}, labels[1]);
    }

    @Test
    void orientationIsPreserved() throws IOException {
        // Left digit: a block at its rows 0..3, columns 10..13. Right digit: a block at its rows
        // 24..27, columns 0..3, i.e. canvas rows 32..35, columns 8..11.
        Path mnist = Files.createDirectories(dataDir.resolve("mnist"));
        byte[] pixels = new byte[2 * PIXELS];
        for (int r = 0; r < 4; r++) {
            for (int c = 0; c < 4; c++) {
                pixels[r * 28 + 10 + c] = (byte) 200;
                pixels[PIXELS + (24 + r) * 28 + c] = (byte) 100;
            }
        }
        IdxWriter.images(mnist.resolve("train-images-idx3-ubyte"), 2, 28, 28, pixels);
        IdxWriter.labels(mnist.resolve("train-labels-idx1-ubyte"), new byte[] {3, 8});
        IdxWriter.images(mnist.resolve("t10k-images-idx3-ubyte"), 1, 28, 28, new byte[PIXELS]);
        IdxWriter.labels(mnist.resolve("t10k-labels-idx1-ubyte"), new byte[] {0});
        int[][] labels = new int[2][2];
        int[] image = pixels(load(dataDir, 0.0, 0, 1), Split.TRAIN, labels)[0];
        int[] leftDigit = new int[PIXELS];
        int[] rightDigit = new int[PIXELS];
        for (int k = 0; k < PIXELS; k++) {
            leftDigit[k] = pixels[k] & 0xFF;
            rightDigit[k] = pixels[PIXELS + k] & 0xFF;
        }
        int[] expected = reference(leftDigit, rightDigit);
        int nonZero = 0;
        for (int r = 0; r < 28; r++) {
            for (int c = 0; c < 28; c++) {
                assertEquals(expected[r * 28 + c], image[r * 28 + c], "pixel (" + r + ", " + c + ")");
                nonZero += expected[r * 28 + c] != 0 ? 1 : 0;
            }
        }
        // the left block (top rows, middle columns) stays on top; the right digit's block is at its
        // rows 24..27 = canvas 30..33, columns 0..3 = canvas 6..9: bottom-left of the image
        assertEquals(200, image[1 * 28 + 9]);
        assertEquals(100, image[24 * 28 + 6]);
        assertTrue(nonZero > 0);
        assertArrayEquals(new int[] {3, 8}, labels[0]);
    }

    @Test
    void splitsPartnersAndLabelsFollowTheSourceDigits() throws IOException {
        writeUniformDigits(40, 12);
        MultiTaskDataset data = load(dataDir, 0.25, 0, 11);
        assertEquals(30, data.size(Split.TRAIN));
        assertEquals(10, data.size(Split.VALIDATION));
        assertEquals(12, data.size(Split.TEST));
        checkSplit(
                data, Split.TRAIN, 0, 30, MultiMnistTest::trainValue, MultiMnistTest::trainLabel);
        checkSplit(
                data,
                Split.VALIDATION,
                30,
                10,
                MultiMnistTest::trainValue,
                MultiMnistTest::trainLabel);
        checkSplit(data, Split.TEST, 0, 12, MultiMnistTest::testValue, MultiMnistTest::testLabel);
        assertArrayEquals(IntStream.range(0, 30).toArray(), data.labelled(Split.TRAIN, "left"));
        assertArrayEquals(IntStream.range(0, 12).toArray(), data.labelled(Split.TEST, "right"));
    }

    /** Decodes each example's digits from its corners and checks pool membership and labels. */
    private static void checkSplit(
            MultiTaskDataset data,
            Split split,
            int first,
            int pool,
            IntUnaryOperator value,
            IntUnaryOperator label) {
        int n = data.size(split);
        int[][] labels = new int[n][2];
        int[][] images = pixels(data, split, labels);
        for (int i = 0; i < n; i++) {
            int leftDigit = digitWithValue(images[i][0], first, pool, value);
            int rightDigit = digitWithValue(images[i][25 * 28 + 25], first, pool, value);
            assertEquals(
                    first + i,
                    leftDigit,
                    split.label() + " example " + i + " has pool digit i at the top left");
            assertNotEquals(leftDigit, rightDigit, "the partner is another digit");
            assertEquals(label.applyAsInt(leftDigit), labels[i][0], "left label");
            assertEquals(label.applyAsInt(rightDigit), labels[i][1], "right label");
        }
    }

    private static int digitWithValue(int pixel, int first, int pool, IntUnaryOperator value) {
        for (int m = first; m < first + pool; m++) {
            if (value.applyAsInt(m) == pixel) {
                return m;
            }
        }
        throw new AssertionError(
                "pixel "
                        + pixel
                        + " is no digit of the pool ["
                        + first
                        + ", "
                        + (first + pool)
                        + ")");
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherPairs() throws IOException {
        writeUniformDigits(40, 12);
        int[][] ignored = new int[40][2];
        for (Split split : Split.values()) {
            int[][] a = pixels(load(dataDir, 0.25, 0, 3), split, ignored);
            int[][] b = pixels(load(dataDir, 0.25, 0, 3), split, ignored);
            int[][] c = pixels(load(dataDir, 0.25, 0, 4), split, ignored);
            assertTrue(Arrays.deepEquals(a, b), "same seed, same " + split.label() + " examples");
            assertFalse(
                    Arrays.deepEquals(a, c),
                    "another seed draws other partners in " + split.label());
        }
    }

    @Test
    void trainLimitKeepsAPrefixOfTheTrainingSplit() throws IOException {
        writeUniformDigits(40, 12);
        int[][] labels = new int[40][2];
        int[][] full = pixels(load(dataDir, 0.25, 0, 9), Split.TRAIN, labels);
        MultiTaskDataset limited = load(dataDir, 0.25, 7, 9);
        assertEquals(7, limited.size(Split.TRAIN));
        assertEquals(10, limited.size(Split.VALIDATION), "the limit applies to training only");
        assertEquals(12, limited.size(Split.TEST));
        int[][] prefix = pixels(limited, Split.TRAIN, labels);
        for (int i = 0; i < 7; i++) {
            assertArrayEquals(full[i], prefix[i]);
        }
        assertEquals(
                30,
                load(dataDir, 0.25, 1000, 9).size(Split.TRAIN),
                "a limit above the pool keeps the pool");
    }

    @Test
    void validationFractionIsHonoured() throws IOException {
        writeUniformDigits(40, 12);
        assertEquals(4, load(dataDir, 0.1, 0, 1).size(Split.VALIDATION));
        assertEquals(36, load(dataDir, 0.1, 0, 1).size(Split.TRAIN));
        assertEquals(0, load(dataDir, 0.0, 0, 1).size(Split.VALIDATION));
        assertEquals(20, load(dataDir, 0.5, 0, 1).size(Split.VALIDATION));
    }

    @Test
    void missingFilesNameTheFetchCommand() {
        DataException e = assertThrows(DataException.class, () -> load(dataDir, 0.1, 0, 1));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains("./mtl data fetch mnist"), e.getMessage());
    }

    @Test
    void labelsOutsideZeroToNineAreRejected() throws IOException {
        writeUniformDigits(4, 2);
        IdxWriter.labels(dataDir.resolve("mnist/t10k-labels-idx1-ubyte"), new byte[] {1, 10});
        DataException e = assertThrows(DataException.class, () -> load(dataDir, 0.1, 0, 1));
        assertTrue(e.getMessage().contains("t10k-labels-idx1-ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains("label 10"), e.getMessage());
    }

    @Test
    void otherImageSizesAreRejected() throws IOException {
        writeUniformDigits(4, 2);
        IdxWriter.images(
                dataDir.resolve("mnist/train-images-idx3-ubyte"), 4, 32, 32, new byte[4 * 32 * 32]);
        DataException e = assertThrows(DataException.class, () -> load(dataDir, 0.1, 0, 1));
        assertTrue(e.getMessage().contains("32x32"), e.getMessage());
    }

    /** Runs only where a real MNIST copy is at data/mnist in the repository. */
    @Test
    void realMnist() {
        Path real = Path.of("../../data");
        assumeTrue(new MnistSource().isPresent(real), "no MNIST copy in ../../data/mnist");
        long start = System.nanoTime();
        MultiTaskDataset data = new MultiMnist(0.1).load(new DatasetContext(real, 0, 1));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("real MultiMNIST (read + compose 70,000 examples) in %.2f s%n", seconds);
        assertEquals(54_000, data.size(Split.TRAIN));
        assertEquals(6_000, data.size(Split.VALIDATION));
        assertEquals(10_000, data.size(Split.TEST));
        try (NDManager step = base.newSubManager()) {
            for (Split split : Split.values()) {
                int n = data.size(split);
                MultiTaskBatch batch =
                        data.batch(
                                step,
                                split,
                                IntStream.range(0, n).toArray(),
                                List.of("left", "right"));
                for (String task : List.of("left", "right")) {
                    long[] labels = batch.target(task).labels().toLongArray();
                    int[] perClass = new int[10];
                    for (long l : labels) {
                        assertTrue(l >= 0 && l <= 9, "label " + l);
                        perClass[(int) l]++;
                    }
                    for (int c = 0; c < 10; c++) {
                        double share = perClass[c] / (double) n;
                        assertTrue(
                                share > 0.07 && share < 0.14,
                                split.label() + " " + task + " class " + c + ": " + share);
                    }
                }
                float[] x = batch.input().toFloatArray();
                double mean = 0;
                for (float v : x) {
                    mean += v;
                }
                mean /= x.length;
                // two overlaid digits are brighter than one: the mean is above MNIST's (0 after
                // normalization)
                assertTrue(mean > 0 && mean < 1, split.label() + " input mean " + mean);
            }
        }
        MultiTaskDataset limited = new MultiMnist(0.1).load(new DatasetContext(real, 256, 1));
        assertEquals(256, limited.size(Split.TRAIN));
    }

    /** A 28x28 image of one value. */
    private static int[] uniform(int value) {
        int[] image = new int[PIXELS];
        java.util.Arrays.fill(image, value);
        return image;
    }

    /**
     * Sener &amp; Koltun's composition written out directly: a 36x36 canvas, the left digit at rows
     * and columns 0..27, the right one at 6..33, pixel-wise maximum, then output pixel (r, c) takes
     * canvas pixel (floor((r + 0.5) * 36 / 28), floor((c + 0.5) * 36 / 28)).
     */
    private static int[] reference(int[] left, int[] right) {
        int[][] canvas = new int[36][36];
        for (int r = 0; r < 28; r++) {
            for (int c = 0; c < 28; c++) {
                canvas[r][c] = left[r * 28 + c];
            }
        }
        for (int r = 0; r < 28; r++) {
            for (int c = 0; c < 28; c++) {
                canvas[r + 6][c + 6] = Math.max(canvas[r + 6][c + 6], right[r * 28 + c]);
            }
        }
        int[] out = new int[PIXELS];
        for (int r = 0; r < 28; r++) {
            for (int c = 0; c < 28; c++) {
                out[r * 28 + c] = canvas[(int) Math.floor((r + 0.5) * 36 / 28)][(int) Math.floor((c + 0.5) * 36 / 28)];
            }
        }
        return out;
    }
}
