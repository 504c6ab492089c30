package org.openmtl.api.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** The standard task losses, all masked means over labelled examples. */
public final class Losses {

    private Losses() {}

    /**
     * Softmax cross-entropy on logits, against integer class labels or against soft labels.
     *
     * <p>With soft labels, a (batch, classes) distribution p per example (a label model's
     * probabilistic labels, for instance), the loss is the expected cross-entropy under p, Σ_c p_c ·
     * −log softmax(z)_c: the noise-aware loss of weak supervision. A one-hot p gives the integer-label
     * loss, so every architecture and weighting trains on soft labels unchanged. See {@link
     * #perExampleCrossEntropy}.
     *
     * @return the loss
     */
    public static TaskLoss softmaxCrossEntropy() {
        return (prediction, label, mask) -> {
            if (isSoft(prediction, label)) {
                return maskedMean(perExampleCrossEntropy(prediction, label), mask);
            }
            // the integer-label graph as it always was: runs before soft labels stay bit-identical
            NDArray logProbabilities = prediction.logSoftmax(-1);
            NDArray index = label.getDataType() == DataType.INT64 ? label : label.toType(DataType.INT64, false);
            NDArray picked = logProbabilities.gather(index.reshape(-1, 1), 1).reshape(-1);
            return maskedMean(picked, mask).neg();
        };
    }

    /**
     * Tells whether a classification label array holds soft labels: one floating-point
     * distribution per example, shaped like the logits.
     *
     * @param prediction the logits, (batch, classes)
     * @param label the labels
     * @return true for (batch, classes) floating-point labels; false for class indices
     */
    public static boolean isSoft(NDArray prediction, NDArray label) {
        return label.getShape().dimension() == 2
                && label.getDataType().isFloating()
                && label.getShape().equals(prediction.getShape());
    }

    /**
     * The cross-entropy of the softmax of the logits, per example: −log softmax(z)_y for a class
     * index y, or Σ_c p_c · −log softmax(z)_c for soft labels p (see {@link #isSoft}).
     *
     * @param prediction the logits, (batch, classes)
     * @param label (batch) class indices, or (batch, classes) class probabilities
     * @return (batch) values
     */
    public static NDArray perExampleCrossEntropy(NDArray prediction, NDArray label) {
        NDArray logProbabilities = prediction.logSoftmax(-1);
        if (isSoft(prediction, label)) {
            NDArray p = label.getDataType() == logProbabilities.getDataType()
                    ? label : label.toType(logProbabilities.getDataType(), false);
            return logProbabilities.mul(p).sum(new int[] {1}).neg();
        }
        NDArray index = label.getDataType() == DataType.INT64 ? label : label.toType(DataType.INT64, false);
        return logProbabilities.gather(index.reshape(-1, 1), 1).reshape(-1).neg();
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
