package org.openmtl.experiments.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Splits each step's wall time into named phases. On the CPU engine every operation has finished
 * when its Java call returns, so the time between two marks is the time of the work in between.
 * A mark costs one {@link System#nanoTime()} (tens of nanoseconds), nothing next to a step.
 */
final class PhaseClock {

    private final List<String> phases;
    private final List<long[]> steps = new ArrayList<>();
    private long[] current;
    private long last;

    /**
     * A clock for the given phases.
     *
     * @param phases the phase names, in step order
     */
    PhaseClock(List<String> phases) {
        this.phases = List.copyOf(phases);
    }

    /** A step begins: the time from now on belongs to its phases. */
    void startStep() {
        current = new long[phases.size()];
        last = System.nanoTime();
    }

    /**
     * A phase ends: the time since the previous mark (or the start) is added to it.
     *
     * @param phase the phase's index in the names given at construction
     */
    void mark(int phase) {
        long now = System.nanoTime();
        current[phase] += now - last;
        last = now;
    }

    /** The step ends; its phase times are kept. */
    void endStep() {
        steps.add(current);
        current = null;
    }

    /**
     * The median time of each phase over the steps after the warm-up.
     *
     * @param warmup the first steps to leave out
     * @return phase name → summary in milliseconds, in step order
     */
    Map<String, StepStatistics> summary(int warmup) {
        Map<String, StepStatistics> result = new LinkedHashMap<>();
        for (int p = 0; p < phases.size(); p++) {
            double[] values = new double[steps.size()];
            for (int s = 0; s < values.length; s++) {
                values[s] = steps.get(s)[p] / 1e6;
            }
            result.put(phases.get(p), StepStatistics.of(StepStatistics.afterWarmup(values, warmup)));
        }
        return result;
    }
}
