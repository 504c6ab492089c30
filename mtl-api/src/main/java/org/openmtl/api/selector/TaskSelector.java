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
     * selectors that observe losses, what they observed).
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
}
