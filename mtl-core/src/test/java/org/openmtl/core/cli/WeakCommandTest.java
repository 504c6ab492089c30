package org.openmtl.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.weak.TinyMnist;

/**
 * {@code ./mtl weak} end to end on a few hundred MNIST-shaped images: the label model's
 * probabilistic labels train an end model that is tested on gold labels; bad input exits 2 with a
 * message naming what is wrong and nothing written.
 */
class WeakCommandTest {

    @TempDir static Path data;
    @TempDir Path dir;

    private static int[] trainDigits;

    @BeforeAll
    static void writeImages() throws Exception {
        trainDigits = TinyMnist.write(data, 600, 200, 5);
    }

    private record Outcome(int exitCode, String out, String err) {}

    private static synchronized Outcome execute(List<String> args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.execute(args.toArray(String[]::new));
            return new Outcome(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private Outcome weak(String... more) {
        List<String> args = new ArrayList<>(List.of("weak", "dataset=mnist-weak", "data.dir=" + data,
                "architecture=hard-sharing", "architecture.hard-sharing.trunk=mlp",
                "architecture.hard-sharing.mlp.hidden=32", "architecture.hard-sharing.head.hidden=",
                "epochs=4", "batch.size=32", "checkpoint=false", "diagnostics.gradients=false", "threads=1",
                "progress=none", "seed=3", "output.dir=" + dir.resolve("out")));
        args.addAll(List.of(more));
        return execute(args);
    }

    private void assertBadInput(Outcome o, String... fragments) {
        assertEquals(2, o.exitCode(), o.out() + o.err());
        for (String f : fragments) {
            assertTrue(o.err().contains(f), "'" + f + "' missing from: " + o.err());
        }
        assertFalse(o.err().contains("\tat "), "no stack trace for bad input: " + o.err());
        assertFalse(Files.exists(dir.resolve("out")), "nothing is written for bad input");
    }

    private static double number(JsonObject o, String... path) {
        JsonElement e = o;
        for (String p : path) {
            e = e.getAsJsonObject().get(p);
        }
        return e.getAsDouble();
    }

    @Test
    void theLabelModelsLabelsTrainAnEndModelThatIsTestedOnGoldLabels() throws Exception {
        Outcome o = weak("label-model=metal");
        assertEquals(0, o.exitCode(), o.out() + o.err());
        Path out = dir.resolve("out");
        assertTrue(o.out().contains(out.resolve("weak.json").toString()), o.out());
        assertTrue(Files.isRegularFile(out.resolve("result.json")));
        assertTrue(Files.readString(out.resolve("weak.md")).contains("## End model on the test split"));
        JsonObject weak = ResultFiles.readJson(out.resolve("weak.json")).getAsJsonObject();
        assertEquals("completed", weak.get("status").getAsString());
        assertEquals("metal", weak.getAsJsonObject("label_model").get("name").getAsString());
        assertEquals(540, weak.getAsJsonObject("votes").get("examples").getAsInt());
        // the planted sources are far better than chance, so are the labels MeTaL draws from them
        assertTrue(number(weak, "label_model", "train", "coarse", "accuracy_covered") > 0.8, weak.toString());
        assertTrue(number(weak, "label_model", "train", "fine", "accuracy_covered") > 0.5, weak.toString());
        // the same sources vote on the test split, where the label model is scored beside the end model
        assertEquals(200, weak.getAsJsonObject("label_model").getAsJsonObject("test").getAsJsonObject("fine")
                .get("gold_examples").getAsInt());
        assertTrue(number(weak, "label_model", "test", "coarse", "accuracy_covered") > 0.8, weak.toString());
        assertTrue(Files.readString(out.resolve("weak.md")).contains("## Label model on the test split"));
        JsonArray sources = weak.getAsJsonArray("sources");
        assertEquals(7, sources.size());
        assertEquals("[\"coarse\",\"fine\"]", sources.get(4).getAsJsonObject().get("tasks").toString());
        for (JsonElement s : sources) {
            JsonObject source = s.getAsJsonObject();
            double planted = source.get("planted_accuracy").getAsDouble();
            double estimated = source.get("estimated_accuracy").getAsDouble();
            assertEquals(estimated - planted, source.get("error").getAsDouble(), 1e-12);
        }
        assertEquals(List.of("coarse-b:coarse-copy"), List.of(weak.getAsJsonObject("label_model")
                .getAsJsonArray("dependencies").get(0).getAsString()));
        // trained on soft labels only, the end model reads the digits of held-out images; a class
        // shifted by one between label model and dataset would leave fine near 0
        assertTrue(number(weak, "end_model", "test", "coarse", "accuracy") > 0.8, weak.toString());
        assertTrue(number(weak, "end_model", "test", "fine", "accuracy") > 0.6, weak.toString());
        JsonObject result = ResultFiles.readJson(out.resolve("result.json")).getAsJsonObject();
        assertEquals(number(result, "tasks", "fine", "accuracy"), number(weak, "end_model", "test", "fine", "accuracy"));
        assertEquals("metal", result.getAsJsonObject("provenance").getAsJsonObject("weak").get("label_model").getAsString());
    }

    @Test
    void aRunIsReproducibleBitForBit() throws Exception {
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        assertEquals(0, weak("epochs=1", "output.dir=" + first).exitCode());
        assertEquals(0, weak("epochs=1", "output.dir=" + second).exitCode());
        JsonObject a = ResultFiles.readJson(first.resolve("weak.json")).getAsJsonObject();
        JsonObject b = ResultFiles.readJson(second.resolve("weak.json")).getAsJsonObject();
        for (String section : List.of("label_model", "votes", "sources")) {
            assertEquals(a.get(section), b.get(section), section);
        }
        assertEquals(a.getAsJsonObject("end_model").get("test"), b.getAsJsonObject("end_model").get("test"));
        // another seed draws other votes
        Path third = dir.resolve("third");
        assertEquals(0, weak("epochs=1", "seed=4", "output.dir=" + third).exitCode());
        JsonObject c = ResultFiles.readJson(third.resolve("weak.json")).getAsJsonObject();
        assertFalse(a.get("sources").equals(c.get("sources")));
    }

    @Test
    void severalSeedsRunOnceEachAndAreSummarizedByTheirMeanAndSpread() throws Exception {
        List<String> args = new ArrayList<>(List.of("weak", "dataset=mnist-weak", "data.dir=" + data,
                "architecture=hard-sharing", "architecture.hard-sharing.trunk=mlp",
                "architecture.hard-sharing.mlp.hidden=32", "architecture.hard-sharing.head.hidden=", "epochs=1",
                "batch.size=32", "checkpoint=false", "diagnostics.gradients=false", "threads=1", "progress=none",
                "weak.seeds=3, 4", "output.dir=" + dir.resolve("out")));
        Outcome o = execute(args);
        assertEquals(0, o.exitCode(), o.out() + o.err());
        Path out = dir.resolve("out");
        JsonObject three = ResultFiles.readJson(out.resolve("seed-3").resolve("weak.json")).getAsJsonObject();
        JsonObject four = ResultFiles.readJson(out.resolve("seed-4").resolve("weak.json")).getAsJsonObject();
        assertEquals("3", three.getAsJsonObject("config").get("seed").getAsString());
        assertEquals("4", four.getAsJsonObject("config").get("seed").getAsString());
        JsonObject summary = ResultFiles.readJson(out.resolve("weak-summary.json")).getAsJsonObject();
        assertEquals("[3,4]", summary.get("seeds").toString());
        double a = number(three, "label_model", "train", "fine", "accuracy_covered");
        double b = number(four, "label_model", "train", "fine", "accuracy_covered");
        JsonObject fine = summary.getAsJsonObject("label_model_accuracy").getAsJsonObject("train")
                .getAsJsonObject("fine").getAsJsonObject("accuracy_covered");
        assertEquals((a + b) / 2, fine.get("mean").getAsDouble(), 1e-12);
        assertEquals(Math.abs(a - b) / Math.sqrt(2), fine.get("std").getAsDouble(), 1e-12);
        assertEquals(Math.min(a, b), fine.get("min").getAsDouble());
        double e3 = Math.abs(three.getAsJsonArray("sources").get(1).getAsJsonObject().get("error").getAsDouble());
        double e4 = Math.abs(four.getAsJsonArray("sources").get(1).getAsJsonObject().get("error").getAsDouble());
        assertEquals((e3 + e4) / 2, summary.getAsJsonArray("sources").get(1).getAsJsonObject()
                .getAsJsonObject("abs_error").get("mean").getAsDouble(), 1e-12);
        double end3 = number(three, "end_model", "test", "coarse", "accuracy");
        double end4 = number(four, "end_model", "test", "coarse", "accuracy");
        assertEquals(Math.max(end3, end4), summary.getAsJsonObject("end_model_test").getAsJsonObject("coarse")
                .getAsJsonObject("accuracy").get("max").getAsDouble());
        assertTrue(Files.readString(out.resolve("weak-summary.md")).contains("| coarse-copy |"));
        // a seed of a repeated run is the run of that seed alone
        Path alone = dir.resolve("alone");
        assertEquals(0, weak("epochs=1", "seed=4", "output.dir=" + alone).exitCode());
        JsonObject single = ResultFiles.readJson(alone.resolve("weak.json")).getAsJsonObject();
        assertEquals(single.get("sources"), four.get("sources"));
        assertEquals(single.getAsJsonObject("end_model").get("test"), four.getAsJsonObject("end_model").get("test"));
    }

    @Test
    void badSeedsExit2WithNothingWritten() {
        assertBadInput(weak("weak.seeds=1,x"), "weak.seeds", "'x' in '1,x' is not a whole number");
        assertBadInput(weak("weak.seeds=1,2,1"), "weak.seeds", "seed 1 is given twice");
        // weak() sets seed=3, which weak.seeds would silently override
        assertBadInput(weak("weak.seeds=1,2"), "seed and weak.seeds are both set");
    }

    @Test
    void votesThatAbstainEverywhereExit2() throws Exception {
        Path votes = dir.resolve("votes.csv");
        Files.writeString(votes, "a[coarse],b[fine]\n" + ",0\n".repeat(540));
        assertBadInput(weak("weak.votes=" + votes), "abstain on all 540 training examples");
    }

    @Test
    void votesFromACsvFileReplaceTheDatasetsOwnAndHaveNoPlantedAccuracies() throws Exception {
        // one source right on every coarse label, one on the fine label of every other example
        StringBuilder csv = new StringBuilder("oracle[coarse],half[fine]\n");
        for (int i = 0; i < 540; i++) {
            int d = trainDigits[i];
            csv.append(d < 5 ? 1 : 2).append(',').append(i % 2 == 0 ? String.valueOf(d + 1) : "").append('\n');
        }
        Path votes = dir.resolve("votes.csv");
        Files.writeString(votes, csv);
        Outcome o = weak("label-model=majority-vote", "weak.votes=" + votes, "epochs=1");
        assertEquals(0, o.exitCode(), o.out() + o.err());
        JsonObject weak = ResultFiles.readJson(dir.resolve("out").resolve("weak.json")).getAsJsonObject();
        assertEquals(votes.toString(), weak.getAsJsonObject("votes").get("from").getAsString());
        assertEquals(1.0, number(weak, "label_model", "train", "coarse", "accuracy_covered"));
        assertEquals(1.0, number(weak, "label_model", "train", "coarse", "accuracy_all"));
        JsonObject half = weak.getAsJsonArray("sources").get(1).getAsJsonObject();
        assertEquals(0.5, half.get("coverage").getAsDouble());
        assertNull(half.get("planted_accuracy"));
        assertNull(weak.getAsJsonObject("label_model").get("test"), "no test votes come with a CSV file");
        assertEquals(0, weak.getAsJsonObject("label_model").getAsJsonArray("dependencies").size());
    }

    @Test
    void aMalformedVotesFileExits2NamingFileLineAndColumnWithNothingWritten() throws Exception {
        Path votes = dir.resolve("bad.csv");
        Files.writeString(votes, "a[coarse],b[fine]\n1,3\n1,11\n");
        assertBadInput(weak("weak.votes=" + votes), votes.toString(), "line 3, column 2 (source 'b')",
                "class 11 is outside the classes 1..10 of task 'fine'");
        Files.writeString(votes, "a[coarse],b[fine]\n1,3\n");
        assertBadInput(weak("weak.votes=" + votes), votes.toString(), "holds 1 example rows; expected 540");
        Files.writeString(votes, "");
        assertBadInput(weak("weak.votes=" + votes), votes.toString(), "is empty");
    }

    private Outcome synthetic(Path votes, String... more) {
        List<String> args = new ArrayList<>(List.of("weak", "dataset=synthetic", "dataset.synthetic.kind=classification",
                "dataset.synthetic.tasks=2", "dataset.synthetic.classes=4", "dataset.synthetic.train.examples=40",
                "dataset.synthetic.validation.examples=10", "dataset.synthetic.test.examples=10",
                "label-model=majority-vote", "weak.votes=" + votes, "epochs=1", "batch.size=16", "checkpoint=false",
                "diagnostics.gradients=false", "threads=1", "progress=none", "output.dir=" + dir.resolve("out")));
        args.addAll(List.of(more));
        return execute(args);
    }

    @Test
    void aDatasetWithoutATaskGraphTakesItsSubsumptionsFromTheConfiguration() throws Exception {
        Path votes = dir.resolve("votes.csv");
        StringBuilder csv = new StringBuilder("both[t0;t1],fine[t1]\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i % 2 == 0 ? "t0:1;t1:2" : "t0:2").append(',').append(i % 3 == 0 ? "" : "4").append('\n');
        }
        Files.writeString(votes, csv);
        Outcome o = synthetic(votes, "weak.subsumptions=t0>t1:1,1,2,2");
        assertEquals(0, o.exitCode(), o.out() + o.err());
        JsonObject weak = ResultFiles.readJson(dir.resolve("out").resolve("weak.json")).getAsJsonObject();
        assertEquals("t0>t1:1,1,2,2", weak.getAsJsonObject("votes").getAsJsonArray("subsumptions").get(0).getAsString());
        assertTrue(weak.getAsJsonObject("end_model").getAsJsonObject("test").has("t1"), weak.toString());
    }

    @Test
    void aVoteAgainstTheConfiguredSubsumptionsAndABadRelationExit2() throws Exception {
        Path votes = dir.resolve("votes.csv");
        Files.writeString(votes, "both[t0;t1]\n" + "t0:1;t1:2\n".repeat(39) + "t0:1;t1:3\n");
        assertBadInput(synthetic(votes, "weak.subsumptions=t0>t1:1,1,2,2"), votes.toString(),
                "line 41, column 1 (source 'both'): 't0:1;t1:3' contradicts the task graph", "t1:3->t0:2");
        // without the relation the same vote is allowed: nothing to contradict
        Files.writeString(votes, "both[t0;t1]\n" + "t0:1;t1:3\n".repeat(40));
        assertEquals(0, synthetic(votes, "epochs=1").exitCode());
        deleteOutput();
        assertBadInput(synthetic(votes, "weak.subsumptions=t0>t1:1,2"), "weak.subsumptions", "one coarse class per fine"
                + " class: 4, got 2");
        assertBadInput(synthetic(votes, "weak.subsumptions=t0:t1"), "weak.subsumptions", "is not coarse>fine:c1,c2");
        assertBadInput(synthetic(votes, "weak.subsumptions=t0>t1:1,x,2,2"), "weak.subsumptions", "are not whole numbers");
        assertBadInput(weak("weak.subsumptions=coarse>fine:1,1,1,1,1,2,2,2,2,2"), "weak.subsumptions",
                "dataset 'mnist-weak' defines its own task graph");
    }

    private void deleteOutput() throws Exception {
        try (var files = Files.walk(dir.resolve("out"))) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void aBadRunKeyInTheConfigFileIsNamedWithItsFileAndLine() throws Exception {
        Path file = dir.resolve("weak.properties");
        Files.writeString(file, "label-model=majority-vote\nepochs=many\n");
        List<String> args = new ArrayList<>(List.of("weak", file.toString(), "dataset=mnist-weak", "data.dir=" + data,
                "output.dir=" + dir.resolve("out")));
        assertBadInput(execute(args), "epochs", "many", file.toString());
    }

    @Test
    void badKeysExit2WithNothingWritten() {
        assertBadInput(weak("label-model=snorkel"), "label-model", "snorkel", "metal");
        assertBadInput(weak("weak.dependencies=coarse-b:nobody"), "weak.dependencies", "'coarse-b:nobody'",
                "coarse-copy");
        assertBadInput(weak("tasks=fine"), "tasks: ./mtl weak trains every task");
        assertBadInput(weak("dataset=synthetic"), "dataset 'synthetic' carries no labeling sources", "weak.votes");
    }
}
