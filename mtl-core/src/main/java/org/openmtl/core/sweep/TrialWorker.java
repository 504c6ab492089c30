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
 * The main class of a local worker JVM: runs the one trial described by a spec file and writes its
 * outcome next to it. Started by {@link LocalExecutor}; one trial per JVM, so every trial has the
 * engine (and its one gradient collector) to itself and its peak memory is its own.
 *
 * <p>Usage: {@code TrialWorker SPEC.json OUTCOME.json WORKER-NAME}. Standard output carries one
 * {@value #EPOCH_LINE} line per finished epoch for the parent's progress display; the outcome file
 * is written atomically as the last act, so a worker that dies leaves none and the parent knows the
 * attempt was lost.
 */
public final class TrialWorker {

    /** The prefix of the progress lines on standard output. */
    static final String EPOCH_LINE = "@mtl-epoch";

    private TrialWorker() {}

    /**
     * Runs the trial.
     *
     * @param args the spec file, the outcome file and the worker's name
     * @throws IOException if the spec cannot be read or the outcome cannot be written
     */
    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: TrialWorker SPEC.json OUTCOME.json WORKER-NAME");
            System.exit(2);
        }
        Map<String, Object> spec = new Gson().fromJson(Files.readString(Path.of(args[0])), Map.class);
        Map<String, String> values = new LinkedHashMap<>();
        ((Map<String, Object>) spec.get("values")).forEach((k, v) -> values.put(k, String.valueOf(v)));
        TrialSpec trial = new TrialSpec((String) spec.get("id"), values, ((Number) spec.get("attempt")).intValue());
        // a worker outlives no sweep: when the sweep's JVM dies (even by kill -9) the trial stops too,
        // so a later run of the sweep never finds two workers on one trial directory
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
        PrintStream out = System.out;
        Progress progress = new Progress() {
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
        TrialOutcome outcome = TrialRunner.run(trial, progress, args[2]);
        ResultFiles.writeJson(Path.of(args[1]), toMap(outcome));
        System.exit(0);
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
