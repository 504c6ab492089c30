package org.openmtl.plugins.data.csv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.data.DataException;
import org.openmtl.api.data.DatasetContext;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.data.TaskTarget;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.api.task.Metric;
import org.openmtl.api.task.Task;
import org.openmtl.api.task.TaskType;

/**
 * The {@code csv} dataset on files written by each test: what a table becomes (splits, tasks,
 * features, masked labels), the masked loss and the regression metrics against values computed
 * here on the labelled rows alone, and the schema errors with their file, line and column.
 */
class CsvDatasetTest {

    private static NDManager manager;

    @TempDir Path dir;

    @BeforeAll
    static void engine() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static MultiTaskDataset load(Map<String, String> keys) {
        return load(keys, 0);
    }

    private static MultiTaskDataset load(Map<String, String> keys, int limit) {
        CsvDatasetFactory factory = new CsvDatasetFactory();
        return factory.create(PluginConfigs.of(factory.descriptor(), keys, 1L))
                .load(new DatasetContext(Path.of("data"), limit, 1L));
    }

    private static Map<String, String> keys(Path file, String... more) {
        Map<String, String> keys = new HashMap<>();
        keys.put("file", file.toString());
        for (int i = 0; i < more.length; i += 2) {
            keys.put(more[i], more[i + 1]);
        }
        return keys;
    }

    /** Six rows: two features, a class (some missing), a target (one missing), a split and an id. */
    private Path table() throws IOException {
        return write("table.csv", """
                id,x1,x2,kind,size,split
                a,1,2,0,0.5,train
                b,3,4,,1.5,train
                c,5,6,2,,train
                d,7,8,1,3.5,train
                e,9,10,1,4.5,validation
                f,11,12,,5.5,test
                """);
    }

