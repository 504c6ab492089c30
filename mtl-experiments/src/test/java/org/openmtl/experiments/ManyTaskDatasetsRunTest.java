package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.result.ResultFiles;

/**
 * The many-task datasets through the command line, on small MNIST and Fashion-MNIST files the
 * test writes (48 training and 16 test images each; every image uniform, its label a function of
 * its value, so the tasks are learnable): a run over all six tasks of {@code
 * multifashion-mnist-many}, the {@code tasks} key selecting a subset of {@code multimnist-many},
 * an unknown task refused with exit code 2, and {@code ./mtl group} accepting the dataset.
 */
class ManyTaskDatasetsRunTest {

    private static final int PIXELS = 28 * 28;

    private static final List<String> FASHION_MNIST_TASKS =
            List.of("digit", "garment", "digit-parity", "digit-high", "garment-group", "garment-clothing");

    @TempDir Path dir;

    private Path data;

    @BeforeEach
    void writeFiles() throws IOException {
        data = dir.resolve("data");
        writeCollection(data.resolve("mnist"), 10, false);
        writeCollection(data.resolve("fashion-mnist"), 130, true);
    }

    /** Training and t10k files of 28x28 uniform images, image m of value first + 2m, label m mod 10. */
    private static void writeCollection(Path directory, int first, boolean gzip) throws IOException {
        Files.createDirectories(directory);
        String suffix = gzip ? ".gz" : "";
        for (String prefix : List.of("train", "t10k")) {
            int count = prefix.equals("train") ? 48 : 16;
            ByteBuffer images = ByteBuffer.allocate(16 + count * PIXELS);
            images.putInt(0x00000803).putInt(count).putInt(28).putInt(28);
            ByteBuffer labels = ByteBuffer.allocate(8 + count);
            labels.putInt(0x00000801).putInt(count);
            for (int m = 0; m < count; m++) {
                for (int p = 0; p < PIXELS; p++) {
                    images.put((byte) (first + 2 * m));
                }
                labels.put((byte) (m % 10));
            }
            write(directory.resolve(prefix + "-images-idx3-ubyte" + suffix), images.array(), gzip);
            write(directory.resolve(prefix + "-labels-idx1-ubyte" + suffix), labels.array(), gzip);
        }
    }

