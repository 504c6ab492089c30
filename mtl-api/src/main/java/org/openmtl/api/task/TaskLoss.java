package org.openmtl.api.task;

import ai.djl.ndarray.NDArray;

/** A task's training loss: predictions and labels in, the mean loss over labelled examples out. */
@FunctionalInterface
public interface TaskLoss {

    /**
     * Computes the mean loss over the examples that carry a label for this task.
     *
     * @param prediction the head's output, (batch, outputs)
     * @param label the labels, (batch) for classification, (batch, outputs) for regression
     * @param mask 1 where the example has a label for this task and 0 where it is missing, shape
     *     (batch); null when every example is labelled
     * @return a scalar; 0 when no example in the batch is labelled
     */
    NDArray compute(NDArray prediction, NDArray label, NDArray mask);
}
