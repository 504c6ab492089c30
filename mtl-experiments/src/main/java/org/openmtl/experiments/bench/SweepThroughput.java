package org.openmtl.experiments.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.results.ResultsDatabase;
import org.openmtl.core.results.TrialRecord;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.sweep.SweepRunner;

/**
 * Sweep throughput of the local executor: the same grid of small trials with 1 worker JVM and then
 * with {@code --workers} of them, each trial at one intra-op thread, timed from the first claim to
 * the last result. Prints trials per minute for each, the speed-up (the goal is at least 0.9 × the
 * number of workers) and what a worker JVM costs per trial beyond its training (the attempt's wall
 * time minus the trial's own).
 *
 * <p>Usage: {@code SweepThroughput [--trials N] [--workers N] [--epochs N] [--examples N] [--dir DIR]}.
 */
public final class SweepThroughput {

    private SweepThroughput() {}

    /**
     * Runs the measurement.
     *
     * @param args see the class comment
     * @throws Exception if a sweep fails
     */
    public static void main(String[] args) throws Exception {
        int trials = 8;
        int workers = 2;
        int epochs = 8;
        int examples = 4096;
        Path dir = Files.createTempDirectory("mtl-sweep-throughput");
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--trials" -> trials = Integer.parseInt(value);
                case "--workers" -> workers = Integer.parseInt(value);
                case "--epochs" -> epochs = Integer.parseInt(value);
                case "--examples" -> examples = Integer.parseInt(value);
                case "--dir" -> dir = Path.of(value);
                default -> {
                    System.err.println("usage: SweepThroughput [--trials N] [--workers N] [--epochs N] [--examples N] [--dir DIR]");
                    System.exit(2);
                }
            }
        }
        MtlRuntime mtl = MtlRuntime.discover(Path.of("no-plugins"));
        List<String> seeds = new ArrayList<>();
        for (int s = 1; s <= trials; s++) {
            seeds.add(Integer.toString(s));
        }
        System.out.printf(Locale.ROOT, "%d trials (synthetic, 4 tasks, %d examples, %d epochs, 1 thread each)%n",
                trials, examples, epochs);
        double single = 0;
        for (int w : List.of(1, workers)) {
            Path out = dir.resolve("workers-" + w);
            List<String> values = List.of("dataset=synthetic", "dataset.synthetic.tasks=4",
                    "dataset.synthetic.train.examples=" + examples, "epochs=" + epochs, "batch.size=64", "progress=none",
                    "executor=local", "workers=" + w, "threads.per.trial=1", "sweep.seed=" + String.join(", ", seeds),
                    "output.dir=" + out);
            long begin = System.nanoTime();
            new SweepRunner(mtl).runTrials(ConfigSource.load(null, values), out, "none");
            double seconds = (System.nanoTime() - begin) / 1e9;
            double overhead = 0;
            int completed = 0;
            try (ResultsDatabase db = ResultsDatabase.open("", out)) {
                for (TrialRecord r : db.trials(null)) {
                    if ("completed".equals(r.status()) && r.seconds() != null) {
                        double own = ((Number) db.result(r.id()).orElseThrow().get("seconds")).doubleValue();
                        overhead += r.seconds() - own;
                        completed++;
                    }
                }
            }
            double perMinute = 60 * completed / seconds;
            if (w == 1) {
                single = perMinute;
            }
            System.out.printf(Locale.ROOT, "workers=%d: %d trials in %.1f s = %.1f trials/min; JVM start and hand-over %.2f s per"
                    + " trial%s%n", w, completed, seconds, perMinute, overhead / Math.max(1, completed),
                    w == 1 ? "" : String.format(Locale.ROOT, "; speed-up %.2f (goal >= %.2f)", perMinute / single, 0.9 * w));
        }
    }
}
