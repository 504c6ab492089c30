package org.openmtl.core.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.results.ResultsDatabase;
import org.openmtl.core.results.TrialClaim;
import org.openmtl.core.results.TrialRecord;
import org.openmtl.core.run.MtlRuntime;

/**
 * An attempt runs only while its coordinator's claim on it is confirmed: a heartbeat that fails,
 * a claim the database reports as lost, and a heartbeat that hangs past the lease each stop the
 * attempt, and its outcome is not recorded. The executor here is a stand-in that runs nothing:
 * its first attempt "runs" until the coordinator stops it and then reports a completion anyway
 * (a worker that finished just as it was stopped), so a test sees whether that report is kept.
 * Times are scaled down with a stale time of 1 s (heartbeat every 1/6 s, lease 2/3 s).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SweepHeartbeatTest {

    @TempDir Path dir;

    private final MtlRuntime mtl = MtlRuntime.discover(Path.of("no-plugins-dir"));

    @BeforeEach
    void shortTimes() {
        System.setProperty("mtl.sweep.stale.seconds", "1");
    }

    @AfterEach
    void defaultTimes() {
        System.clearProperty("mtl.sweep.stale.seconds");
    }

    /** A stand-in executor: attempt 1 waits to be stopped, later attempts complete at once. */
    private static final class ScriptedExecutor implements TrialExecutor {
        final List<TrialSpec> submitted = new CopyOnWriteArrayList<>();
        final List<TrialSpec> stopped = new CopyOnWriteArrayList<>();
        final CountDownLatch firstStarted = new CountDownLatch(1);
        private volatile CompletableFuture<TrialOutcome> first;
        private volatile TrialSpec firstSpec;

        @Override
        public int slots() {
            return 1;
        }

        @Override
        public CompletableFuture<TrialOutcome> submit(TrialSpec trial, TrialListener listener) {
            submitted.add(trial);
            if (trial.attempt() == 1) {
                first = new CompletableFuture<>();
                firstSpec = trial;
                firstStarted.countDown();
                return first;
            }
            return CompletableFuture.completedFuture(TrialOutcome.completed(result(0.75), "second-worker", 0.1));
        }

        @Override
        public void stop(TrialSpec trial) {
            stopped.add(trial);
            if (trial.equals(firstSpec)) {
                first.complete(TrialOutcome.completed(result(0.25), "stopped-worker", 0.1));
            }
        }

        @Override
        public void close() {}
    }

    private static Map<String, Object> result(double accuracy) {
        return Map.of("status", "completed", "tasks", Map.of("t0", Map.of("accuracy", accuracy)),
                "validation", Map.of(), "history", List.of());
    }

    private List<SweepRunner.ResolvedTrial> oneTrial(Path out) {
        return new SweepRunner(mtl).resolve(ConfigSource.load(null, List.of("dataset=synthetic", "epochs=1",
                "sweep.seed=7", "progress=none")), out);
    }

    private CompletableFuture<Void> runSweep(ResultsDatabase db, ScriptedExecutor executor, Path out,
            List<SweepRunner.ResolvedTrial> trials, Supplier<RuntimeException> heartbeatFault) {
        SweepSettings settings = new SweepSettings("scripted", 1, 1, 0, "", false, false, Map.of());
        SweepCoordinator coordinator = new SweepCoordinator(db, executor, settings, out, "none", heartbeatFault);
        return CompletableFuture.runAsync(() -> coordinator.run(trials));
    }

    private static TrialRecord only(ResultsDatabase db) {
        List<TrialRecord> all = db.trials(null);
        assertEquals(1, all.size());
        return all.get(0);
    }

    @Test
    void aFailedHeartbeatStopsTheAttemptWhichIsNotRecordedAndTheTrialRunsAgain() throws Exception {
        Path out = dir.resolve("failing");
        List<SweepRunner.ResolvedTrial> trials = oneTrial(out);
        ScriptedExecutor executor = new ScriptedExecutor();
        try (ResultsDatabase db = ResultsDatabase.open("", out)) {
            // retries=0: the retry after the stop is the claim given back, not a retry of a failure
            CompletableFuture<Void> sweep = runSweep(db, executor, out, trials,
                    () -> executor.submitted.size() == 1 ? new IllegalStateException("database unreachable") : null);
            sweep.get(60, TimeUnit.SECONDS);

            assertEquals(1, executor.stopped.size(), "the attempt whose heartbeat failed is stopped");
            assertEquals(1, executor.stopped.get(0).attempt());
            assertEquals(2, executor.submitted.size());
            TrialRecord r = only(db);
            assertEquals("completed", r.status());
            assertEquals(2, r.attempts());
            assertEquals("second-worker", r.worker(), "the stopped attempt's completion is not recorded");
            assertEquals(0.75, db.metrics(r.id()).get(0).value());
        }
    }

    @Test
    void aClaimTakenOverByAnotherCoordinatorStopsTheAttemptAndOnlyTheOtherRecords() throws Exception {
        Path out = dir.resolve("taken-over");
        List<SweepRunner.ResolvedTrial> trials = oneTrial(out);
        ScriptedExecutor executor = new ScriptedExecutor();
        try (ResultsDatabase db = ResultsDatabase.open("", out);
                ResultsDatabase other = ResultsDatabase.open("", out)) {
            CompletableFuture<Void> sweep = runSweep(db, executor, out, trials, null);
            assertTrue(executor.firstStarted.await(30, TimeUnit.SECONDS));
            // another coordinator judges the claim stale (as if this one had stalled) and takes the trial over
            String id = trials.get(0).id();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (other.reclaimStale(Duration.ZERO) == 0) {
                assertTrue(System.nanoTime() < deadline, "never reclaimed"); // a heartbeat in the same millisecond
                Thread.sleep(1);
            }
            TrialClaim intruder = other.claim(id, "other-coordinator").orElseThrow();
            assertEquals(2, intruder.attempt());
            // the other coordinator keeps its claim alive, as a running one does
            while (executor.stopped.isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "the attempt was never stopped");
                assertEquals(Set.of(), other.heartbeat(List.of(intruder)));
                Thread.sleep(20);
            }
            // the stopped attempt reported a completion: the trial is still the other coordinator's
            for (int i = 0; i < 5; i++) {
                assertEquals(Set.of(), other.heartbeat(List.of(intruder)));
                Thread.sleep(100);
            }
            TrialRecord during = only(db);
            assertEquals("running", during.status());
            assertEquals("other-coordinator", during.owner());
            assertTrue(other.completed(intruder, result(0.5), "other-worker", 1));
            sweep.get(60, TimeUnit.SECONDS);

            assertEquals(1, executor.submitted.size(), "this sweep waited for the other instead of running it again");
            TrialRecord r = only(db);
            assertEquals("completed", r.status());
            assertEquals("other-worker", r.worker());
            assertEquals(0.5, db.metrics(r.id()).get(0).value());
        }
    }

    @Test
    void aHeartbeatThatHangsPastTheLeaseStopsTheAttempt() throws Exception {
        Path out = dir.resolve("hanging");
        List<SweepRunner.ResolvedTrial> trials = oneTrial(out);
        ScriptedExecutor executor = new ScriptedExecutor();
        try (ResultsDatabase db = ResultsDatabase.open("", out)) {
            long lease = SweepCoordinator.lease().toMillis();
            CompletableFuture<Void> sweep = runSweep(db, executor, out, trials, () -> {
                if (executor.submitted.size() == 1 && executor.stopped.isEmpty()) {
                    try {
                        Thread.sleep(3 * lease); // a connection that hangs: no answer, no error
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return null;
            });
            sweep.get(60, TimeUnit.SECONDS);

            assertEquals(1, executor.stopped.size(), "the attempt is stopped once its lease ran out");
            TrialRecord r = only(db);
            assertEquals("completed", r.status());
            assertEquals(2, r.attempts());
            assertEquals("second-worker", r.worker());
        }
    }

    @Test
    void theTimesKeepTheirOrder() {
        // P + B < L < S with the defaults, as the coordinator's class doc derives
        System.clearProperty("mtl.sweep.stale.seconds");
        long p = SweepCoordinator.heartbeatPeriod().toMillis();
        long b = ResultsDatabase.DEFAULT_BUSY_TIMEOUT_MS;
        long l = SweepCoordinator.lease().toMillis();
        long s = SweepCoordinator.staleAfter().toMillis();
        assertEquals(List.of(5_000L, 10_000L, 20_000L, 30_000L), List.of(p, b, l, s));
        assertTrue(p + b < l && l < s);
    }
}
