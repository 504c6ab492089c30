package org.openmtl.experiments.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.openmtl.core.train.Progress;

/**
 * Times the trainer's steps from the outside: a step's wall time is the time between two
 * consecutive {@link #stepEnded} calls, and the first step of an epoch is timed from {@link
 * #epochStarted}, so the evaluation the trainer runs between epochs never counts as a step.
 */
final class StepTimer extends Progress {

    private final LongSupplier nanoClock;
    private final List<Double> stepMillis = new ArrayList<>();
    private final PageFaults faults;
    private long last = -1;

    /** A timer on {@link System#nanoTime()}. */
    StepTimer() {
        this(System::nanoTime, new PageFaults());
    }

    /**
     * A timer on a given clock.
     *
     * @param nanoClock monotonic nanoseconds
     * @param faults counts page faults after each step (its reading is not step time), or null
     */
    StepTimer(LongSupplier nanoClock, PageFaults faults) {
        this.nanoClock = nanoClock;
        this.faults = faults;
    }

    @Override
    public void epochStarted(int epoch, int epochs, int steps, String phase) {
        last = nanoClock.getAsLong();
    }

    @Override
    public void stepEnded(int step, double meanLoss) {
        long now = nanoClock.getAsLong();
        if (last < 0) {
            throw new IllegalStateException("a step ended before any epoch started");
        }
        stepMillis.add((now - last) / 1e6);
        if (faults != null) {
            faults.stepEnded();
            now = nanoClock.getAsLong();
        }
        last = now;
    }

    @Override
    public void epochEnded(String summary) {
        // what happens after an epoch (evaluation, checkpoints) belongs to no step
        last = -1;
    }

    /**
     * Every step's wall time so far, in the order run, over all epochs.
     *
     * @return milliseconds per step
     */
    double[] stepMillis() {
        return stepMillis.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * The page faults counted after each step.
     *
     * @return the counter, or null
     */
    PageFaults faults() {
        return faults;
    }
}
