package org.openmtl.core.train;

import java.io.PrintStream;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows training progress: a bar redrawn in place when standard output is a terminal, one log line
 * per epoch otherwise, or nothing.
 */
public abstract class Progress {

    private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

    /**
     * Chooses the display for the {@code progress} key.
     *
     * @param mode {@code auto}, {@code bar}, {@code plain} or {@code none}
     * @return the display
     */
    public static Progress forMode(String mode) {
        switch (mode) {
            case "none":
                return new Progress() {};
            case "bar":
                return new Bar(System.out);
            case "plain":
                return new Plain();
            default:
                return System.console() != null ? new Bar(System.out) : new Plain();
        }
    }

    /**
     * An epoch starts.
     *
     * @param epoch the epoch, from 1
     * @param epochs the total
     * @param steps the epoch's steps
     * @param phase the training phase's name
     */
    public void epochStarted(int epoch, int epochs, int steps, String phase) {}

    /**
     * A step ended.
     *
     * @param step the step within the epoch, from 1
     * @param meanLoss the mean of the step's task losses
     */
    public void stepEnded(int step, double meanLoss) {}

    /**
     * An epoch ended.
     *
     * @param summary one line on the epoch's results
     */
    public void epochEnded(String summary) {}

    /** A bar that redraws itself on one terminal line. */
    private static final class Bar extends Progress {
        private final PrintStream out;
        private int epoch;
        private int epochs;
        private int steps;
        private long started;
        private long lastDraw;

        Bar(PrintStream out) {
            this.out = out;
        }

        @Override
        public void epochStarted(int epoch, int epochs, int steps, String phase) {
            this.epoch = epoch;
            this.epochs = epochs;
            this.steps = steps;
            this.started = System.nanoTime();
            this.lastDraw = 0;
        }

        @Override
        public void stepEnded(int step, double meanLoss) {
            long now = System.nanoTime();
            if (step != steps && now - lastDraw < 100_000_000L) {
                return;
            }
            lastDraw = now;
            int width = 30;
            int filled = steps == 0 ? width : (int) ((long) width * step / steps);
            double elapsed = (now - started) / 1e9;
            double eta = step == 0 ? 0 : elapsed * (steps - step) / step;
            out.printf(Locale.ROOT, "\repoch %d/%d [%s%s] %d/%d loss %.4f  %.1fs eta %.0fs  ",
                    epoch, epochs, "=".repeat(filled), " ".repeat(width - filled), step, steps, meanLoss, elapsed, eta);
            out.flush();
        }

        @Override
        public void epochEnded(String summary) {
            out.print("\r\033[K");
            out.println(summary);
        }
    }

    /** One log line per epoch. */
    private static final class Plain extends Progress {
        @Override
        public void epochEnded(String summary) {
            LOG.info(summary);
        }
    }
}
