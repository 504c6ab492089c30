package org.openmtl.api.selector;

import java.util.List;

/** A task-selector plugin: plans the steps of each epoch. */
public interface TaskSelector {

    /**
     * Prepares the selector for a run.
     *
     * @param context the tasks, their labelled examples and the batch size
     */
    void initialize(SelectorContext context);

    /**
     * Plans one epoch. The plan is deterministic given the selector's seed and the epoch (and, for
     * selectors that observe losses, what they observed). The trainer reads the steps in order and
     * calls {@link #observe} after each, so a selector that adapts within an epoch may return a list
     * that plans each step when it is first read; {@code size()} must be known at once.
     *
     * @param epoch the epoch, from 1
     * @return the steps of the epoch, in order
     */
    List<StepPlan> planEpoch(int epoch);

    /**
     * Receives the losses of a step just taken (for selectors that sample by loss).
     *
     * @param plan the step's plan
     * @param losses the plan's task losses, in the plan's task order
     */
    default void observe(StepPlan plan, double[] losses) {}

    /**
     * The selector's state kept between steps (running losses), saved in every checkpoint so a
     * resumed run plans the same steps.
     *
     * @return named arrays; empty for a selector whose plans depend only on its seed and the epoch
     */
    default java.util.Map<String, double[]> state() {
        return java.util.Map.of();
    }

    /**
     * Restores what {@link #state()} returned, after {@link #initialize} and before the first step
     * of a resumed run.
     *
     * @param state the saved state
     */
    default void restore(java.util.Map<String, double[]> state) {}
}
