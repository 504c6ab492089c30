package org.openmtl.core.sweep;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The progress of a sweep: done, failed and running trials with an estimate of the time left, as
 * one line redrawn in place in a terminal (with each running trial's epoch), or as log lines.
 */
class SweepProgress {

    private static final Logger LOG = LoggerFactory.getLogger(SweepProgress.class);

    private final int total;
    private final int slots;
    private final long begin = System.nanoTime();
    private final Map<String, String> running = new ConcurrentHashMap<>();
    private int done;
    private int failed;
    private int kept;
    private double trialSeconds;
    private int timed;

    SweepProgress(int total, int slots) {
        this.total = total;
        this.slots = slots;
    }

    /**
     * Chooses the display.
     *
     * @param mode the {@code progress} key's value: auto, bar, plain or none
     * @param total the trials of the sweep
     * @param slots how many run at once
     * @return the display
     */
    static SweepProgress forMode(String mode, int total, int slots) {
        switch (mode) {
            case "none":
                return new SweepProgress(total, slots);
            case "bar":
                return new Bar(total, slots, System.out);
            case "plain":
                return new Plain(total, slots);
            default:
                return System.console() != null ? new Bar(total, slots, System.out) : new Plain(total, slots);
        }
    }

    synchronized void kept(String label) {
        kept++;
        done++;
        show("kept (completed earlier): " + label);
    }

    synchronized void started(String id, String label, String worker, int attempt) {
        running.put(id, "starting");
        show("started " + shortId(id) + " " + label + " on " + worker + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
    }

    synchronized void epoch(String id, int epoch, int epochs) {
        running.put(id, epoch + "/" + epochs);
        redraw();
    }

    synchronized void finished(String id, String label, TrialOutcome outcome, String verdict) {
        running.remove(id);
        if (verdict.equals("completed")) {
            done++;
            trialSeconds += outcome.seconds();
            timed++;
        } else if (verdict.equals("failed")) {
            failed++;
        }
        String line = switch (verdict) {
            case "completed" -> "completed " + shortId(id) + " " + label + String.format(Locale.ROOT, " in %.1fs", outcome.seconds());
            case "retry" -> "will retry " + shortId(id) + " " + label + ": " + outcome.reason();
            case "stopped" -> "stopped " + shortId(id) + " " + label + ", not recorded: " + outcome.reason();
            default -> "FAILED " + shortId(id) + " " + label + ": " + outcome.reason();
        };
        show(line);
    }

    synchronized void waiting(int others) {
        show("waiting for " + others + " trial(s) running in another sweep on the same database");
    }

    void close() {}

    /** A permanent line (or log line) and the status. */
    void show(String line) {}

    /** Redraws the status line where there is one. */
    void redraw() {}

    String status() {
        double elapsed = (System.nanoTime() - begin) / 1e9;
        int left = total - done - failed;
        String eta = timed == 0 ? "?" : duration(trialSeconds / timed * Math.ceil((double) left / Math.max(1, slots)));
        return String.format(Locale.ROOT, "%d/%d done, %d failed, %d running, %s elapsed, eta %s", done, total, failed,
                running.size(), duration(elapsed), left == 0 ? "0s" : eta);
    }

    Map<String, String> running() {
        return running;
    }

    int total() {
        return total;
    }

    int finishedCount() {
        return done + failed;
    }

    static String shortId(String id) {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s";
        }
        return (s / 3600) + "h" + String.format(Locale.ROOT, "%02d", (s % 3600) / 60) + "m";
    }

    /** Log lines: one per event, with the sweep's status. */
    private static final class Plain extends SweepProgress {
        Plain(int total, int slots) {
            super(total, slots);
        }

        @Override
        void show(String line) {
            LOG.info("{} [{}]", line, status());
        }
    }

    /** A status line redrawn in place, events printed above it. */
    private static final class Bar extends SweepProgress {
        private final PrintStream out;
        private long lastDraw;

        Bar(int total, int slots, PrintStream out) {
            super(total, slots);
            this.out = out;
        }

        @Override
        void show(String line) {
            out.print("\r\033[K");
            out.println(line);
            lastDraw = 0;
            redraw();
        }

        @Override
        void redraw() {
            long now = System.nanoTime();
            if (now - lastDraw < 200_000_000L) {
                return;
            }
            lastDraw = now;
            int width = 24;
            int filled = total() == 0 ? width : width * finishedCount() / total();
            StringBuilder trials = new StringBuilder();
            running().forEach((id, epoch) -> trials.append(' ').append(shortId(id)).append(':').append(epoch));
            out.print("\r\033[Ksweep [" + "#".repeat(filled) + ".".repeat(width - filled) + "] " + status() + trials);
            out.flush();
        }

        @Override
        void close() {
            lastDraw = 0;
            redraw();
            out.println();
        }
    }
}
