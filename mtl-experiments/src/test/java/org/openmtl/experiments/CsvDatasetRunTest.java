package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.run.MtlRuntime;

/**
 * {@code dataset=csv} through the command line, on tables the test writes: two tasks from a linear
 * rule (a class and a real target, a quarter of each task's labels missing) learned well beyond
 * chance by a short run; a task labelled on few rows trained with gradient weightings, in batches
 * that often hold none of its labels, without a non-finite loss; and a malformed file stopped with
 * exit code 2, its line named, before anything is written; and every architecture on that rarely
 * labelled task.
 */
class CsvDatasetRunTest {

    private static final int FEATURES = 6;

    @TempDir Path dir;

    /** The rule's weights: the class is [w·x > 0], the target v·x plus a little noise. */
    private static final double[] W = {1.0, -0.8, 0.5, 0.0, 0.3, -0.6};
    private static final double[] V = {0.5, 0.5, -1.0, 0.7, 0.0, 0.2};

    /**
     * Writes rows x, class, target, split; each label is left empty with probability {@code missing}
     * for {@code target}, and {@code rareEvery} keeps a class label on one row in that many only.
     */
    private Path table(String name, int rows, double missing, int rareEvery, List<double[]> testTargets)
            throws IOException {
        SplittableRandom random = new SplittableRandom(7);
        StringBuilder text = new StringBuilder();
        for (int f = 0; f < FEATURES; f++) {
            text.append('x').append(f).append(',');
        }
        text.append("class,target,split\n");
        for (int r = 0; r < rows; r++) {
            double[] x = new double[FEATURES];
            double score = 0;
            double target = 0;
            for (int f = 0; f < FEATURES; f++) {
                x[f] = random.nextGaussian();
                score += W[f] * x[f];
                target += V[f] * x[f];
                text.append(String.format(Locale.ROOT, "%.5f,", x[f]));
            }
            target += 0.05 * random.nextGaussian();
            String split = r % 5 == 3 ? "validation" : r % 5 == 4 ? "test" : "train";
            boolean classKept = rareEvery > 0 ? r % rareEvery == 0 || !split.equals("train")
                    : random.nextDouble() >= missing;
            boolean targetKept = random.nextDouble() >= missing;
            text.append(classKept ? (score > 0 ? "1" : "0") : "").append(',');
            text.append(targetKept ? String.format(Locale.ROOT, "%.5f", target) : "").append(',');
            text.append(split).append('\n');
            if (split.equals("test") && targetKept) {
                testTargets.add(new double[] {target});
            }
        }
        Path file = dir.resolve(name);
        Files.writeString(file, text.toString());
        return file;
    }

    private Cli.Outcome run(Path file, Path output, String... more) {
        List<String> args = new ArrayList<>(List.of("architecture=hard-sharing", "architecture.hard-sharing.trunk=mlp"));
        args.addAll(List.of(more));
        return runWith(file, output, args);
    }

    private Cli.Outcome runWith(Path file, Path output, List<String> more) {
        List<String> args = new ArrayList<>(List.of("run", "dataset=csv", "dataset.csv.file=" + file,
                "dataset.csv.labels=class:classification,target:regression", "dataset.csv.split.column=split",
                "optimizer=adam", "selector=all", "seed=1", "threads=1", "progress=none", "output.dir=" + output));
        args.addAll(more);
        return Cli.run(args.toArray(String[]::new));
    }

    static Stream<String> architectures() {
        return MtlRuntime.discover(Path.of("no-plugins-dir")).registry().names(PluginKind.ARCHITECTURE).stream();
    }

    /** Every architecture, with a parameter-gradient weighting (cosmos with its own), on a task missing from most batches. */
    @ParameterizedTest
    @MethodSource("architectures")
    void everyArchitectureTrainsOnATaskMissingFromManyBatches(String architecture) throws IOException {
        Path file = table("rare.csv", 400, 0.0, 25, new ArrayList<>());
        Path out = dir.resolve("rare-" + architecture);
        // a preference-conditioned network trains only with a weighting that draws preferences
        String weighting = "cosmos".equals(architecture) ? "cosmos" : "pcgrad";
        Cli.Outcome o = runWith(file, out, List.of("architecture=" + architecture, "weighting=" + weighting, "epochs=3",
                "batch.size=8", "checkpoint=false"));
        assertEquals(0, o.exitCode(), architecture + ": " + o.out() + o.err());
        JsonObject result = ResultFiles.readJson(out.resolve("result.json")).getAsJsonObject();
        assertEquals("completed", result.get("status").getAsString(), architecture + ": " + result.get("reason"));
        for (JsonElement epoch : result.getAsJsonArray("history")) {
            JsonObject train = epoch.getAsJsonObject().getAsJsonObject("train");
            for (String task : List.of("class", "target")) {
                double loss = train.getAsJsonObject(task).get("loss").getAsDouble();
                assertTrue(Double.isFinite(loss) && loss > 0, architecture + ": " + task + " training loss " + loss);
            }
        }
    }

