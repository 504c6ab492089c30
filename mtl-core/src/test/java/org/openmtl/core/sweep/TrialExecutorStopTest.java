package org.openmtl.core.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.train.MultiTaskTrainer;
import org.openmtl.core.train.Progress;

/**
 * What {@link TrialExecutor#stop} does to a running attempt: the local executor kills its worker
 * JVM, the inline executor ends the run at its next step. Either way the attempt ends long before
 * its training would, and the checkpoints it wrote stay complete for the next attempt.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TrialExecutorStopTest {

    @TempDir Path dir;

    /** A trial of hundreds of epochs: it never ends by itself within the test. */
    private static TrialSpec longTrial(Path out) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("dataset", "synthetic");
        v.put("dataset.synthetic.tasks", "2");
        v.put("dataset.synthetic.train.examples", "512");
        v.put("dataset.synthetic.validation.examples", "32");
        v.put("dataset.synthetic.test.examples", "32");
        v.put("epochs", "500");
        v.put("batch.size", "32");
        v.put("threads", "1");
        v.put("progress", "none");
        v.put("diagnostics.gradients", "false");
        v.put("output.dir", out.toString());
        return new TrialSpec("long", v, 1);
    }

    private static void awaitCheckpoint(Path out, CompletableFuture<TrialOutcome> outcome) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!MultiTaskTrainer.hasCheckpoint(out)) {
            assertTrue(System.nanoTime() < deadline, "no checkpoint written in time");
            assertTrue(!outcome.isDone(), () -> "ended before it was stopped: " + outcome.join());
            Thread.sleep(50);
        }
    }

    @Test
    void theLocalExecutorKillsTheWorkerOfAStoppedAttempt() throws Exception {
        Path out = dir.resolve("trials/long");
        TrialSpec trial = longTrial(out);
        try (LocalExecutor executor = new LocalExecutor(1)) {
            CompletableFuture<TrialOutcome> outcome = executor.submit(trial, new TrialExecutor.TrialListener() {});
            awaitCheckpoint(out, outcome);
            long stopped = System.nanoTime();
            executor.stop(trial);
            TrialOutcome o = outcome.get(60, TimeUnit.SECONDS);
            assertEquals(TrialOutcome.Status.LOST, o.status(), o.reason());
            assertTrue(o.reason().contains("SIGKILL"), o.reason());
            assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stopped) < 30, "ended at once");
            assertTrue(MultiTaskTrainer.hasCheckpoint(out), "its last complete checkpoint stays");
        }
    }

    @Test
    void theInlineExecutorEndsAStoppedAttemptAtItsNextStep() throws Exception {
        Path out = dir.resolve("inline/long");
        TrialSpec trial = longTrial(out);
        InlineExecutor executor = new InlineExecutor(Progress.forMode("none"));
        // the inline executor runs the trial on the caller's thread: the sweep's heartbeat stops it from another
        CompletableFuture<TrialOutcome> outcome = CompletableFuture.supplyAsync(
                () -> executor.submit(trial, new TrialExecutor.TrialListener() {}).join());
        awaitCheckpoint(out, outcome);
        executor.stop(trial);
        TrialOutcome o = outcome.get(60, TimeUnit.SECONDS);
        assertEquals(TrialOutcome.Status.FAILED, o.status(), o.reason());
        assertTrue(o.reason().contains("the sweep stopped attempt 1"), o.reason());
        assertTrue(MultiTaskTrainer.hasCheckpoint(out));
        // a stop for an attempt that is not running changes nothing for the next one
        executor.stop(trial);
        TrialSpec shortTrial = new TrialSpec("short", Map.of("dataset", "synthetic", "epochs", "1", "progress", "none",
                "dataset.synthetic.train.examples", "64", "output.dir", dir.resolve("inline/short").toString()), 1);
        assertEquals(TrialOutcome.Status.COMPLETED, executor.submit(shortTrial, new TrialExecutor.TrialListener() {}).join().status());
    }
}
