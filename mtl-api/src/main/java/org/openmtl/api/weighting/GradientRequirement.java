package org.openmtl.api.weighting;

/** What a weighting needs the trainer to compute each step. */
public enum GradientRequirement {
    /** Only the task losses; one backward of the weighting's objective. */
    LOSSES,
    /**
     * Per-task gradients with respect to the shared representation (computed on a detached copy,
     * then one backward through the shared part with the combined gradient).
     */
    REPRESENTATION,
    /**
     * Per-task gradients with respect to the shared parameters (one forward, K backwards keeping
     * the graph until the last).
     */
    PARAMETERS,
    /** Only the K×K Gramian of the per-task shared-parameter gradients. */
    GRAMIAN
}
