package org.openmtl.api.optim;

/** An optimizer plugin. */
public interface Optimizer {

    /**
     * Creates the updater for one run.
     *
     * @param context the schedule's horizon
     * @return a new updater with empty state
     */
    ParameterUpdater create(OptimizerContext context);
}
