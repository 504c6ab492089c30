package org.openmtl.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.weak.TinyMnist;

/**
 * The claims of MeTaL checked through {@code ./mtl weak} on the planted sources of
 * {@code mnist-weak}, each as a mean over five seeds (five draws of the votes, five fits, five end
 * models), never one seed: the recovered source accuracies are near the planted ones, the MeTaL
 * label model labels better than majority vote, the end model beats the label model on held-out
 * examples, and the dependency graph helps with the dependent pair. The images are the made-up
 * digits of {@link TinyMnist} (5,400 training examples after the validation split), so the five
 * seeds of each label model run in seconds; docs/results/weak-supervision.md measures the same on
 * real MNIST.
 */
class WeakVerificationTest {

    @TempDir static Path dir;

    private static JsonObject metal;
    private static JsonObject metalWithoutGraph;
    private static JsonObject majorityVote;

    @BeforeAll
    static void runFiveSeedsOfEachLabelModel() throws Exception {
        TinyMnist.write(dir.resolve("data"), 6000, 1000, 11);
        metal = summary("metal", "label-model=metal");
        metalWithoutGraph = summary("metal-none", "label-model=metal", "weak.dependencies=none");
        majorityVote = summary("majority-vote", "label-model=majority-vote");
    }

    private static synchronized JsonObject summary(String name, String... more) throws Exception {
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("weak", "dataset=mnist-weak", "data.dir=" + dir.resolve("data"),
                "architecture=hard-sharing", "architecture.hard-sharing.trunk=mlp",
                "architecture.hard-sharing.mlp.hidden=32", "architecture.hard-sharing.head.hidden=", "epochs=2",
                "batch.size=64", "checkpoint=false", "diagnostics.gradients=false", "threads=1", "progress=none",
                "weak.seeds=1,2,3,4,5", "output.dir=" + out));
        args.addAll(List.of(more));
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = Main.execute(args.toArray(String[]::new));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
        assertEquals(0, code, captured.toString(StandardCharsets.UTF_8));
        return ResultFiles.readJson(out.resolve("weak-summary.json")).getAsJsonObject();
    }

    private static double mean(JsonObject o, String... path) {
        JsonElement e = o;
        for (String p : path) {
            e = e.getAsJsonObject().get(p);
        }
        JsonObject stats = e.getAsJsonObject();
        assertEquals(5, stats.get("n").getAsInt(), "five seeds: " + stats);
        return stats.get("mean").getAsDouble();
    }

    private static JsonObject source(JsonObject summary, String name) {
        for (JsonElement s : summary.getAsJsonArray("sources")) {
            if (s.getAsJsonObject().get("name").getAsString().equals(name)) {
                return s.getAsJsonObject();
            }
        }
        throw new AssertionError("no source " + name + " in " + summary);
    }

    @Test
    void metalRecoversEverySourcesAccuracyWithin005OnAverageOverFiveDraws() {
        JsonArray sources = metal.getAsJsonArray("sources");
        assertEquals(7, sources.size());
        for (JsonElement s : sources) {
            JsonObject source = s.getAsJsonObject();
            double error = mean(source, "abs_error");
            assertTrue(error <= 0.05, source.get("name") + ": mean |estimated - planted| " + error + " over " + source);
        }
    }

    @Test
    void metalLabelsEveryTaskBetterThanMajorityVoteOnAverage() {
        for (String split : List.of("train", "test")) {
            for (String task : List.of("coarse", "fine")) {
                double m = mean(metal, "label_model_accuracy", split, task, "accuracy_covered");
                double v = mean(majorityVote, "label_model_accuracy", split, task, "accuracy_covered");
                assertTrue(m > v, split + " " + task + ": metal " + m + ", majority vote " + v);
            }
        }
    }

    @Test
    void theEndModelBeatsTheLabelModelOnTheHeldOutExamples() {
        // both on every test example: the label model has no vote on some, the end model reads every image
        for (String task : List.of("coarse", "fine")) {
            double end = mean(metal, "end_model_test", task, "accuracy");
            double label = mean(metal, "label_model_accuracy", "test", task, "accuracy_all");
            assertTrue(end > label, task + ": end model " + end + ", label model " + label);
        }
    }

    @Test
    void theDependencyGraphBringsTheDependentPairsAccuraciesCloserToThePlantedOnes() {
        assertEquals("[\"coarse-b:coarse-copy\"]", metal.get("dependencies").toString());
        assertEquals("[]", metalWithoutGraph.get("dependencies").toString());
        double with = 0;
        double without = 0;
        for (String name : List.of("coarse-b", "coarse-copy")) {
            with += mean(source(metal, name), "abs_error");
            without += mean(source(metalWithoutGraph, name), "abs_error");
        }
        assertTrue(with < without, "the pair's summed mean |error|: with the graph " + with + ", without " + without);
    }
}
