package org.openmtl.core.adapt;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of {@code ./mtl adapt}'s loop over trials: a line per finished trial, and in a terminal
 * a bar over the running trial's steps; or nothing.
 */
abstract class AdaptProgress {

    /**
     * The display for the {@code progress} key.
     *
     * @param mode {@code auto}, {@code bar}, {@code plain} or {@code none}
     * @return the display
     */
    static AdaptProgress forMode(String mode) {
        return switch (mode) {
            case "none" -> new AdaptProgress() {};
            case "bar" -> new Lines(System.out, true);
            case "plain" -> new Lines(System.out, false);
            default -> new Lines(System.out, System.console() != null);
        };
    }

    /**
     * A trial starts.
     *
     * @param index the trial, from 1
     * @param total the trials of the command
     * @param k examples per class
     * @param draw the draw, from 0
     * @param draws draws per k
     * @param mode the mode's name
     * @param steps the trial's steps
     */
    void trialStarted(int index, int total, int k, int draw, int draws, String mode, int steps) {}

    /**
     * A step ended.
     *
     * @param step the step, from 1
     * @param loss its loss
     */
    void stepEnded(int step, double loss) {}

    /**
     * A trial ended.
     *
     * @param summary one line on its result
     */
    void trialEnded(String summary) {}

    private static final class Lines extends AdaptProgress {
        private final PrintStream out;
        private final boolean bar;
        private String label = "";
        private int steps;
        private long started;
        private long lastDraw;

        Lines(PrintStream out, boolean bar) {
            this.out = out;
            this.bar = bar;
        }

        @Override
        void trialStarted(int index, int total, int k, int draw, int draws, String mode, int steps) {
            this.label = String.format(Locale.ROOT, "[%d/%d]", index, total);
            this.steps = steps;
            this.started = System.nanoTime();
            this.lastDraw = 0;
            if (bar) {
                out.printf(Locale.ROOT, "\r%s k=%d draw %d/%d %s ", label, k, draw + 1, draws, mode);
                out.flush();
            }
        }

        @Override
        void stepEnded(int step, double loss) {
            if (!bar) {
                return;
            }
            long now = System.nanoTime();
            if (step != steps && now - lastDraw < 100_000_000L) {
                return;
            }
            lastDraw = now;
            int width = 30;
            int filled = (int) ((long) width * step / steps);
            out.printf(Locale.ROOT, "\r%s [%s%s] step %d/%d loss %.4f %.1fs  ", label, "=".repeat(filled),
                    " ".repeat(width - filled), step, steps, loss, (now - started) / 1e9);
            out.flush();
        }

        @Override
        void trialEnded(String summary) {
            if (bar) {
                out.print("\r\033[K");
            }
            out.println(label + " " + summary);
            out.flush();
        }
    }
}
