package org.openmtl.api.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** The standard per-task metrics. */
public final class Metrics {

    private Metrics() {}

    /**
     * Classification accuracy in [0, 1]. Against soft labels (see {@link Losses#isSoft}) a
     * prediction counts as right when it picks the labels' most probable class.
     *
     * @return the metric
     */
    public static Metric accuracy() {
        return new Mean("accuracy", true) {
            @Override
            NDArray perExample(NDArray prediction, NDArray label) {
                NDArray truth = Losses.isSoft(prediction, label) ? label.argMax(1) : label;
                return prediction.argMax(1).toType(DataType.INT64, false)
                        .eq(truth.toType(DataType.INT64, false).reshape(-1))
                        .toType(DataType.FLOAT32, false);
            }
        };
    }

    /**
     * Mean cross-entropy of the softmax of the logits; against soft labels, the expected
     * cross-entropy under them ({@link Losses#perExampleCrossEntropy}).
     *
     * @return the metric, named {@code loss}
     */
    public static Metric crossEntropy() {
        return new Mean("loss", false) {
            @Override
            NDArray perExample(NDArray prediction, NDArray label) {
                return Losses.perExampleCrossEntropy(prediction, label);
            }
        };
    }

    /**
     * Mean squared error.
     *
     * @return the metric, named {@code mse}
     */
    public static Metric meanSquaredError() {
        return new Mean("mse", false) {
            @Override
            NDArray perExample(NDArray prediction, NDArray label) {
                NDArray diff = prediction.sub(label.reshape(prediction.getShape()));
                return diff.mul(diff).mean(new int[] {1});
            }
        };
    }

    /**
     * Mean absolute error.
     *
     * @return the metric, named {@code mae}
     */
    public static Metric meanAbsoluteError() {
        return new Mean("mae", false) {
            @Override
            NDArray perExample(NDArray prediction, NDArray label) {
                return prediction.sub(label.reshape(prediction.getShape())).abs().mean(new int[] {1});
            }
        };
    }

    private abstract static class Mean implements Metric {
        private final String name;
        private final boolean higherIsBetter;

        Mean(String name, boolean higherIsBetter) {
            this.name = name;
            this.higherIsBetter = higherIsBetter;
        }

        abstract NDArray perExample(NDArray prediction, NDArray label);

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean higherIsBetter() {
            return higherIsBetter;
        }

        @Override
        public double[] accumulate(NDArray prediction, NDArray label, NDArray mask) {
            NDArray values = perExample(prediction, label);
            if (mask == null) {
                return new double[] {values.sum().getFloat(), values.size()};
            }
            return new double[] {values.mul(mask).sum().getFloat(), mask.sum().getFloat()};
        }
    }
}