    @Test
    void twoTasksFromALinearRuleAreLearnedWellBeyondChanceWithAQuarterOfTheLabelsMissing() throws IOException {
        List<double[]> testTargets = new ArrayList<>();
        Path file = table("linear.csv", 1500, 0.25, 0, testTargets);
        Path out = dir.resolve("linear");
        Cli.Outcome o = run(file, out, "epochs=6", "batch.size=32", "weighting=equal");
        assertEquals(0, o.exitCode(), o.out() + o.err());
        JsonObject result = ResultFiles.readJson(out.resolve("result.json")).getAsJsonObject();
        assertEquals("completed", result.get("status").getAsString());
        JsonObject tasks = result.getAsJsonObject("tasks");
        double accuracy = tasks.getAsJsonObject("class").get("accuracy").getAsDouble();
        assertTrue(accuracy > 0.8, "accuracy " + accuracy + " against chance about 0.5");
        // predicting the test targets' own mean scores their variance: the rule must do far better
        double mean = testTargets.stream().mapToDouble(t -> t[0]).average().orElseThrow();
        double variance = testTargets.stream().mapToDouble(t -> (t[0] - mean) * (t[0] - mean)).average().orElseThrow();
        double mse = tasks.getAsJsonObject("target").get("mse").getAsDouble();
        assertTrue(mse < 0.3 * variance, "test mse " + mse + " against the targets' variance " + variance);
        assertTrue(tasks.getAsJsonObject("target").has("mae"));
        JsonObject provenance = result.getAsJsonObject("provenance").getAsJsonObject("data");
        assertEquals("csv", provenance.get("dataset").getAsString());
        assertEquals(900, provenance.getAsJsonObject("rows").get("train").getAsInt(), "3 of every 5 rows");
        assertEquals(file.toAbsolutePath().normalize().toString(),
                provenance.getAsJsonArray("files").get(0).getAsJsonObject().get("path").getAsString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"mgda", "mgda weighting.mgda.normalization=loss", "mgda weighting.mgda.normalization=l2",
        "mgda weighting.mgda.normalization=loss+", "pcgrad", "nash-mtl", "cagrad", "aligned-mtl", "imtl", "gradnorm",
        "famo"})
    void aTaskMissingFromManyBatchesTrainsWithGradientWeightingsToFiniteLosses(String setting)
            throws IOException {
        Path file = table("rare.csv", 400, 0.0, 25, new ArrayList<>());
        String[] words = setting.split(" ");
        String weighting = words[0];
        Path out = dir.resolve("rare-" + setting.replaceAll("[^a-z0-9]+", "-"));
        List<String> more = new ArrayList<>(List.of("epochs=2", "batch.size=8", "weighting=" + weighting));
        more.addAll(List.of(words).subList(1, words.length));
        Cli.Outcome o = run(file, out, more.toArray(String[]::new));
        assertEquals(0, o.exitCode(), weighting + ": " + o.out() + o.err());
        JsonObject result = ResultFiles.readJson(out.resolve("result.json")).getAsJsonObject();
        assertEquals("completed", result.get("status").getAsString(), weighting + ": " + result.get("reason"));
        for (JsonElement epoch : result.getAsJsonArray("history")) {
            JsonObject train = epoch.getAsJsonObject().getAsJsonObject("train");
            for (String task : List.of("class", "target")) {
                double loss = train.getAsJsonObject(task).get("loss").getAsDouble();
                assertTrue(Double.isFinite(loss) && loss > 0, weighting + ": " + task + " training loss " + loss);
            }
        }
    }

    /**
     * A batch without a label of a task leaves that task out of the step rather than counting a loss
     * of 0: with the network held fixed (learning rate 0), the rare task's mean training loss over
     * the epoch is then the network's cross-entropy on labelled rows, as on the validation split,
     * not that diluted by the two thirds of batches that hold none of its labels.
     */
    @Test
    void aBatchWithoutLabelsOfATaskDoesNotCountInThatTasksTrainingLoss() throws IOException {
        Path file = table("rare.csv", 400, 0.0, 25, new ArrayList<>());
        Path out = dir.resolve("fixed");
        Cli.Outcome o = run(file, out, "epochs=1", "batch.size=8", "weighting=equal", "optimizer=sgd",
                "optimizer.sgd.lr=0");
        assertEquals(0, o.exitCode(), o.out() + o.err());
        JsonObject epoch = ResultFiles.readJson(out.resolve("result.json")).getAsJsonObject()
                .getAsJsonArray("history").get(0).getAsJsonObject();
        double train = epoch.getAsJsonObject("train").getAsJsonObject("class").get("loss").getAsDouble();
        double validation = epoch.getAsJsonObject("validation").getAsJsonObject("class").get("loss").getAsDouble();
        assertEquals(validation, train, 0.1 * validation, "training loss " + train + ", validation " + validation);
    }

    @Test
    void aMalformedFileStopsTheRunWithExitCode2NamingTheLineBeforeAnythingIsWritten() throws IOException {
        Path file = dir.resolve("ragged.csv");
        Files.writeString(file, "x0,x1,class,target,split\n1,2,0,0.5,train\n3,4,1,train\n");
        Path out = dir.resolve("ragged");
        Cli.Outcome o = run(file, out, "epochs=1");
        assertEquals(2, o.exitCode(), o.out() + o.err());
        assertTrue(o.err().contains(file + ": line 3 has 4 cells; expected 5, one per column of the header"), o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
        assertFalse(Files.exists(out.resolve("result.json")), "nothing written");
    }
}
