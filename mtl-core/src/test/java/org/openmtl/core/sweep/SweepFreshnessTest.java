package org.openmtl.core.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.group.GroupingRunner;
import org.openmtl.core.result.FrameworkBuild;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.results.ResultsDatabase;
import org.openmtl.core.results.TrialRecord;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.train.MultiTaskTrainer;
import org.openmtl.core.train.Progress;

/**
 * A study run again after the framework changed: trials another build computed run again unless
 * {@code reuse=stale}; failed trials stay failed unless {@code retry.failed=true}. The system
 * property {@link FrameworkBuild#PROPERTY} stands for the build that changed.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SweepFreshnessTest {

    @TempDir Path dir;

    private final MtlRuntime mtl = MtlRuntime.discover(Path.of("no-plugins-dir"));

    @AfterEach
    void backToTheRealBuild() {
        System.clearProperty(FrameworkBuild.PROPERTY);
    }

    private static void build(String id) {
        System.setProperty(FrameworkBuild.PROPERTY, id);
    }

    private static ConfigSource source(String... extra) {
        List<String> values = new ArrayList<>(List.of("dataset=synthetic", "dataset.synthetic.tasks=2",
                "dataset.synthetic.train.examples=128", "dataset.synthetic.validation.examples=32",
                "dataset.synthetic.test.examples=32", "epochs=2", "batch.size=32", "progress=none",
                "diagnostics.gradients=false", "executor=inline"));
        values.addAll(List.of(extra));
        return ConfigSource.load(null, values);
    }

    private static Map<String, TrialRecord> records(Path sweep) {
        try (ResultsDatabase db = ResultsDatabase.open("", sweep)) {
            return db.trials(null).stream().collect(Collectors.toMap(TrialRecord::id, r -> r));
        }
    }

    private static String resultBuild(Path sweep, String id) throws Exception {
        return ResultFiles.readJson(sweep.resolve("trials").resolve(id).resolve("result.json")).getAsJsonObject()
                .getAsJsonObject("provenance").get("build").getAsString();
    }

    /** Earlier runs of a trial that the trainer moved aside: {@code trials/<id>.<time>}. */
    private static long setAside(Path sweep, String id) throws Exception {
        try (Stream<Path> s = Files.list(sweep.resolve("trials"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(id + ".")).count();
        }
    }

    @Test
    void trialsOfAnotherBuildRunAgainUnlessReuseIsStale() throws Exception {
        Path out = dir.resolve("study");
        build("test:first");
        // the first run on the local pool: its workers record the coordinator's build
        List<String> local = List.of("sweep.seed=1, 2", "executor=local", "workers=1");
        SweepRunner runner = new SweepRunner(mtl);
        runner.runTrials(source(local.toArray(String[]::new)), out, "none");
        Map<String, TrialRecord> first = records(out);
        assertEquals(2, first.size());
        for (TrialRecord r : first.values()) {
            assertEquals("completed", r.status(), r.id() + ": " + r.reason());
            assertEquals("test:first", r.build(), "the database records the coordinator's build");
            assertEquals("test:first", resultBuild(out, r.id()), "the worker JVM ran as the coordinator's build");
        }
        assertTrue(runner.lastReuse().stale().isEmpty());
        assertTrue(runner.lastReuse().notices().isEmpty(), "a first run has nothing to say about earlier trials");

        // the framework changed; reuse=stale keeps what the first build computed, and says so
        build("test:second");
        SweepRunner keeping = new SweepRunner(mtl);
        Map<String, Object> summary = keeping.run(source("sweep.seed=1, 2", "reuse=stale"), out, "none");
        assertEquals(2, keeping.lastReuse().stale().size());
        assertTrue(!keeping.lastReuse().staleRerun());
        String kept = keeping.lastReuse().notices().get(0);
        assertTrue(kept.contains("2 of 2 trials were finished by another framework build (test:first: 2)"), kept);
        assertTrue(kept.contains("kept, as reuse=stale asks"), kept);
        for (TrialRecord r : records(out).values()) {
            assertEquals(first.get(r.id()).finished(), r.finished(), "kept, not run again");
            assertEquals("test:first", r.build());
        }
        assertEquals(Map.of("test:first", 2), summary.get("builds"));
        assertTrue(Files.readString(out.resolve("summary.md")).contains("Computed by build test:first (2 trials)."));
        assertTrue(Files.readString(out.resolve("report.html")).contains("computed by build test:first (2 trials)"));
        // and the CPU that computed them, from each trial's provenance
        assertTrue(Files.readString(out.resolve("summary.md")).contains("Ran on one CPU: "));

        // by default the stale trials run again, afresh: the old run is moved aside, not continued
        SweepRunner rerunning = new SweepRunner(mtl);
        rerunning.run(source("sweep.seed=1, 2"), out, "none");
        assertEquals(2, rerunning.lastReuse().stale().size());
        assertTrue(rerunning.lastReuse().staleRerun());
        String rerun = rerunning.lastReuse().notices().get(0);
        assertTrue(rerun.contains("2 of 2 trials were finished by another framework build (test:first: 2) than this one"
                + " (test:second): running them again (reuse=stale keeps them)"), rerun);
        for (TrialRecord r : records(out).values()) {
            assertEquals("completed", r.status(), r.id() + ": " + r.reason());
            assertEquals("test:second", r.build());
            assertEquals(1, r.attempts(), "a reopened trial starts with a full set of retries");
            assertNotEquals(first.get(r.id()).finished(), r.finished());
            assertEquals("test:second", resultBuild(out, r.id()));
            assertEquals(1, setAside(out, r.id()), "the first build's run of " + r.id() + " is kept aside");
        }
        assertTrue(Files.readString(out.resolve("summary.md")).contains("Computed by build test:second (2 trials)."));

        // the same build again: nothing is stale, nothing runs
        Map<String, TrialRecord> second = records(out);
        SweepRunner again = new SweepRunner(mtl);
        again.runTrials(source("sweep.seed=1, 2"), out, "none");
        assertTrue(again.lastReuse().stale().isEmpty());
        records(out).values().forEach(r -> assertEquals(second.get(r.id()).finished(), r.finished()));
    }

    @Test
    void aFailedTrialStaysFailedUntilRetryFailedIsGiven() throws Exception {
        Path out = dir.resolve("failing");
        Path baseline = dir.resolve("baseline/result.json");
        // the baseline is missing at first, so the trial that compares with it fails when it starts
        String[] values = {"sweep.variant=plain, compared", "variant.plain.seed=1",
            "variant.compared.transfer.baseline=" + baseline, "retries=0"};
        build("test:one");
        new SweepRunner(mtl).runTrials(source(values), out, "none");
        TrialRecord failed = records(out).values().stream().filter(r -> "failed".equals(r.status())).findFirst().orElseThrow();
        assertTrue(failed.reason().contains(baseline.toString()), failed.reason());
        TrialRecord plain = records(out).values().stream().filter(r -> "completed".equals(r.status())).findFirst().orElseThrow();

        // the baseline appears; a plain run again keeps the failure and says how to retry it
        Files.createDirectories(baseline.getParent());
        Files.copy(out.resolve("trials").resolve(plain.id()).resolve("result.json"), baseline);
        SweepRunner keeping = new SweepRunner(mtl);
        keeping.runTrials(source(values), out, "none");
        assertEquals(List.of(failed.id()), keeping.lastReuse().failed());
        String notice = String.join("\n", keeping.lastReuse().notices());
        assertTrue(notice.contains("1 trial failed in an earlier run and stays failed; retry.failed=true runs it again"), notice);
        TrialRecord stillFailed = records(out).get(failed.id());
        assertEquals("failed", stillFailed.status());
        assertEquals(failed.finished(), stillFailed.finished(), "not run again");

        // retry.failed=true runs it again, and now it completes; the completed trial is untouched
        SweepRunner retrying = new SweepRunner(mtl);
        retrying.runTrials(source(append(values, "retry.failed=true")), out, "none");
        assertTrue(retrying.lastReuse().notices().get(0).contains("1 trial that failed in an earlier run will run again"
                + " (retry.failed=true)"), retrying.lastReuse().notices().toString());
        Map<String, TrialRecord> after = records(out);
        assertEquals("completed", after.get(failed.id()).status(), after.get(failed.id()).reason());
        assertEquals(1, after.get(failed.id()).attempts());
        assertEquals(plain.finished(), after.get(plain.id()).finished());
    }

    @Test
    void taskGroupingTrainsItsSubsetsAgainAfterTheBuildChanged() {
        Path out = dir.resolve("group");
        List<String> values = new ArrayList<>(List.of("dataset=synthetic", "dataset.synthetic.tasks=2",
                "dataset.synthetic.train.examples=128", "dataset.synthetic.validation.examples=32",
                "dataset.synthetic.test.examples=32", "epochs=1", "batch.size=32", "diagnostics.gradients=false",
                "executor=inline", "output.dir=" + out, "grouping.budget=2"));
        build("test:one");
        new GroupingRunner(mtl).run(ConfigSource.load(null, values), "none");
        Map<String, TrialRecord> first = records(out);
        assertEquals(3, first.size(), "t0, t1 and t0+t1");

        build("test:two");
        List<String> keeping = new ArrayList<>(values);
        keeping.add("reuse=stale");
        new GroupingRunner(mtl).run(ConfigSource.load(null, keeping), "none");
        records(out).values().forEach(r -> assertEquals(first.get(r.id()).finished(), r.finished(), "kept: " + r.id()));

        new GroupingRunner(mtl).run(ConfigSource.load(null, values), "none");
        records(out).values().forEach(r -> {
            assertEquals("test:two", r.build(), r.id());
            assertNotEquals(first.get(r.id()).finished(), r.finished(), "trained again: " + r.id());
        });
    }

    private static String[] append(String[] values, String more) {
        List<String> all = new ArrayList<>(List.of(values));
        all.add(more);
        return all.toArray(String[]::new);
    }

    @Test
    void aTrialContinuesOnlyACheckpointOfItsOwnBuild() throws Exception {
        Path out = dir.resolve("trials").resolve("t");
        Map<String, String> values = new LinkedHashMap<>();
        for (String kv : List.of("dataset=synthetic", "dataset.synthetic.tasks=2", "dataset.synthetic.train.examples=64",
                "dataset.synthetic.validation.examples=32", "dataset.synthetic.test.examples=32", "epochs=2",
                "batch.size=32", "progress=none", "diagnostics.gradients=false", "output.dir=" + out)) {
            values.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        build("test:first");
        TrialSpec spec = new TrialSpec("t", values, 1);
        assertEquals(TrialOutcome.Status.COMPLETED, TrialRunner.run(spec, Progress.forMode("none"), "w").status());
        Path checkpoint = MultiTaskTrainer.latestCheckpoint(out).orElseThrow();
        assertEquals("test:first", ResultFiles.readJson(checkpoint.resolve("state.json")).getAsJsonObject()
                .get("build").getAsString(), "the generation's state names its build");

        // the same build continues its checkpoint: nothing is set aside
        assertEquals(TrialOutcome.Status.COMPLETED, TrialRunner.run(spec, Progress.forMode("none"), "w").status());
        assertEquals(0, setAside(dir, "t"));

        // another build starts afresh: the old run is set aside, the new checkpoint is its own
        build("test:second");
        assertEquals(TrialOutcome.Status.COMPLETED, TrialRunner.run(spec, Progress.forMode("none"), "w").status());
        assertEquals(1, setAside(dir, "t"));
        assertEquals("test:second", ResultFiles.readJson(MultiTaskTrainer.latestCheckpoint(out).orElseThrow()
                .resolve("state.json")).getAsJsonObject().get("build").getAsString());
    }
}
