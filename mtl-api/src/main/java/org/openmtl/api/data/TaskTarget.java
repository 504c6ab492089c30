package org.openmtl.api.data;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * One task's labels in a batch.
 *
 * @param labels (batch) class indices, (batch, classes) soft labels (one floating-point distribution
 *     over the classes per example, e.g. a label model's probabilistic labels; see {@link
 *     org.openmtl.api.task.Losses#isSoft}), or (batch, outputs) regression targets
 * @param mask (batch) 1 where the example is labelled for this task, 0 where the label is missing;
 *     null when every example of the batch is labelled
 */
public record TaskTarget(NDArray labels, NDArray mask) {

    /** Checks the labels are present. */
    public TaskTarget {
        Objects.requireNonNull(labels, "labels");
    }
}
