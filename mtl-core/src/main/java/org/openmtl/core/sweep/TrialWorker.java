package org.openmtl.core.sweep;

import com.google.gson.Gson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.train.Progress;

/**
 * The main class of a local worker JVM: runs the trials {@link LocalExecutor} hands it, one at a
 * time, and writes each outcome to the file named with it. A worker serves trial after trial, so
 * a sweep of small trials does not pay for a JVM start (class loading, the engine's native
 * library, JIT warm-up) per trial; a worker whose trial failed or died is replaced by a fresh one.
 *
 * <p>Protocol: standard input carries one {@code RUN <spec.json> <outcome.json>} line per trial;
 * standard output carries {@value #EPOCH_LINE} lines after each epoch, {@value #DONE_LINE} once the
 * outcome file is written (atomically), and everything else the trial prints (its log, merged with
 * standard error), which the executor copies to the trial's log. End of input ends the worker.
 * The worker stops too when the sweep's JVM dies, even by kill -9, so that a later run of the
 * sweep never finds two workers on one trial.
 */
public final class TrialWorker {

    /** The prefix of the progress lines on standard output. */
    static final String EPOCH_LINE = "@mtl-epoch";

    /** The line that says an outcome file is complete. */
    static final String DONE_LINE = "@mtl-done";

    private TrialWorker() {}

    /**
     * Serves trials until standard input ends.
     *
     * @param args the worker's name
     * @throws IOException if a spec cannot be read or an outcome cannot be written
     */
    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: TrialWorker WORKER-NAME   (then RUN <spec.json> <outcome.json> lines on standard input)");
            System.exit(2);
        }
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        PrintStream out = System.out;
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                java.nio.charset.StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] command = line.trim().split(" ");
            if (command.length != 3 || !command[0].equals("RUN")) {
                System.err.println("TrialWorker: unreadable command: " + line);
                System.exit(2);
            }
            Map<String, Object> spec = new Gson().fromJson(Files.readString(Path.of(command[1])), Map.class);
            Map<String, String> values = new LinkedHashMap<>();
            ((Map<String, Object>) spec.get("values")).forEach((k, v) -> values.put(k, String.valueOf(v)));
            TrialSpec trial = new TrialSpec((String) spec.get("id"), values, ((Number) spec.get("attempt")).intValue());
            resetPeakMemory();
            TrialOutcome outcome = TrialRunner.run(trial, progress(out), args[0]);
            ResultFiles.writeJson(Path.of(command[2]), toMap(outcome));
            out.println(DONE_LINE);
            out.flush();
        }
        System.exit(0);
    }

    private static Progress progress(PrintStream out) {
        return new Progress() {
            private int epoch;
            private int epochs;

            @Override
            public void epochStarted(int epoch, int epochs, int steps, String phase) {
                this.epoch = epoch;
                this.epochs = epochs;
            }

            @Override
            public void epochEnded(String summary) {
                out.println(EPOCH_LINE + " " + epoch + " " + epochs);
                out.flush();
            }
        };
    }

    /**
     * Resets the kernel's peak-resident-memory mark of this process (Linux: {@code 5} into {@code
     * /proc/self/clear_refs}), so that the {@code peak_rss_mb} a trial reports is its own, not its
     * predecessor's in this worker. Where that is not possible, the figure is the worker's peak.
     */
    private static void resetPeakMemory() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not Linux, or not allowed: the peak then covers the worker's earlier trials too
        }
    }

    /**
     * An outcome as a plain map (the form in which it crosses process boundaries).
     *
     * @param outcome the outcome
     * @return the map
     */
    public static Map<String, Object> toMap(TrialOutcome outcome) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", outcome.status().name());
        m.put("reason", outcome.reason());
        m.put("worker", outcome.worker());
        m.put("seconds", outcome.seconds());
        m.put("result", outcome.result());
        return m;
    }

    /**
     * An outcome from its plain map.
     *
     * @param m the map written by {@link #toMap}
     * @return the outcome
     */
    @SuppressWarnings("unchecked")
    public static TrialOutcome fromMap(Map<String, Object> m) {
        return new TrialOutcome(TrialOutcome.Status.valueOf((String) m.get("status")),
                (Map<String, Object>) m.get("result"), (String) m.get("reason"), (String) m.get("worker"),
                m.get("seconds") instanceof Number n ? n.doubleValue() : 0.0);
    }

    /**
     * A spec as a plain map.
     *
     * @param trial the trial
     * @return the map
     */
    public static Map<String, Object> toMap(TrialSpec trial) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", trial.id());
        m.put("attempt", trial.attempt());
        m.put("values", new java.util.TreeMap<>(trial.values()));
        return m;
    }
}