    @Test
    void aTableBecomesSplitsTasksAndMaskedLabels() throws IOException {
        MultiTaskDataset data = load(keys(table(), "labels", "kind:classification,size:regression",
                "split.column", "split", "ignore", "id", "standardize", "false"));
        assertEquals(List.of("kind", "size"), data.tasks().stream().map(Task::name).toList());
        Task kind = data.tasks().get(0);
        assertEquals(TaskType.CLASSIFICATION, kind.type());
        assertEquals(3, kind.outputs(), "classes 0..2 seen in training");
        assertEquals(TaskType.REGRESSION, data.tasks().get(1).type());
        assertEquals(List.of("mse", "mae"), data.tasks().get(1).metrics().stream().map(Metric::name).toList());
        assertEquals(2, data.exampleShape().get(0));
        assertEquals(4, data.size(Split.TRAIN));
        assertEquals(1, data.size(Split.VALIDATION));
        assertEquals(1, data.size(Split.TEST));
        assertArrayEquals(new int[] {0, 2, 3}, data.labelled(Split.TRAIN, "kind"));
        assertArrayEquals(new int[] {0, 1, 3}, data.labelled(Split.TRAIN, "size"));
        assertArrayEquals(new int[0], data.labelled(Split.TEST, "kind"));
        try (NDManager step = manager.newSubManager()) {
            MultiTaskBatch batch = data.batch(step, Split.TRAIN, new int[] {0, 1, 2, 3}, List.of("kind", "size"));
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, batch.input().toFloatArray());
            TaskTarget k = batch.target("kind");
            assertArrayEquals(new long[] {0, 0, 2, 1}, k.labels().toLongArray());
            assertArrayEquals(new float[] {1, 0, 1, 1}, k.mask().toFloatArray());
            TaskTarget s = batch.target("size");
            assertArrayEquals(new float[] {0.5f, 1.5f, 0f, 3.5f}, s.labels().toFloatArray());
            assertArrayEquals(new float[] {1, 1, 0, 1}, s.mask().toFloatArray());
            MultiTaskBatch complete = data.batch(step, Split.TRAIN, new int[] {0, 3}, List.of("kind"));
            assertNull(complete.target("kind").mask(), "a batch labelled throughout has no mask");
        }
    }

    @Test
    void featuresAreStandardizedWithTheTrainingSplitsStatistics() throws IOException {
        MultiTaskDataset data = load(keys(table(), "labels", "kind:classification,size:regression",
                "split.column", "split", "features", "x1"));
        // x1 on the training rows: 1, 3, 5, 7 -> mean 4, population sd sqrt(5)
        double sd = Math.sqrt(((9 + 1 + 1 + 9) / 4.0));
        try (NDManager step = manager.newSubManager()) {
            float[] train = data.batch(step, Split.TRAIN, new int[] {0, 1, 2, 3}, List.of("kind")).input()
                    .toFloatArray();
            float[] test = data.batch(step, Split.TEST, new int[] {0}, List.of("kind")).input().toFloatArray();
            assertArrayEquals(new float[] {(float) (-3 / sd), (float) (-1 / sd), (float) (1 / sd),
                (float) (3 / sd)}, train, 1e-6f);
            assertArrayEquals(new float[] {(float) ((11 - 4) / sd)}, test, 1e-6f);
        }
    }

    @Test
    void featureSelectorsTakeNamesPrefixesAndRanges() throws IOException {
        Path file = write("wide.csv", """
                f1,f2,g1,g2,g3,y
                1,2,3,4,5,0
                6,7,8,9,10,1
                11,12,13,14,15,1
                """);
        Map<String, String> base = keys(file, "labels", "y:classification", "standardize", "false",
                "validation.fraction", "0", "test.fraction", "0");
        base.put("features", "g2..g3,f*");
        MultiTaskDataset data = load(base);
        assertEquals(4, data.exampleShape().get(0), "header order: f1 f2 g2 g3");
        try (NDManager step = manager.newSubManager()) {
            assertArrayEquals(new float[] {1, 2, 4, 5},
                    data.batch(step, Split.TRAIN, new int[] {0}, List.of("y")).input().toFloatArray());
        }
        base.remove("features");
        assertEquals(5, load(base).exampleShape().get(0), "every column but the label by default");
    }

    @Test
    void theMaskedLossEqualsTheLossOverTheLabelledRowsAlone() throws IOException {
        MultiTaskDataset data = load(keys(table(), "labels", "kind:classification,size:regression",
                "split.column", "split", "standardize", "false", "ignore", "id"));
        float[][] logits = {{0.2f, -1f, 0.5f}, {3f, 1f, -2f}, {-0.4f, 0.9f, 2f}, {1.5f, 0.3f, 0.1f}};
        float[] predicted = {0.7f, -2f, 9f, 3f};
        try (NDManager step = manager.newSubManager()) {
            MultiTaskBatch batch = data.batch(step, Split.TRAIN, new int[] {0, 1, 2, 3}, List.of("kind", "size"));
            TaskTarget k = batch.target("kind");
            NDArray logitArray = step.create(logits);
            float loss = data.tasks().get(0).loss().compute(logitArray, k.labels(), k.mask()).getFloat();
            // rows 0, 2, 3 are labelled 0, 2, 1: the mean of -log softmax over them alone
            int[][] labelled = {{0, 0}, {2, 2}, {3, 1}};
            double expected = 0;
            for (int[] row : labelled) {
                float[] z = logits[row[0]];
                double norm = Math.log(Math.exp(z[0]) + Math.exp(z[1]) + Math.exp(z[2]));
                expected += norm - z[row[1]];
            }
            assertEquals(expected / 3, loss, 1e-5);

            TaskTarget s = batch.target("size");
            NDArray prediction = step.create(predicted).reshape(4, 1);
            float mse = data.tasks().get(1).loss().compute(prediction, s.labels(), s.mask()).getFloat();
            // rows 0, 1, 3 carry 0.5, 1.5, 3.5; row 2's far-off prediction (9) must not count
            double squares = Math.pow(0.7 - 0.5, 2) + Math.pow(-2 - 1.5, 2) + Math.pow(3 - 3.5, 2);
            assertEquals(squares / 3, mse, 1e-5);
        }
    }

    @Test
    void aBatchWithoutAnyLabelOfATaskGivesAZeroLossAndAZeroCount() throws IOException {
        MultiTaskDataset data = load(keys(table(), "labels", "kind:classification,size:regression",
                "split.column", "split", "ignore", "id"));
        try (NDManager step = manager.newSubManager()) {
            MultiTaskBatch batch = data.batch(step, Split.TRAIN, new int[] {1}, List.of("kind"));
            TaskTarget k = batch.target("kind");
            NDArray logits = step.create(new float[][] {{1f, 2f, 3f}});
            logits.setRequiresGradient(true);
            float loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray value = data.tasks().get(0).loss().compute(logits, k.labels(), k.mask());
                loss = value.getFloat();
                collector.backward(value);
            }
            assertEquals(0f, loss, 0f);
            assertArrayEquals(new float[] {0f, 0f, 0f}, logits.getGradient().toFloatArray(), 0f,
                    "no gradient, and no NaN, from a task without a label in the batch");
            double[] accumulated = data.tasks().get(0).primaryMetric().accumulate(logits, k.labels(), k.mask());
            assertArrayEquals(new double[] {0, 0}, accumulated);
        }
    }

    @Test
    void theRegressionMetricsAreTheMeansOverLabelledRows() throws IOException {
        MultiTaskDataset data = load(keys(table(), "labels", "kind:classification,size:regression",
                "split.column", "split", "ignore", "id"));
        Task size = data.tasks().get(1);
        float[] predicted = {1f, 1f, -50f, 2f};
        float[] truth = {0.5f, 1.5f, Float.NaN, 3.5f};
        double squares = 0;
        double absolute = 0;
        for (int i = 0; i < 4; i++) {
            if (!Float.isNaN(truth[i])) {
                squares += (predicted[i] - truth[i]) * (predicted[i] - truth[i]);
                absolute += Math.abs(predicted[i] - truth[i]);
            }
        }
        try (NDManager step = manager.newSubManager()) {
            TaskTarget s = data.batch(step, Split.TRAIN, new int[] {0, 1, 2, 3}, List.of("size")).target("size");
            NDArray prediction = step.create(predicted).reshape(4, 1);
            double[] mse = size.metrics().get(0).accumulate(prediction, s.labels(), s.mask());
            double[] mae = size.metrics().get(1).accumulate(prediction, s.labels(), s.mask());
            assertEquals(3, mse[1]);
            assertEquals(squares / 3, mse[0] / mse[1], 1e-5);
            assertEquals(absolute / 3, mae[0] / mae[1], 1e-5);
        }
    }

    @Test
    void theTrainLimitKeepsTheFirstTrainingRows() throws IOException {
        Path file = table();
        Map<String, String> keys = keys(file, "labels", "kind:classification,size:regression",
                "split.column", "split", "ignore", "id", "standardize", "false");
        MultiTaskDataset data = load(keys, 3);
        assertEquals(3, data.size(Split.TRAIN));
        assertEquals(1, data.size(Split.VALIDATION));
        assertArrayEquals(new int[] {0, 2}, data.labelled(Split.TRAIN, "kind"));
        DataException one = assertThrows(DataException.class, () -> load(keys, 1));
        assertEquals(file + ": column 'kind' (task 'kind') has only class 0 in the training split (1 rows kept by"
                + " dataset.train.limit=1); expected at least two classes, or the count given as"
                + " kind:classification:K", one.getMessage());
    }

    @Test
    void theFractionSplitIsSeededAndFollowsTheFractions() throws IOException {
        StringBuilder text = new StringBuilder("x,y\n");
        for (int i = 0; i < 2000; i++) {
            text.append(i).append(',').append(i % 2).append('\n');
        }
        Path file = write("many.csv", text.toString());
        Map<String, String> keys = keys(file, "labels", "y:classification", "validation.fraction", "0.2",
                "test.fraction", "0.1", "standardize", "false");
        MultiTaskDataset first = load(keys);
        MultiTaskDataset again = load(keys);
        assertEquals(2000, first.size(Split.TRAIN) + first.size(Split.VALIDATION) + first.size(Split.TEST));
        assertEquals(400, first.size(Split.VALIDATION), 60, "about 20% of 2000");
        assertEquals(200, first.size(Split.TEST), 45, "about 10% of 2000");
        assertEquals(first.size(Split.TEST), again.size(Split.TEST));
        try (NDManager step = manager.newSubManager()) {
            int n = first.size(Split.TEST);
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            assertArrayEquals(first.batch(step, Split.TEST, all, List.of("y")).input().toFloatArray(),
                    again.batch(step, Split.TEST, all, List.of("y")).input().toFloatArray());
        }
        keys.put("split.seed", "2");
        MultiTaskDataset other = load(keys);
        assertTrue(other.size(Split.TEST) != first.size(Split.TEST)
                || other.size(Split.VALIDATION) != first.size(Split.VALIDATION), "another seed, another split");
    }

    @Test
    void eachSplitMayComeFromItsOwnFileWithItsOwnColumnOrder() throws IOException {
        Path train = write("train.csv", "a,b,y\n1,2,0\n3,4,1\n");
        Path test = write("test.csv", "y,b,a\n1,20,10\n");
        Map<String, String> keys = new HashMap<>(Map.of("train.file", train.toString(), "test.file",
                test.toString(), "labels", "y:classification", "standardize", "false"));
        MultiTaskDataset data = load(keys);
        assertEquals(2, data.size(Split.TRAIN));
        assertEquals(0, data.size(Split.VALIDATION));
        try (NDManager step = manager.newSubManager()) {
            MultiTaskBatch batch = data.batch(step, Split.TEST, new int[] {0}, List.of("y"));
            assertArrayEquals(new float[] {10, 20}, batch.input().toFloatArray(), "features by name: a, b");
        }
    }

    @Test
    void quotedCellsBlankLinesAndAByteOrderMarkAreRead() throws IOException {
        Path file = write("quoted.csv", "\uFEFFnote,x,y\n\"a, b\",1,0\n\n\"two\nlines\",2,1\n");
        MultiTaskDataset data = load(keys(file, "labels", "y:classification", "ignore", "note",
                "validation.fraction", "0", "test.fraction", "0", "standardize", "false"));
        assertEquals(2, data.size(Split.TRAIN));
    }

    // --- the schema check: file, line, column and what was expected

    private String error(Path file, String... keys) {
        Map<String, String> all = keys(file, keys);
        DataException e = assertThrows(DataException.class, () -> load(all));
        assertEquals(file, e.getFile());
        return e.getMessage();
    }

    @Test
    void aRaggedRowIsNamedWithItsLineAndCellCount() throws IOException {
        Path file = write("ragged.csv", "x1,x2,y\n1,2,0\n3,4\n5,6,1\n");
        assertEquals(file + ": line 3 has 2 cells; expected 3, one per column of the header",
                error(file, "labels", "y:classification"));
    }

    @Test
    void aNonNumericFeatureCellIsNamedWithLineAndColumn() throws IOException {
        Path file = write("text.csv", "x1,x2,y\n1,2,0\n3,abc,1\n");
        assertEquals(file + ": line 3, column 2 ('x2'): 'abc' is not a finite number; expected a feature value",
                error(file, "labels", "y:classification"));
        Path empty = write("hole.csv", "x1,x2,y\n1,,0\n");
        assertEquals(empty + ": line 2, column 2 ('x2'): the feature cell is empty; expected a number (only"
                + " labels may be missing)", error(empty, "labels", "y:classification"));
    }

    @Test
    void anEmptyFileAndAHeaderWithoutRowsAreRefused() throws IOException {
        Path empty = write("empty.csv", "");
        assertEquals(empty + ": is empty; expected a header row naming the columns, then one row per example",
                error(empty, "labels", "y:classification"));
        Path header = write("header.csv", "x,y\n");
        assertEquals(header + ": has a header but no rows; expected one row per example after the header",
                error(header, "labels", "y:classification"));
    }

    @Test
    void aMissingColumnIsNamedWithTheColumnsThereAre() throws IOException {
        Path file = write("cols.csv", "x1,x2,y\n1,2,0\n");
        assertEquals(file + ": line 1 (header): no column 'z' for task 'z' (dataset.csv.labels); the columns are"
                + " x1, x2, y", error(file, "labels", "y:classification,z:regression"));
        assertTrue(error(file, "labels", "y:classification", "split.column", "part")
                .contains("no column 'part' (dataset.csv.split.column)"));
        assertTrue(error(file, "labels", "y:classification", "features", "x3")
                .contains("dataset.csv.features has 'x3', but there is no such column"));
    }

    @Test
    void classLabelsMustBeWholeNumbersInRange() throws IOException {
        Path half = write("half.csv", "x,y\n1,0\n2,1.5\n");
        assertEquals(half + ": line 3, column 2 ('y'): '1.5' is not a class; expected a whole number 0, 1, 2, ..."
                + " for task 'y' or an empty cell for no label", error(half, "labels", "y:classification"));
        Path negative = write("negative.csv", "x,y\n1,0\n2,-1\n");
        assertTrue(error(negative, "labels", "y:classification")
                .startsWith(negative + ": line 3, column 2 ('y'): class -1 is out of range"));
        Path three = write("three.csv", "x,y\n1,0\n2,3\n");
        assertEquals(three + ": line 3, column 2 ('y'): class 3 is out of range; expected 0..2 (3 classes in"
                + " dataset.csv.labels) for task 'y'", error(three, "labels", "y:classification:3"));
        Path pandas = write("pandas.csv", "x,y\n1,0.0\n2,1.0\n3,\n");
        Map<String, String> keys = keys(pandas, "labels", "y:classification", "validation.fraction", "0",
                "test.fraction", "0");
        assertEquals(2, load(keys).tasks().get(0).outputs(), "1.0 is class 1");
    }

    @Test
    void aTestClassTheTrainingSplitNeverHadIsNamedWhereItIs() throws IOException {
        Path file = write("unseen.csv", "x,y,split\n1,0,train\n2,1,train\n3,1,validation\n4,2,test\n");
        assertEquals(file + ": line 5, column 2 ('y'): class 2 of the test split is not among the classes 0..1"
                + " of the training split; expected a class the training split has, or the count given as"
                + " y:classification:K", error(file, "labels", "y:classification", "split.column", "split"));
    }

    @Test
    void aSplitWithoutRowsAndATaskWithoutTrainingLabelsAreRefused() throws IOException {
        Path noTest = write("notest.csv", "x,y,split\n1,0,train\n2,1,validation\n");
        assertEquals(noTest + ": no row has 'test' in column 'split', so the test split has no rows; expected"
                + " rows of every split (train, validation, test)",
                error(noTest, "labels", "y:classification", "split.column", "split"));
        Path unlabelled = write("unlabelled.csv", "x,y,z,split\n1,0,,train\n2,1,,train\n3,1,2.5,validation\n"
                + "4,0,1,test\n");
        assertEquals(unlabelled + ": column 'z' (task 'z') has no label in the training split (2 rows); expected"
                + " at least one non-empty cell",
                error(unlabelled, "labels", "y:classification,z:regression", "split.column", "split"));
        Path badSplit = write("badsplit.csv", "x,y,split\n1,0,training\n");
        assertEquals(badSplit + ": line 2, column 3 ('split'): 'training' is not a split; expected train,"
                + " validation or test", error(badSplit, "labels", "y:classification", "split.column", "split"));
    }

    @Test
    void aDuplicateColumnTextThatIsNotUtf8AndAnOpenQuoteAreRefused() throws IOException {
        Path twice = write("twice.csv", "x,y,x\n1,0,2\n");
        assertEquals(twice + ": line 1 (header), column 3: column 'x' is already named in column 1; expected distinct"
                + " column names", error(twice, "labels", "y:classification"));
        Path latin = dir.resolve("latin.csv");
        byte[] header = "x,y\n1,0\n".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = Arrays.copyOf(header, header.length + 4);
        bytes[header.length] = (byte) 0xE9; // a Latin-1 e-acute, not UTF-8
        bytes[header.length + 1] = ',';
        bytes[header.length + 2] = '1';
        bytes[header.length + 3] = '\n';
        Files.write(latin, bytes);
        assertTrue(error(latin, "labels", "y:classification").startsWith(latin + ": is not UTF-8 text"));
        Path open = write("open.csv", "x,y\n1,0\n\"2,1\n");
        assertTrue(error(open, "labels", "y:classification").startsWith(open + ": is not valid CSV after line 2"),
                error(open, "labels", "y:classification"));
    }

    @Test
    void missingRequiredKeysAndMalformedLabelsNameTheKey() throws IOException {
        CsvDatasetFactory factory = new CsvDatasetFactory();
        PluginConfigException noFile = assertThrows(PluginConfigException.class, () -> factory
                .create(PluginConfigs.of(factory.descriptor(), Map.of("labels", "y:classification"), 1L))
                .load(new DatasetContext(Path.of("data"), 0, 1L)));
        assertEquals("dataset.csv.file", noFile.getKey());
        PluginConfigException kind = assertThrows(PluginConfigException.class, () -> factory
                .create(PluginConfigs.of(factory.descriptor(), Map.of("file", "x.csv", "labels", "y:ordinal"), 1L)));
        assertEquals("dataset.csv.labels", kind.getKey());
        assertNotNull(kind.getMessage());
        DataException missing = assertThrows(DataException.class, () -> load(Map.of("file",
                dir.resolve("nowhere.csv").toString(), "labels", "y:classification")));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }
}
