package org.openmtl.plugins.data.fashion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
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
import org.openmtl.api.data.DataSource;
import org.openmtl.api.data.DatasetContext;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.task.Task;
import org.openmtl.api.task.TaskType;
import org.openmtl.plugins.data.ArrayDataset;
import org.openmtl.plugins.data.idx.IdxReader;
import org.openmtl.plugins.data.mnist.MnistSource;
import org.openmtl.plugins.data.testing.Gzip;
import org.openmtl.plugins.data.testing.IdxWriter;

/**
 * MultiFashion and Multi-(Fashion+MNIST) on small IDX files the test writes: MNIST plain in
 * {@code mnist/}, Fashion-MNIST gzipped in {@code fashion-mnist/}, every image uniform with a value
 * that says which collection, file and index it is, so each example's two images can be read back
 * from its corners (output pixel (0, 0) shows only the top-left image, (25, 25) only the
 * bottom-right one: canvas pixel (32, 32), inside the second image at canvas 6..33 and outside the
 * first at 0..27).
 */
class MultiFashionTest {

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

    /** One collection's test files: value and label of image m of the training and t10k file. */
    private record Fake(
            IntUnaryOperator trainValue,
            IntUnaryOperator trainLabel,
            IntUnaryOperator testValue,
            IntUnaryOperator testLabel) {}

    // MNIST: values 10..99; Fashion-MNIST: values 120..249, so a pixel names its collection
    private static final Fake MNIST =
            new Fake(m -> 60 + m, m -> (7 * m) % 10, m -> 10 + 3 * m, m -> (3 * m + 1) % 10);
    private static final Fake FASHION =
            new Fake(m -> 249 - 3 * m, m -> (m + 4) % 10, m -> 120 + 2 * m, m -> (9 * m) % 10);

    private void writeMnist(int train, int test) throws IOException {
        Path dir = Files.createDirectories(dataDir.resolve("mnist"));
        write(dir, "train", train, MNIST.trainValue, MNIST.trainLabel, false);
        write(dir, "t10k", test, MNIST.testValue, MNIST.testLabel, false);
    }

    private void writeFashion(int train, int test) throws IOException {
        Path dir = Files.createDirectories(dataDir.resolve("fashion-mnist"));
        write(dir, "train", train, FASHION.trainValue, FASHION.trainLabel, true);
        write(dir, "t10k", test, FASHION.testValue, FASHION.testLabel, true);
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
            PluginFactory<DatasetProvider> factory, Path dataDir, double fraction, long seed) {
        DatasetProvider provider =
                factory.create(
                        PluginConfigs.of(
                                factory.descriptor(),
                                Map.of("validation.fraction", Double.toString(fraction)),
                                0));
        return provider.load(new DatasetContext(dataDir, 0, seed));
    }

