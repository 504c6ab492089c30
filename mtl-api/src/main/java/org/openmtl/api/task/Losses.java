package org.openmtl.api.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** The standard task losses, all masked means over labelled examples. */
public final class Losses {

    private Losses() {}

    /**
     * Softmax cross-entropy on logits against integer class labels.
     *
     * @return the loss
     */
    public static TaskLoss softmaxCrossEntropy() {
        return (prediction, label, mask) -> {
            NDArray logProbabilities = prediction.logSoftmax(-1);
            NDArray index = label.getDataType() == DataType.INT64 ? label : label.toType(DataType.INT64, false);
            NDArray picked = logProbabilities.gather(index.reshape(-1, 1), 1).reshape(-1);
            return maskedMean(picked, mask).neg();
        };
    }

    /**
     * Mean squared error, averaged over outputs and labelled examples.
     *
     * @return the loss
     */
    public static TaskLoss meanSquaredError() {
        return (prediction, label, mask) -> {
            NDArray diff = prediction.sub(label.reshape(prediction.getShape()));
            NDArray perExample = diff.mul(diff).mean(new int[] {1});
            return maskedMean(perExample, mask);
        };
    }

    /**
     * The mean of per-example values over the examples whose mask is 1.
     *
     * @param perExample (batch) values
     * @param mask (batch) 0/1 weights, or null for a plain mean
     * @return a scalar, 0 when the mask is all zero
     */
    public static NDArray maskedMean(NDArray perExample, NDArray mask) {
        if (mask == null) {
            return perExample.mean();
        }
        NDArray count = mask.sum().maximum(1f);
        return perExample.mul(mask).sum().div(count);
    }
}
