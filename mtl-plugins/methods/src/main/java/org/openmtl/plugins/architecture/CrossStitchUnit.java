package org.openmtl.plugins.architecture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.initializer.Initializer;
import java.util.ArrayList;
import java.util.List;

/**
 * The arithmetic of a cross-stitch unit (Misra et al., CVPR 2016): n activations of one shape are
 * replaced by linear combinations of each other, x̃_i = Σ_j α_ij x_j, with α started near the
 * identity. {@link CrossStitch} mixes its T columns this way (one α per unit, or one per channel),
 * {@link Sluice} the S subspaces of all T columns (n = T·S).
 */
final class CrossStitchUnit {

    private CrossStitchUnit() {}

    /**
     * An n×n α near the identity: α_ii = {@code self}, α_ij = (1 − self)/(n − 1); the identity
     * when n = 1.
     *
     * @param n the number of mixed activations
     * @param self the diagonal
     * @return the initializer
     */
    static Initializer nearIdentity(int n, double self) {
        return nearIdentityPerChannel(1, n, self);
    }

    /**
     * One near-identity n×n α per channel (shape (channels, n, n), or (n, n) when {@code
     * channels} is 1).
     *
     * @param channels the number of channels
     * @param n the number of mixed activations
     * @param self the diagonal
     * @return the initializer
     */
    static Initializer nearIdentityPerChannel(int channels, int n, double self) {
        return (manager, shape, dataType) -> {
            float[] values = new float[channels * n * n];
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        values[(c * n + i) * n + j] = (float) (n == 1 ? 1.0 : i == j ? self : (1 - self) / (n - 1));
                    }
                }
            }
            return manager.create(values, shape).toType(dataType, false);
        };
    }

    /**
     * Mixes with one α for all features: out_i = Σ_j α_ij x_j.
     *
     * @param alpha the n×n matrix
     * @param activations the n activations, all of one shape
     * @return the n mixed activations, in the same shape
     */
    static NDList mix(NDArray alpha, NDList activations) {
        Shape shape = activations.get(0).getShape();
        int n = activations.size();
        NDArray stacked = NDArrays.stack(activations).reshape(n, -1);
        NDArray mixed = alpha.matMul(stacked);
        // an operation takes its first operand's manager: move the product from the parameters'
        // long-lived manager into the step's
        mixed.attach(stacked.getManager());
        NDList out = new NDList(n);
        for (int i = 0; i < n; i++) {
            out.add(mixed.get(i).reshape(shape));
        }
        return out;
    }

    /**
     * Mixes each channel with its own α: out_i[:, c] = Σ_j α_cij x_j[:, c]. Axis 1 of an activation
     * holds the channels, channel-major: (batch, C, ...) or a flattened (batch, C·k).
     *
     * @param alpha (C, n, n)
     * @param activations the n activations, all of one shape
     * @return the n mixed activations, in the same shape
     */
    static NDList mixPerChannel(NDArray alpha, NDList activations) {
        Shape shape = activations.get(0).getShape();
        int n = activations.size();
        long batch = shape.get(0);
        long channels = alpha.getShape().get(0);
        // (n, B, C, R) → (C, n, B·R): one n×n product per channel
        NDArray stacked = NDArrays.stack(activations).reshape(n, batch, channels, -1);
        long rest = stacked.getShape().get(3);
        NDArray perChannel = stacked.transpose(2, 0, 1, 3).reshape(channels, n, batch * rest);
        NDArray product = alpha.matMul(perChannel);
        product.attach(perChannel.getManager());
        NDArray mixed = product.reshape(channels, n, batch, rest).transpose(1, 2, 0, 3);
        NDList out = new NDList(n);
        for (int i = 0; i < n; i++) {
            out.add(mixed.get(i).reshape(shape));
        }
        return out;
    }

    /**
     * The channels of a trunk stage's output: the channel axis of the stage's last layer output
     * that still has one (a convolutional stage that ends flattened keeps its channel-major
     * order), otherwise its width.
     *
     * @param stage the stage, a chain of layers
     * @param inputShape its input shape, batch axis included
     * @return the number of channels
     */
    static long channels(Block stage, Shape inputShape) {
        Shape shape = inputShape;
        Long channels = null;
        List<Block> layers = stage instanceof SequentialBlock
                ? stage.getChildren().values()
                : List.of(stage);
        for (Block layer : layers) {
            shape = layer.getOutputShapes(new Shape[] {shape})[0];
            if (shape.dimension() >= 3) {
                channels = shape.get(1);
            }
        }
        return channels != null ? channels : shape.get(1);
    }

    /**
     * The unit's matrices as nested lists rounded to 4 decimals; a per-channel α is reported as
     * its mean over the channels.
     *
     * @param alpha (n, n) or (C, n, n)
     * @return n rows of n values
     */
    static List<List<Double>> rounded(NDArray alpha) {
        Shape shape = alpha.getShape();
        int n = (int) shape.get(shape.dimension() - 1);
        int channels = shape.dimension() == 3 ? (int) shape.get(0) : 1;
        // on the heap: structure() runs every epoch and must not leave arrays in the parameters' manager
        float[] a = alpha.toFloatArray();
        List<List<Double>> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<Double> row = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int c = 0; c < channels; c++) {
                    sum += a[(c * n + i) * n + j];
                }
                row.add(Math.round(sum / channels * 1e4) / 1e4);
            }
            rows.add(row);
        }
        return rows;
    }
}