    /** The composed examples of a split: raw 0..255 pixels, undoing the normalization. */
    private static int[][] pixels(MultiTaskDataset data, Split split, int[][] labels) {
        int n = data.size(split);
        int[][] images = new int[n][PIXELS];
        if (n == 0) {
            return images;
        }
        float[] normalization = ((ArrayDataset) data).normalization();
        try (NDManager step = base.newSubManager()) {
            int[] all = IntStream.range(0, n).toArray();
            MultiTaskBatch batch = data.batch(step, split, all, List.of("left", "right"));
            float[] x = batch.input().toFloatArray();
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < PIXELS; k++) {
                    float v = (x[i * PIXELS + k] - normalization[1]) / normalization[0];
                    images[i][k] = Math.round(v);
                }
            }
            long[] left = batch.target("left").labels().toLongArray();
            long[] right = batch.target("right").labels().toLongArray();
            for (int i = 0; i < n; i++) {
                labels[i][0] = (int) left[i];
                labels[i][1] = (int) right[i];
            }
        }
        return images;
    }

    private static int imageWithValue(int pixel, int first, int pool, IntUnaryOperator value) {
        for (int m = first; m < first + pool; m++) {
            if (value.applyAsInt(m) == pixel) {
                return m;
            }
        }
        throw new AssertionError(
                "pixel " + pixel + " is in no image of [" + first + ", " + (first + pool) + ")");
    }

    /** Where one side's images of a split come from: a pool of a file of a fake collection. */
    private record Side(int first, int pool, IntUnaryOperator value, IntUnaryOperator label) {
        static Side train(Fake fake, int first, int pool) {
            return new Side(first, pool, fake.trainValue(), fake.trainLabel());
        }

        static Side test(Fake fake, int pool) {
            return new Side(0, pool, fake.testValue(), fake.testLabel());
        }
    }

    /**
     * Checks every example of a split: the top-left image is image i of the left pool, the
     * bottom-right one an image of the right pool (another one when both pools are the same), and
     * the labels are those two images' labels in their own files.
     */
    private static void checkSplit(
            MultiTaskDataset data, Split split, Side left, Side right, boolean samePool) {
        int n = data.size(split);
        assertEquals(left.pool(), n, split.label() + " has one example per left image");
        int[][] labels = new int[n][2];
        int[][] images = pixels(data, split, labels);
        for (int i = 0; i < n; i++) {
            int l = imageWithValue(images[i][0], left.first(), left.pool(), left.value());
            int r =
                    imageWithValue(
                            images[i][25 * 28 + 25], right.first(), right.pool(), right.value());
            assertEquals(left.first() + i, l, split.label() + " example " + i + " top left");
            if (samePool) {
                assertNotEquals(l, r, "the partner is another image");
            }
            assertEquals(left.label().applyAsInt(l), labels[i][0], "left label, first source");
            assertEquals(right.label().applyAsInt(r), labels[i][1], "right label, second source");
        }
    }

    @Test
    void multiFashionPairsTwoFashionItemsLikeMultiMnist() throws IOException {
        writeFashion(40, 12);
        MultiTaskDataset data = load(new MultiFashionFactory(), dataDir, 0.25, 11);
        assertEquals(List.of("left", "right"), data.tasks().stream().map(Task::name).toList());
        for (Task task : data.tasks()) {
            assertEquals(TaskType.CLASSIFICATION, task.type());
            assertEquals(10, task.outputs());
        }
        assertEquals(new Shape(1, 28, 28), data.exampleShape());
        Side train = Side.train(FASHION, 0, 30);
        Side validation = Side.train(FASHION, 30, 10);
        Side test = Side.test(FASHION, 12);
        checkSplit(data, Split.TRAIN, train, train, true);
        checkSplit(data, Split.VALIDATION, validation, validation, true);
        checkSplit(data, Split.TEST, test, test, true);

        float[] normalization = ((ArrayDataset) data).normalization();
        assertEquals(1 / (255 * 0.3530), normalization[0], 1e-6);
        assertEquals(-0.2860 / 0.3530, normalization[1], 1e-6);
        Map<String, Object> provenance = data.provenance();
        assertEquals("multifashion", provenance.get("dataset"));
        assertTrue(provenance.get("citation").toString().contains("Pareto Multi-Task Learning"));
        String files = provenance.get("files").toString();
        assertTrue(files.contains(FashionMnistSource.TRAIN_IMAGES.compressed().sha256()), files);
        assertTrue(files.contains(FashionMnistSource.TRAIN_IMAGES.contentSha256()), files);
    }

    @Test
    void multiFashionMnistHasAnMnistDigitTopLeftAndAFashionItemBottomRight() throws IOException {
        // other sizes for the two collections: each is split by its own files
        writeMnist(40, 12);
        writeFashion(30, 10);
        MultiTaskDataset data = load(new MultiFashionMnistFactory(), dataDir, 0.25, 5);
        // MNIST: 40 -> 30 train + 10 validation; Fashion: 30 -> 22 train + 8 validation
        checkSplit(
                data, Split.TRAIN, Side.train(MNIST, 0, 30), Side.train(FASHION, 0, 22), false);
        checkSplit(
                data,
                Split.VALIDATION,
                Side.train(MNIST, 30, 10),
                Side.train(FASHION, 22, 8),
                false);
        checkSplit(data, Split.TEST, Side.test(MNIST, 12), Side.test(FASHION, 10), false);

        float[] normalization = ((ArrayDataset) data).normalization();
        assertEquals(1 / (255 * 0.3403), normalization[0], 1e-6);
        assertEquals(-0.2084 / 0.3403, normalization[1], 1e-6);
        Map<String, Object> provenance = data.provenance();
        assertEquals("multifashion-mnist", provenance.get("dataset"));
        Map<?, ?> source = (Map<?, ?>) provenance.get("source");
        assertTrue(source.get("left").toString().startsWith("MNIST"), source.toString());
        assertTrue(source.get("right").toString().startsWith("Fashion-MNIST"), source.toString());
        Map<?, ?> files = (Map<?, ?>) provenance.get("files");
        assertTrue(
                files.get("left").toString().contains(MnistSource.TRAIN_IMAGES.sha256()),
                files.toString());
        String right = files.get("right").toString();
        assertTrue(right.contains(FashionMnistSource.TEST_LABELS.contentSha256()), right);
    }

    @Test
    void sourcesAreWhatEachDatasetReads() {
        assertEquals(List.of("fashion-mnist"), sourceNames(new MultiFashionFactory()));
        assertEquals(
                List.of("mnist", "fashion-mnist"), sourceNames(new MultiFashionMnistFactory()));
    }

    private static List<String> sourceNames(PluginFactory<DatasetProvider> factory) {
        return factory.create(PluginConfigs.defaults(factory.descriptor(), 0)).sources().stream()
                .map(DataSource::name)
                .toList();
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherPartners() throws IOException {
        writeMnist(40, 12);
        writeFashion(40, 12);
        int[][] ignored = new int[40][2];
        for (PluginFactory<DatasetProvider> factory :
                List.<PluginFactory<DatasetProvider>>of(
                        new MultiFashionFactory(), new MultiFashionMnistFactory())) {
            for (Split split : Split.values()) {
                int[][] a = pixels(load(factory, dataDir, 0.25, 3), split, ignored);
                int[][] b = pixels(load(factory, dataDir, 0.25, 3), split, ignored);
                int[][] c = pixels(load(factory, dataDir, 0.25, 4), split, ignored);
                assertTrue(Arrays.deepEquals(a, b), "same seed, same " + split.label());
                assertFalse(Arrays.deepEquals(a, c), "another seed, other partners");
            }
        }
    }

    @Test
    void aMissingFashionFileNamesItsFetchCommand() throws IOException {
        writeMnist(4, 2);
        DataException e =
                assertThrows(
                        DataException.class,
                        () -> load(new MultiFashionMnistFactory(), dataDir, 0.1, 1));
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte.gz"), e.getMessage());
        assertTrue(e.getMessage().contains("./mtl data fetch fashion-mnist"), e.getMessage());
    }

    @Test
    void anEmptyRightPoolIsBadData() throws IOException {
        writeMnist(8, 2);
        writeFashion(8, 0);
        DataException e =
                assertThrows(
                        DataException.class,
                        () -> load(new MultiFashionMnistFactory(), dataDir, 0.25, 1));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte.gz"), e.getMessage());
        assertTrue(
                e.getMessage().contains("no Fashion-MNIST items for the test split"),
                e.getMessage());
    }

    /** Runs only where the real Fashion-MNIST (and, for the mixed dataset, MNIST) is in data/. */
    @Test
    void realFiles() {
        Path real = Path.of("../../data");
        assumeTrue(
                new FashionMnistSource().isPresent(real),
                "no Fashion-MNIST copy in ../../data/fashion-mnist");
        long start = System.nanoTime();
        MultiTaskDataset fashion = load(new MultiFashionFactory(), real, 0.1, 1);
        System.out.printf(
                "real MultiFashion (gunzip + read + compose 70,000 examples) in %.2f s%n",
                (System.nanoTime() - start) / 1e9);
        IdxReader reader = new IdxReader(FashionMnistSource.FETCH_COMMAND);
        byte[] fashionLabels =
                reader.readLabels(
                        FashionMnistSource.directory(real)
                                .resolve(FashionMnistSource.TRAIN_LABELS.name()));
        checkReal(fashion, fashionLabels);

        assumeTrue(new MnistSource().isPresent(real), "no MNIST copy in ../../data/mnist");
        start = System.nanoTime();
        MultiTaskDataset mixed = load(new MultiFashionMnistFactory(), real, 0.1, 1);
        System.out.printf(
                "real Multi-(Fashion+MNIST) (read + compose 70,000 examples) in %.2f s%n",
                (System.nanoTime() - start) / 1e9);
        byte[] mnistLabels =
                new IdxReader(MnistSource.FETCH_COMMAND)
                        .readLabels(
                                MnistSource.directory(real)
                                        .resolve(MnistSource.TRAIN_LABELS.name()));
        checkReal(mixed, mnistLabels);
    }

    /** Sizes, the left labels in the order of the left source's file, balanced right labels. */
    private static void checkReal(MultiTaskDataset data, byte[] leftTrainLabels) {
        assertEquals(54_000, data.size(Split.TRAIN));
        assertEquals(6_000, data.size(Split.VALIDATION));
        assertEquals(10_000, data.size(Split.TEST));
        try (NDManager step = base.newSubManager()) {
            int n = data.size(Split.TRAIN);
            MultiTaskBatch batch =
                    data.batch(
                            step,
                            Split.TRAIN,
                            IntStream.range(0, n).toArray(),
                            List.of("left", "right"));
            long[] left = batch.target("left").labels().toLongArray();
            long[] right = batch.target("right").labels().toLongArray();
            int[] perClass = new int[10];
            for (int i = 0; i < n; i++) {
                assertEquals(leftTrainLabels[i] & 0xFF, left[i], "left label " + i);
                perClass[(int) right[i]]++;
            }
            for (int c = 0; c < 10; c++) {
                double share = perClass[c] / (double) n;
                assertTrue(share > 0.08 && share < 0.12, "right class " + c + ": " + share);
            }
            float[] x = batch.input().toFloatArray();
            double mean = 0;
            for (float v : x) {
                mean += v;
            }
            mean /= x.length;
            // two overlaid images are brighter than one: above the items' mean, 0 once normalized
            assertTrue(mean > 0 && mean < 1, "input mean " + mean);
        }
    }
}
