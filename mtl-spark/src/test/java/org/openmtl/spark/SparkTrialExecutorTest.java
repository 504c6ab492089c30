package org.openmtl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openmtl.core.sweep.TrialExecutor;
import org.openmtl.core.sweep.TrialOutcome;
import org.openmtl.core.sweep.TrialRunner;
import org.openmtl.core.sweep.TrialSpec;
import org.openmtl.core.train.MultiTaskTrainer;
import org.openmtl.core.train.Progress;

/**
 * Trials on two executor JVMs of {@code local-cluster[2,1,2048]}: the same metrics as in this JVM
 * for the same seed, both executors used, and a killed executor's trial ends as LOST.
 *
 * <p>Needs {@code SPARK_HOME} (target/spark-home) and {@code SPARK_LOCAL_IP}, which the build sets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkTrialExecutorTest {

    private static final Pattern EXECUTOR_ID = Pattern.compile("spark executor (\\S+)");

    private Path root;
    private SparkTrialExecutor spark;

    @BeforeAll
    void startTwoExecutors() throws IOException {
        root = Path.of("target", "spark-executor-test").toAbsolutePath();
        deleteTree(root);
        Files.createDirectories(root);
        spark = new SparkTrialExecutor(Map.of("spark.master", "local-cluster[2,1,2048]", "output.dir", root.toString(),
                "spark.ui.enabled", "false"));
    }

    @AfterAll
    void stop() {
        if (spark != null) {
            spark.close();
        }
    }

    /** A small trial on planted synthetic tasks: a few seconds, most of it the engine's start. */
    static Map<String, String> trial(String weighting, int seed, int epochs, int examples, Path out) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("dataset", "synthetic");
        v.put("dataset.synthetic.tasks", "2");
        v.put("dataset.synthetic.train.examples", Integer.toString(examples));
        v.put("dataset.synthetic.validation.examples", "64");
        v.put("dataset.synthetic.test.examples", "128");
        v.put("architecture", "hard-sharing");
        v.put("architecture.hard-sharing.mlp.hidden", "16");
        v.put("weighting", weighting);
        v.put("selector", "all");
        v.put("optimizer", "adam");
        v.put("optimizer.adam.lr", "0.01");
        v.put("epochs", Integer.toString(epochs));
        v.put("batch.size", "32");
        v.put("threads", "1");
        v.put("seed", Integer.toString(seed));
        v.put("output.dir", out.toString());
        return v;
    }

    @Test
    @Order(1)
    void trialsOnTwoExecutors_matchTheSameTrialsInThisJvm() throws Exception {
        assertEquals(2, spark.slots());
        List<TrialSpec> onSpark = new ArrayList<>();
        List<TrialSpec> here = new ArrayList<>();
        for (String weighting : List.of("equal", "uncertainty")) {
            for (int seed : List.of(1, 2)) {
                String id = weighting + "-" + seed;
                onSpark.add(new TrialSpec(id, trial(weighting, seed, 2, 256, root.resolve("spark").resolve(id)), 1));
                here.add(new TrialSpec(id, trial(weighting, seed, 2, 256, root.resolve("local").resolve(id)), 1));
            }
        }
        List<CompletableFuture<TrialOutcome>> futures = new ArrayList<>();
        for (TrialSpec t : onSpark) {
            futures.add(spark.submit(t, new TrialExecutor.TrialListener() {}));
        }
        Set<String> executors = new TreeSet<>();
        for (int i = 0; i < onSpark.size(); i++) {
            TrialOutcome remote = futures.get(i).get(90, TimeUnit.SECONDS);
            assertEquals(TrialOutcome.Status.COMPLETED, remote.status(), () -> "on Spark: " + remote.reason());
            Matcher m = EXECUTOR_ID.matcher(remote.worker());
            assertTrue(m.find(), remote.worker());
            executors.add(m.group(1));
            assertTrue(Files.isRegularFile(Path.of(onSpark.get(i).values().get("output.dir"), "result.json")));

            TrialOutcome local = TrialRunner.run(here.get(i), Progress.forMode("none"), "this JVM");
            assertEquals(TrialOutcome.Status.COMPLETED, local.status(), () -> "in this JVM: " + local.reason());
            assertSameMetrics(onSpark.get(i).id(), local.result().get("tasks"), remote.result().get("tasks"));
        }
        assertEquals(2, executors.size(), "trials ran on executors " + executors);
    }

    /** Every test metric of every task, bit for bit: a seed fixes a run, whichever JVM runs it. */
    @SuppressWarnings("unchecked")
    private static void assertSameMetrics(String trial, Object expected, Object actual) {
        Map<String, Map<String, Object>> e = (Map<String, Map<String, Object>>) expected;
        Map<String, Map<String, Object>> a = (Map<String, Map<String, Object>>) actual;
        assertEquals(e.keySet(), a.keySet(), trial + ": tasks");
        assertTrue(!e.isEmpty(), trial + ": no test metrics");
        e.forEach((task, metrics) -> {
            assertEquals(metrics.keySet(), a.get(task).keySet(), trial + ": metrics of " + task);
            metrics.forEach((metric, value) -> {
                double x = ((Number) value).doubleValue();
                double y = ((Number) a.get(task).get(metric)).doubleValue();
                assertEquals(x, y, trial + ": " + task + " " + metric);
            });
        });
    }

    @Test
    @Order(2)
    void killedExecutorJvm_endsItsTrialAsLost() throws Exception {
        CompletableFuture<String> started = new CompletableFuture<>();
        // long enough to be killed mid-training: hundreds of epochs of a larger split
        TrialSpec longTrial = new TrialSpec("long", trial("equal", 3, 500, 2048, root.resolve("spark/long")), 1);
        CompletableFuture<TrialOutcome> outcome = spark.submit(longTrial, new TrialExecutor.TrialListener() {
            @Override
            public void started(String worker) {
                started.complete(worker);
            }
        });
        String worker = started.get(60, TimeUnit.SECONDS);
        Matcher m = EXECUTOR_ID.matcher(worker);
        assertTrue(m.find(), worker);
        ProcessHandle executor = executorProcess(m.group(1)).orElseThrow(() -> new AssertionError("no JVM of " + worker));
        Thread.sleep(2000); // inside the trial: the engine loaded, training under way
        assertTrue(executor.destroyForcibly(), "kill -9 " + executor.pid());

        TrialOutcome lost = outcome.get(60, TimeUnit.SECONDS);
        assertEquals(TrialOutcome.Status.LOST, lost.status(), () -> lost.status() + ": " + lost.reason());
        assertNotNull(lost.reason());
        assertTrue(lost.reason().contains("xecutor"), lost.reason());
        assertTrue(lost.worker().contains("spark executor " + m.group(1)), lost.worker());

        // the application goes on: Spark starts another executor and the next trial completes
        TrialOutcome after = spark.submit(new TrialSpec("after", trial("equal", 4, 1, 64, root.resolve("spark/after")), 1),
                new TrialExecutor.TrialListener() {}).get(90, TimeUnit.SECONDS);
        assertEquals(TrialOutcome.Status.COMPLETED, after.status(), () -> "after the kill: " + after.reason());
    }

    @Test
    @Order(3)
    void stoppedAttempt_endsAtItsNextStepAndItsExecutorServesOn() throws Exception {
        CompletableFuture<String> started = new CompletableFuture<>();
        Path out = root.resolve("spark/stopped");
        TrialSpec longTrial = new TrialSpec("stopped", trial("equal", 5, 500, 2048, out), 1);
        long submitted = System.nanoTime();
        CompletableFuture<TrialOutcome> outcome = spark.submit(longTrial, new TrialExecutor.TrialListener() {
            @Override
            public void started(String worker) {
                started.complete(worker);
            }
        });
        String worker = started.get(60, TimeUnit.SECONDS);
        Matcher m = EXECUTOR_ID.matcher(worker);
        assertTrue(m.find(), worker);
        ProcessHandle executor = executorProcess(m.group(1)).orElseThrow(() -> new AssertionError("no JVM of " + worker));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!MultiTaskTrainer.hasCheckpoint(out)) { // training under way, checkpoints being written
            assertTrue(System.nanoTime() < deadline, "no checkpoint written in time");
            Thread.sleep(100);
        }
        spark.stop(longTrial);

        TrialOutcome stopped = outcome.get(60, TimeUnit.SECONDS);
        assertNotEquals(TrialOutcome.Status.COMPLETED, stopped.status(), stopped::reason);
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - submitted) < 240,
                "ended long before its 500 epochs");
        assertTrue(executor.isAlive(), "the executor JVM is not killed, only the task");
        // its checkpoint is intact: a later attempt would resume from it
        assertTrue(MultiTaskTrainer.hasCheckpoint(out));
        TrialOutcome after = spark.submit(new TrialSpec("after-stop", trial("equal", 6, 1, 64, root.resolve("spark/after-stop")), 1),
                new TrialExecutor.TrialListener() {}).get(90, TimeUnit.SECONDS);
        assertEquals(TrialOutcome.Status.COMPLETED, after.status(), () -> "after the stop: " + after.reason());
    }

    /** The executor JVM of an id: a child of this JVM in local-cluster mode, found by its command line. */
    private static Optional<ProcessHandle> executorProcess(String executorId) {
        return ProcessHandle.current().descendants().filter(p -> {
            List<String> args = commandLine(p.pid());
            int at = args.indexOf("--executor-id");
            return args.stream().anyMatch(a -> a.endsWith("CoarseGrainedExecutorBackend"))
                    && at >= 0 && at + 1 < args.size() && args.get(at + 1).equals(executorId);
        }).findFirst();
    }

    /** /proc/PID/cmdline: ProcessHandle.Info leaves the arguments out of very long command lines. */
    private static List<String> commandLine(long pid) {
        try {
            return List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\u0000"));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
