package org.openmtl.api.task;

/** What a task predicts. */
public enum TaskType {
    /** One of {@code outputs} classes; the head emits logits. */
    CLASSIFICATION,
    /** Real values; the head emits {@code outputs} numbers per example. */
    REGRESSION
}
