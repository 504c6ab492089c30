package org.openmtl.api.task;

import ai.djl.ndarray.NDArray;

/**
 * A per-task evaluation metric that is a mean over examples, accumulated batch by batch as a sum
 * and a count (so an epoch's value does not depend on how it was batched).
 */
public interface Metric {

    /**
     * The metric's name in {@code result.json}, e.g. {@code accuracy}.
     *
     * @return the name
     */
    String name();

    /**
     * Whether a larger value is better (accuracy) or a smaller one (error, loss).
     *
     * @return true when higher is better
     */
    boolean higherIsBetter();

    /**
     * The sum of the per-example metric over labelled examples of a batch, and their number.
     *
     * @param prediction the head's output
     * @param label the labels
     * @param mask 1 for labelled examples, or null when all are labelled
     * @return {@code {sum, count}}
     */
    double[] accumulate(NDArray prediction, NDArray label, NDArray mask);
}