    private static void write(Path file, byte[] bytes, boolean gzip) throws IOException {
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(bytes);
        }
    }

    private Cli.Outcome run(String output, String... settings) {
        List<String> args = new ArrayList<>(List.of("run", "architecture=hard-sharing", "weighting=equal",
                "optimizer=adam", "epochs=2", "batch.size=16", "seed=1", "progress=none", "threads=1",
                "data.dir=" + data, "output.dir=" + dir.resolve(output)));
        args.addAll(List.of(settings));
        return Cli.run(args.toArray(String[]::new));
    }

    @Test
    void pluginsListsBothDatasets() {
        Cli.Outcome o = Cli.run("plugins", "--plugins-dir", dir.resolve("none").toString());
        assertEquals(0, o.exitCode(), o.err());
        List<String> lines = o.out().lines().toList();
        assertTrue(lines.contains("dataset multimnist-many"), o.out());
        assertTrue(lines.contains("dataset multifashion-mnist-many"), o.out());
    }

    @Test
    void sixTasksTrainWithHardSharingAndEqualWeightingToFiniteLosses() throws Exception {
        Cli.Outcome o = run("six", "dataset=multifashion-mnist-many",
                "dataset.multifashion-mnist-many.validation.fraction=0.25");
        assertEquals(0, o.exitCode(), o.out() + o.err());
        JsonObject result = ResultFiles.readJson(dir.resolve("six/result.json")).getAsJsonObject();
        assertEquals("completed", result.get("status").getAsString());
        assertEquals(FASHION_MNIST_TASKS, List.copyOf(result.getAsJsonObject("tasks").keySet()));
        for (String task : FASHION_MNIST_TASKS) {
            JsonObject test = result.getAsJsonObject("tasks").getAsJsonObject(task);
            double accuracy = test.get("accuracy").getAsDouble();
            assertTrue(accuracy >= 0 && accuracy <= 1, task + " accuracy " + accuracy);
            assertTrue(Double.isFinite(test.get("loss").getAsDouble()), task + " test loss " + test);
            JsonObject primary = result.getAsJsonObject("primary_metrics").getAsJsonObject(task);
            assertEquals("accuracy", primary.get("metric").getAsString());
            assertTrue(primary.get("higher_is_better").getAsBoolean(), task);
        }
        JsonArray history = result.getAsJsonArray("history");
        assertEquals(2, history.size());
        for (JsonElement epoch : history) {
            JsonObject train = epoch.getAsJsonObject().getAsJsonObject("train");
            for (String task : FASHION_MNIST_TASKS) {
                double loss = train.getAsJsonObject(task).get("loss").getAsDouble();
                assertTrue(Double.isFinite(loss) && loss > 0, task + " training loss " + loss);
            }
        }
        // the examples' counts: 48 MNIST training images, a quarter held out
        JsonObject examples = result.getAsJsonObject("provenance").getAsJsonObject("data")
                .getAsJsonObject("examples");
        assertEquals(36, examples.get("train").getAsInt(), examples.toString());
    }

    @Test
    void theTasksKeyTrainsASubsetInTheDatasetsOrder() throws Exception {
        Cli.Outcome o = run("subset", "dataset=multimnist-many", "tasks=same,sum,left-parity", "epochs=1");
        assertEquals(0, o.exitCode(), o.out() + o.err());
        JsonObject result = ResultFiles.readJson(dir.resolve("subset/result.json")).getAsJsonObject();
        assertEquals(List.of("sum", "left-parity", "same"), List.copyOf(result.getAsJsonObject("tasks").keySet()));
        assertEquals(List.of("sum", "left-parity", "same"),
                List.copyOf(result.getAsJsonObject("primary_metrics").keySet()));
    }

    @Test
    void anUnknownTaskExitsTwoNamingTheDatasetsTasks() {
        Cli.Outcome o = run("unknown", "dataset=multimnist-many", "tasks=left,middle");
        assertEquals(2, o.exitCode(), o.out() + o.err());
        assertTrue(o.err().contains("tasks: the dataset has no task 'middle'"), o.err());
        assertTrue(o.err().contains("left, right, sum, left-greater, left-parity, right-parity, same"), o.err());
        assertFalse(Files.exists(dir.resolve("unknown")), "nothing written for a refused run");
    }

    @Test
    @SuppressWarnings("unchecked")
    void groupAcceptsTheManyTaskDataset() throws Exception {
        Path out = dir.resolve("group");
        Cli.Outcome o = Cli.run("group", "dataset=multifashion-mnist-many", "architecture=hard-sharing",
                "weighting=equal", "optimizer=adam", "epochs=1", "batch.size=16", "seed=1", "threads=1",
                "grouping.budget=2", "grouping.cost=unit", "progress=none", "executor=inline",
                "data.dir=" + data, "output.dir=" + out);
        assertEquals(0, o.exitCode(), o.out() + o.err());
        Map<String, Object> grouping = new com.google.gson.Gson().fromJson(
                Files.readString(out.resolve("grouping.json")), Map.class);
        List<List<String>> groups = (List<List<String>>) grouping.get("groups");
        // networks may share a task (each task is served by its best network): every task is served
        assertEquals(new TreeSet<>(FASHION_MNIST_TASKS),
                new TreeSet<>(groups.stream().flatMap(List::stream).toList()), "chosen: " + groups);
        assertEquals(63, ((Map<String, Object>) grouping.get("subsets")).size(), "all 2^6 - 1 subsets (trained or estimated)");
    }
}
