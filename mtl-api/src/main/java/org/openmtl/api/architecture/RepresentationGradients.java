package org.openmtl.api.architecture;

/**
 * What per-task gradients with respect to a network's shared representation (what {@link
 * MultiTaskNetwork#encode} returns) say about its shared parameters, for weightings that combine
 * such gradients ({@code GradientRequirement.REPRESENTATION}). An architecture declares it through
 * {@link Architecture#representationGradients()}; the framework refuses a representation-gradient
 * weighting on an architecture that does not declare {@link #FAITHFUL}, at configuration time.
 */
public enum RepresentationGradients {
    /**
     * Every shared parameter runs in {@code encode}, and the tasks read one representation (or
     * overlapping parts of it): back-propagating Σ_t w_t r_t through {@code encode} gives the
     * shared parameters exactly Σ_t w_t of their per-task gradients, and the representation
     * gradients' Gramian reflects how the tasks agree. Hard sharing is the example.
     */
    FAITHFUL,
    /**
     * Some shared parameters run in {@code decode} (a searched tree, per-task routing through
     * shared blocks, shared layers after a task-conditioned stage, shared attention features):
     * they are not reached through the representation, so a representation-gradient weighting
     * leaves them the plain sum of the tasks' gradients, whatever it computes.
     */
    SHARED_IN_DECODE,
    /**
     * Each task reads its own block of the representation (one column per task, one mixture per
     * task): the per-task representation gradients are orthogonal and their Gramian diagonal, so a
     * representation-gradient weighting sees no conflict between tasks (PCGrad never projects,
     * GradDrop keeps every component, MGDA-UB weighs by inverse norms).
     */
    DISJOINT,
    /**
     * Nothing is shared (separate single-task networks): the representation handed on is the input
     * itself, which no parameter produces, so a representation-gradient weighting would weigh whole
     * networks by how their gradients with respect to the input agree, which is no published method.
     */
    NOT_SHARED
}
