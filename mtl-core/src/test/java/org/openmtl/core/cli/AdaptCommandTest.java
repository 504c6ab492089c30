package org.openmtl.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.core.adapt.AdaptFixtures;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.train.EngineOps;

/**
 * {@code ./mtl adapt} on the command line: a run prints the table and where the results are; each
 * bad input exits 2 with a message naming what is wrong, no stack trace, and nothing written.
 */
class AdaptCommandTest {

    @TempDir static Path shared;
    @TempDir Path dir;

    private static Path run;

    @BeforeAll
    static void trainTheRunToAdapt() {
        run = AdaptFixtures.trainRun(MtlRuntime.discover(Path.of("no-plugins-dir")), shared.resolve("run"));
    }

    /** What a command printed and returned. */
    private record Outcome(int exitCode, String out, String err) {}

    private static synchronized Outcome execute(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Outcome(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private Outcome adapt(Path from, String... more) {
        List<String> args = new ArrayList<>(List.of("adapt", "adapt.from=" + from, "adapt.task=t2", "adapt.k=1,2",
                "adapt.draws=1", "adapt.steps=3", "adapt.eval.every=3", "progress=plain",
                "output.dir=" + dir.resolve("out")));
        args.addAll(List.of(more));
        return execute(args.toArray(String[]::new));
    }

    private void assertBadInput(Outcome o, String... fragments) {
        assertEquals(2, o.exitCode(), o.out() + o.err());
        for (String f : fragments) {
            assertTrue(o.err().contains(f), "'" + f + "' missing from: " + o.err());
        }
        assertFalse(o.err().contains("\tat "), "no stack trace for bad input: " + o.err());
        assertFalse(Files.exists(dir.resolve("out")), "nothing is written for bad input");
    }

    @Test
    void anAdaptationPrintsProgressTheTableAndWhereTheResultsAre() throws Exception {
        Path config = dir.resolve("adapt.properties");
        Files.writeString(config, "adapt.from = " + run + "\nadapt.task = t2\nadapt.k = 1,2\nadapt.draws = 1\n"
                + "adapt.steps = 3\nadapt.eval.every = 3\nprogress = plain\noutput.dir = " + dir.resolve("out") + "\n");
        Outcome o = execute("adapt", config.toString(), "adapt.modes=frozen,scratch");
        assertEquals(0, o.exitCode(), o.err());
        assertTrue(o.out().contains("[1/4] k=1 draw 1/1 frozen"), o.out());
        assertTrue(o.out().contains("[4/4] k=2 draw 1/1 scratch"), o.out());
        assertTrue(o.out().contains("frozen accuracy") && o.out().contains("scratch steps"), o.out());
        assertTrue(o.out().contains("adaptation: " + dir.resolve("out/adapt.json")), o.out());
        assertTrue(Files.isRegularFile(dir.resolve("out/adapt.json")));
        assertTrue(Files.isRegularFile(dir.resolve("out/adapt.md")));
    }

    @Test
    void theHelpStatesTheContract() {
        Outcome o = execute("adapt", "--help");
        assertEquals(0, o.exitCode(), o.err());
        for (String f : List.of("adapt.from", "adapt.trial", "adapt.json", "Exit codes", "frozen")) {
            assertTrue(o.out().contains(f), f + " missing from:\n" + o.out());
        }
    }

    @Test
    void aRunWithoutASavedModelExitsTwo() throws Exception {
        Path copy = Files.createDirectories(dir.resolve("no-model"));
        Files.copy(run.resolve("result.json"), copy.resolve("result.json"));
        assertBadInput(adapt(copy), "adapt.from", "has no saved model", "model.params");
        assertBadInput(adapt(Files.createDirectories(dir.resolve("empty"))), "adapt.from", "holds no finished run");
        assertBadInput(adapt(dir.resolve("absent")), "adapt.from", "does not exist");
        assertBadInput(execute("adapt", "adapt.task=t2", "output.dir=" + dir.resolve("out")), "adapt.from: required");
    }

    @Test
    void aTaskTheDatasetLacksExitsTwoListingItsTasks() {
        assertBadInput(adapt(run, "adapt.task=t9"), "adapt.task", "has no task 't9'", "t0, t1, t2", "held-out tasks: t2");
        assertBadInput(adapt(run, "adapt.task="), "adapt.task: required", "held-out tasks: t2");
    }

    @Test
    void aTaskTheRunTrainedExitsTwoSayingSo() {
        assertBadInput(adapt(run, "adapt.task=t1"), "adapt.task", "already trained task 't1'", "held-out tasks: t2");
    }

    @Test
    void aKLargerThanTheSmallestClassOfTheTrainingSplitExitsTwo() {
        // the smallest class of t2 in the training split, counted here from the dataset's labels
        MtlRuntime mtl = MtlRuntime.discover(Path.of("no-plugins-dir"));
        MultiTaskDataset dataset = mtl.plugins(mtl.configure(null, AdaptFixtures.DATASET)).dataset();
        int[] counts = new int[3];
        try (NDManager manager = NDManager.newBaseManager(EngineOps.engine().getEngineName())) {
            int[] pool = dataset.labelled(Split.TRAIN, "t2");
            MultiTaskBatch batch = dataset.batch(manager, Split.TRAIN, pool, List.of("t2"));
            for (int c : batch.target("t2").labels().toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray()) {
                counts[c]++;
            }
        }
        int smallest = Arrays.stream(counts).min().orElseThrow();
        assertBadInput(adapt(run, "adapt.k=1," + (smallest + 1)), "adapt.k: " + (smallest + 1),
                "has " + smallest + " labelled training examples", "use k of at most " + smallest);
        assertBadInput(adapt(run, "adapt.k=2.5"), "adapt.k: 2.5 is not a whole number");
        assertBadInput(adapt(run, "adapt.k=0"), "adapt.k", "out of range");
    }

    @Test
    void aBadModeExitsTwoListingTheModes() {
        assertBadInput(adapt(run, "adapt.modes=frozen,finetune"), "adapt.modes: 'finetune' is not valid",
                "frozen, fine-tune, scratch");
        assertBadInput(adapt(run, "adapt.modes=frozen,frozen"), "adapt.modes: frozen is listed twice");
    }

    @Test
    void runKeysTheRunDecidesAndUnknownKeysExitTwo() {
        assertBadInput(adapt(run, "epochs=3"), "epochs: ./mtl adapt takes the run's configuration from its result.json");
        assertBadInput(adapt(run, "adapt.stepz=3"), "unknown configuration key 'adapt.stepz'", "did you mean 'adapt.steps'");
        assertBadInput(adapt(run, "optimizer.adam.lr=-1"), "optimizer.adam.lr");
    }

    @Test
    void aSweepNeedsATrialIdAndAnUnknownIdExitsTwo() throws Exception {
        Path sweep = Files.createDirectories(dir.resolve("sweep"));
        Files.writeString(sweep.resolve("sweep.json"),
                "{\"trials\": [{\"id\": \"0123abcd4567\", \"point\": {\"seed\": \"1\"}}]}\n");
        assertBadInput(adapt(sweep), "adapt.trial", "is a sweep", "0123abcd4567 (seed=1)");
        assertBadInput(adapt(sweep, "adapt.trial=ffff"), "adapt.trial", "has no trial 'ffff'", "0123abcd4567");
        assertBadInput(adapt(run, "adapt.trial=0123abcd4567"), "adapt.trial", "not a sweep's output directory");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aDivergingTrialExitsOneLeavingAdaptJsonFailedWithTheReason() throws Exception {
        Outcome o = adapt(run, "adapt.modes=frozen", "optimizer.adam.lr=1e38");
        assertEquals(1, o.exitCode(), o.out() + o.err());
        assertTrue(o.err().contains("the loss of the adaptation became"), o.err());
        Map<String, Object> result = new com.google.gson.Gson().fromJson(
                Files.readString(dir.resolve("out/adapt.json")), Map.class);
        assertEquals("failed", result.get("status"));
        assertTrue(((String) result.get("reason")).contains("k=1, draw 0, frozen"), (String) result.get("reason"));
        assertFalse(Files.exists(dir.resolve("out/adapt.md")));
    }

    @Test
    void aRegressionTaskExitsTwo() {
        Path regression = AdaptFixtures.trainRun(MtlRuntime.discover(Path.of("no-plugins-dir")), dir.resolve("regression"),
                "dataset.synthetic.kind=regression");
        assertBadInput(adapt(regression), "adapt.task: 't2' is a regression task", "needs a classification task");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSavedModelEvaluatesToTheTestMetricsTheRunReported() throws Exception {
        // ./mtl evaluate and ./mtl adapt read model.params by the same parameter names
        Outcome o = execute("evaluate", run.toString());
        assertEquals(0, o.exitCode(), o.err());
        Map<String, Map<String, Double>> reported = (Map<String, Map<String, Double>>) new com.google.gson.Gson()
                .fromJson(Files.readString(run.resolve("result.json")), Map.class).get("tasks");
        for (String task : List.of("t0", "t1")) {
            String expected = String.format(java.util.Locale.ROOT, "%-10s %-12s  accuracy %.4f", "test", task,
                    reported.get(task).get("accuracy"));
            assertTrue(o.out().contains(expected), expected + " missing from:\n" + o.out());
        }
    }

    @Test
    void anArchitectureWithoutASharedTrunkExitsTwo() {
        Path independent = AdaptFixtures.trainRun(MtlRuntime.discover(Path.of("no-plugins-dir")), dir.resolve("independent"),
                "architecture=independent");
        assertBadInput(adapt(independent), "adapt.from", "'independent' shares no trunk");
    }
}
