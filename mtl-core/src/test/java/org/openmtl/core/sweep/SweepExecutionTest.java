package org.openmtl.core.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.results.ResultsDatabase;
import org.openmtl.core.results.TrialRecord;
import org.openmtl.core.run.MtlRuntime;

/**
 * Sweeps on the local pool of worker JVMs: resume, retries, a diverging trial, a killed worker, a
 * killed sweep and two sweeps sharing one database. Every trial is a tiny synthetic training, so
 * the time goes into starting JVMs.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SweepExecutionTest {

    @TempDir Path dir;

    private final MtlRuntime mtl = MtlRuntime.discover(Path.of("no-plugins-dir"));

    private static List<String> base(String... extra) {
        List<String> values = new ArrayList<>(List.of("dataset=synthetic", "dataset.synthetic.tasks=2",
                "dataset.synthetic.train.examples=128", "dataset.synthetic.validation.examples=32",
                "dataset.synthetic.test.examples=32", "epochs=2", "batch.size=32", "progress=none",
                "diagnostics.gradients=false", "executor=local", "workers=2"));
        values.addAll(List.of(extra));
        return values;
    }

    private static ConfigSource source(List<String> values) {
        return ConfigSource.load(null, values);
    }

    private Map<String, TrialRecord> records(Path sweep) {
        try (ResultsDatabase db = ResultsDatabase.open("", sweep)) {
            return db.trials(null).stream().collect(Collectors.toMap(TrialRecord::id, r -> r));
        }
    }

    private static long attemptLines(Path trialDir) throws Exception {
        Path log = LocalExecutor.logDirectory(trialDir).resolve("worker.log");
        return Files.isRegularFile(log) ? Files.readAllLines(log).stream().filter(l -> l.startsWith("== attempt")).count() : 0;
    }

    @Test
    void aGridCompletesIntoTheDatabaseAndARerunStartsNoTrial() throws Exception {
        Path out = dir.resolve("grid");
        List<String> values = base("sweep.weighting=equal, uncertainty", "sweep.seed=1, 2");
        var results = new SweepRunner(mtl).runTrials(source(values), out, "none");
        assertEquals(4, results.size());
        Map<String, TrialRecord> records = records(out);
        assertEquals(4, records.size());
        for (TrialRecord r : records.values()) {
            assertEquals("completed", r.status(), r.id() + ": " + r.reason());
            assertEquals(1, r.attempts());
            assertTrue(r.worker().startsWith("local-"), r.worker());
            assertTrue(Files.isRegularFile(out.resolve("trials").resolve(r.id()).resolve("result.json")));
        }
        // both workers were used: two trials overlapped in time
        List<TrialRecord> byStart = records.values().stream().sorted((a, b) -> a.started().compareTo(b.started())).toList();
        assertTrue(byStart.get(1).started().isBefore(byStart.get(0).finished()),
                "the second trial should start before the first finishes with 2 workers");

        SweepRunner runner = new SweepRunner(mtl);
        runner.summarize(out, runner.runTrials(source(values), out, "none"));
        // the report states the database's counts
        String report = Files.readString(out.resolve("report.html"));
        assertTrue(report.contains("4 trials in the results database: 4 completed"), "report subtitle with the counts");
        for (TrialRecord r : records(out).values()) {
            assertEquals(1, r.attempts(), "a rerun must start no trial");
            assertEquals(1, attemptLines(out.resolve("trials").resolve(r.id())));
        }
    }

    @Test
    void aFailingTrialIsRetriedThenRecordedAsFailedWhileTheOthersComplete() throws Exception {
        Path out = dir.resolve("retries");
        // a missing baseline passes validation but fails when the trial starts: an error in the worker
        List<String> values = base("sweep.variant=good, broken", "variant.good.seed=1",
                "variant.broken.transfer.baseline=" + dir.resolve("no-such-result.json"), "retries=2");
        var results = new SweepRunner(mtl).runTrials(source(values), out, "none");
        assertEquals(2, results.size());
        Map<String, TrialRecord> records = records(out);
        TrialRecord broken = records.values().stream().filter(r -> !"completed".equals(r.status())).findFirst().orElseThrow();
        assertEquals("failed", broken.status());
        assertEquals(3, broken.attempts(), "1 attempt + retries=2");
        assertTrue(broken.reason().contains("no-such-result.json"), broken.reason());
        assertEquals(3, attemptLines(out.resolve("trials").resolve(broken.id())));
        assertEquals(1, records.values().stream().filter(r -> "completed".equals(r.status())).count());
    }

    @Test
    void aDivergingTrialFailsAloneAndIsNotRetried() {
        Path out = dir.resolve("nan");
        List<String> values = base("sweep.variant=fine, diverging", "variant.fine.seed=1",
                "variant.diverging.optimizer=sgd", "variant.diverging.optimizer.sgd.lr=1e30", "retries=3");
        var results = new SweepRunner(mtl).runTrials(source(values), out, "none");
        assertEquals(2, results.size());
        Map<String, TrialRecord> records = records(out);
        TrialRecord diverged = records.values().stream().filter(r -> !"completed".equals(r.status())).findFirst().orElseThrow();
        assertEquals("failed", diverged.status());
        assertEquals(1, diverged.attempts(), "a diverging run would diverge again: no retry");
        assertEquals(1, records.values().stream().filter(r -> "completed".equals(r.status())).count());
    }

    @Test
    void aWorkerKilledMidTrialIsDetectedAndItsTrialRetriedToCompletion() throws Exception {
        Path out = dir.resolve("kill");
        List<String> values = base("epochs=40", "dataset.synthetic.train.examples=2048", "sweep.seed=1", "workers=1");
        CompletableFuture<?> sweep = CompletableFuture.runAsync(() -> new SweepRunner(mtl).runTrials(source(values), out, "none"));
        ProcessHandle worker = awaitWorker();
        Path trialDir = out.resolve("trials").resolve(new SweepRunner(mtl).resolve(source(values), out).get(0).id());
        awaitFile(trialDir.resolve("checkpoint"));
        assertTrue(worker.destroyForcibly(), "SIGKILL sent");
        sweep.get(5, TimeUnit.MINUTES);
        TrialRecord r = records(out).values().iterator().next();
        assertEquals("completed", r.status());
        assertEquals(2, r.attempts(), "the lost attempt counts");
        assertEquals(2, attemptLines(trialDir));
        assertTrue(Files.readString(LocalExecutor.logDirectory(trialDir).resolve("worker.log")).contains("== attempt 2"));
    }

    @Test
    void aKilledSweepIsResumedByTheNextRunWithNothingFinishedLost() throws Exception {
        Path out = dir.resolve("resume");
        List<String> values = base("epochs=30", "dataset.synthetic.train.examples=1024", "sweep.seed=1, 2, 3", "workers=1");
        // the sweep in its own JVM, killed with SIGKILL while its second trial runs
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), "org.openmtl.core.cli.Main", "sweep"));
        command.addAll(values);
        command.add("output.dir=" + out);
        Process sweep = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sweep.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (records(out).values().stream().filter(r -> "completed".equals(r.status())).count() < 1) {
                assertTrue(System.nanoTime() < deadline, "no trial completed in time: " + Files.readString(dir.resolve("sweep.log")));
                assertTrue(sweep.isAlive(), Files.readString(dir.resolve("sweep.log")));
                Thread.sleep(200);
            }
            Thread.sleep(1500);
        } finally {
            sweep.destroyForcibly().waitFor();
        }
        Map<String, TrialRecord> before = records(out);
        TrialRecord finished = before.values().stream().filter(r -> "completed".equals(r.status())).findFirst().orElseThrow();
        System.setProperty("mtl.sweep.stale.seconds", "1");
        try {
            new SweepRunner(mtl).runTrials(source(values), out, "none");
        } finally {
            System.clearProperty("mtl.sweep.stale.seconds");
        }
        Map<String, TrialRecord> after = records(out);
        assertEquals(3, after.size());
        after.values().forEach(r -> assertEquals("completed", r.status(), r.id() + " " + r.reason()));
        assertEquals(finished.finished(), after.get(finished.id()).finished(), "a finished trial is kept, not rerun");
        assertEquals(1, attemptLines(out.resolve("trials").resolve(finished.id())));
    }

    @Test
    void twoSweepsOnOneDatabaseRunEveryTrialExactlyOnce() throws Exception {
        Path out = dir.resolve("shared");
        List<String> values = base("sweep.weighting=equal, uncertainty", "sweep.seed=1, 2", "workers=1");
        CompletableFuture<?> first = CompletableFuture.runAsync(() -> new SweepRunner(mtl).runTrials(source(values), out, "none"));
        CompletableFuture<?> second = CompletableFuture.runAsync(() -> new SweepRunner(mtl).runTrials(source(values), out, "none"));
        first.get(5, TimeUnit.MINUTES);
        second.get(5, TimeUnit.MINUTES);
        Map<String, TrialRecord> records = records(out);
        assertEquals(4, records.size());
        for (TrialRecord r : records.values()) {
            assertEquals("completed", r.status());
            assertEquals(1, r.attempts(), "claimed by one sweep only");
            assertEquals(1, attemptLines(out.resolve("trials").resolve(r.id())));
        }
    }

    private static ProcessHandle awaitWorker() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> worker = ProcessHandle.current().descendants()
                    .filter(p -> commandLine(p).contains(TrialWorker.class.getName()))
                    .findFirst();
            if (worker.isPresent()) {
                return worker.get();
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no worker JVM started");
    }

    private static String commandLine(ProcessHandle p) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline")).replace('\0', ' ');
        } catch (java.io.IOException e) {
            return p.info().commandLine().orElse("");
        }
    }

    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!Files.exists(file)) {
            assertFalse(System.nanoTime() > deadline, "never appeared: " + file);
            Thread.sleep(50);
        }
    }
}
