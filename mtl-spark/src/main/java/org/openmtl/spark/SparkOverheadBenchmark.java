package org.openmtl.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.openmtl.core.sweep.TrialExecutor;
import org.openmtl.core.sweep.TrialOutcome;
import org.openmtl.core.sweep.TrialRunner;
import org.openmtl.core.sweep.TrialSpec;
import org.openmtl.core.train.Progress;

/**
 * What running a trial through Spark costs beyond the trial itself: the same tiny trials in this
 * JVM and through {@link SparkTrialExecutor}, one at a time (the latency a trial pays) and with
 * every slot busy (the throughput a sweep gets).
 *
 * <pre>
 * mvn -B -pl mtl-spark -am package -DskipTests
 * SPARK_HOME=mtl-spark/target/spark-home SPARK_LOCAL_IP=127.0.0.1 OPT_OUT_TRACKING=true \
 *   java -Dai.djl.offline=true -cp "mtl-spark/target/lib/*" org.openmtl.spark.SparkOverheadBenchmark [trials] [master] [dir]
 * </pre>
 *
 * Defaults: 8 trials, {@code local-cluster[2,1,2048]}, {@code target/spark-overhead-benchmark}.
 * Warm-up trials (one in this JVM, one per executor) load the engine and are not counted.
 */
public final class SparkOverheadBenchmark {

    private SparkOverheadBenchmark() {}

    /**
     * Runs the benchmark and prints its table.
     *
     * @param args trials, master, output directory (all optional)
     * @throws Exception if a trial does not complete
     */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        String master = args.length > 1 ? args[1] : "local-cluster[2,1,2048]";
        Path dir = Path.of(args.length > 2 ? args[2] : "target/spark-overhead-benchmark").toAbsolutePath();
        if (Files.exists(dir)) {
            deleteTree(dir);
        }

        // in this JVM: one warm-up, then n trials one after another
        run(TrialRunner.run(spec("warm", 0, dir.resolve("local")), Progress.forMode("none"), "this JVM"));
        double local = 0;
        for (int i = 1; i <= n; i++) {
            local += run(TrialRunner.run(spec("t" + i, i, dir.resolve("local")), Progress.forMode("none"), "this JVM")).seconds();
        }
        local /= n;

        long t0 = System.nanoTime();
        try (SparkTrialExecutor spark = new SparkTrialExecutor(Map.of("spark.master", master, "output.dir", dir.toString(),
                "spark.ui.enabled", "false"))) {
            double start = (System.nanoTime() - t0) / 1e9;
            int slots = spark.slots();
            List<CompletableFuture<TrialOutcome>> warm = new ArrayList<>();
            for (int i = 0; i < slots; i++) {
                warm.add(spark.submit(spec("warm" + i, 0, dir.resolve("spark-warm")), new TrialExecutor.TrialListener() {}));
            }
            for (CompletableFuture<TrialOutcome> f : warm) {
                run(f.get());
            }
            double latency = 0;
            for (int i = 1; i <= n; i++) {
                latency += run(spark.submit(spec("t" + i, i, dir.resolve("spark-serial")), new TrialExecutor.TrialListener() {}).get())
                        .seconds();
            }
            latency /= n;
            // every slot busy: as a sweep keeps slots() trials in flight
            long t1 = System.nanoTime();
            List<CompletableFuture<TrialOutcome>> all = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                all.add(spark.submit(spec("t" + i, i, dir.resolve("spark-parallel")), new TrialExecutor.TrialListener() {}));
            }
            for (CompletableFuture<TrialOutcome> f : all) {
                run(f.get());
            }
            double wallPerTrial = (System.nanoTime() - t1) / 1e9 / n;

            System.out.printf(Locale.ROOT, "%d trials (synthetic, 2 tasks, 256 examples, hard-sharing, 1 epoch, threads=1), master %s, %d slot(s)%n",
                    n, master, slots);
            System.out.printf(Locale.ROOT, "Spark application start (context + executors registered): %.2f s%n", start);
            System.out.printf(Locale.ROOT, "in this JVM, one at a time:        %.3f s/trial%n", local);
            System.out.printf(Locale.ROOT, "on Spark, one at a time:           %.3f s/trial (overhead %+.3f s/trial)%n", latency, latency - local);
            System.out.printf(Locale.ROOT, "on Spark, %d in flight:             %.3f s/trial of wall time%n", slots, wallPerTrial);
        }
    }

    private static TrialOutcome run(TrialOutcome o) {
        if (o.status() != TrialOutcome.Status.COMPLETED) {
            throw new IllegalStateException("a benchmark trial did not complete: " + o.status() + " " + o.reason());
        }
        return o;
    }

    private static TrialSpec spec(String id, int seed, Path root) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("dataset", "synthetic");
        v.put("dataset.synthetic.tasks", "2");
        v.put("dataset.synthetic.train.examples", "256");
        v.put("dataset.synthetic.validation.examples", "64");
        v.put("dataset.synthetic.test.examples", "128");
        v.put("architecture", "hard-sharing");
        v.put("architecture.hard-sharing.mlp.hidden", "16");
        v.put("weighting", "equal");
        v.put("selector", "all");
        v.put("optimizer", "adam");
        v.put("epochs", "1");
        v.put("batch.size", "32");
        v.put("threads", "1");
        v.put("seed", Integer.toString(seed));
        v.put("output.dir", root.resolve(id).toString());
        return new TrialSpec(id, v, 1);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
