package org.openmtl.api.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar arithmetic on arrays in the autograd graph, with the scalar made by the engine.
 *
 * <p>Why not {@code x.mul(0.5f)}: DJL 0.36's PyTorch engine implements {@code add}, {@code sub},
 * {@code mul}, {@code div}, {@code pow}, {@code maximum} and {@code minimum} with a {@code Number}
 * by wrapping the number in a Java direct buffer ({@code torch::from_blob}, no copy), running the
 * array operation and closing the wrapper at once. Closing drops the only Java reference to the
 * buffer, so the next garbage collection frees its memory, while PyTorch's graph still holds the
 * tensor that points at it: the backward pass of {@code mul}, {@code div} and {@code pow} then reads
 * freed memory and produces garbage (often huge or infinite) gradients, depending on when the
 * collector ran. {@code NDManager.full} allocates the scalar in PyTorch's own memory, which the
 * graph keeps alive for as long as it needs it.
 *
 * <p>The scalar is created in the manager passed in, which should be the step's: results of
 * operations belong to their first operand's manager, so the scalars of a step must not land in a
 * long-lived one (they would pile up there step after step).
 *
 * <p>The scalar holds {@code (float) value} in the data type of the array it is combined with, the
 * value DJL's {@code Number} overloads compute with on a float32 array, so replacing one with the
 * other does not change a result.
 */
public final class GraphScalars {

    private GraphScalars() {}

    /**
     * A 0-d array holding value, of x's data type, allocated by the engine.
     *
     * @param manager the step's manager
     * @param value the number
     * @param like the array whose data type the scalar takes
     * @return the scalar
     */
    public static NDArray scalar(NDManager manager, double value, NDArray like) {
        return manager.full(new Shape(), (float) value, like.getDataType());
    }

    /**
     * x · value.
     *
     * @param x an array, possibly with gradient history
     * @param value the factor
     * @param manager the step's manager
     * @return the product, in x's manager
     */
    public static NDArray times(NDArray x, double value, NDManager manager) {
        return x.mul(scalar(manager, value, x));
    }

    /**
     * x / value.
     *
     * @param x an array, possibly with gradient history
     * @param value the divisor
     * @param manager the step's manager
     * @return the quotient, in x's manager
     */
    public static NDArray dividedBy(NDArray x, double value, NDManager manager) {
        return x.div(scalar(manager, value, x));
    }

    /**
     * x + value. (The backward pass of an addition does not read the scalar; this is here so that
     * no array in the graph is combined with a DJL-made scalar at all, which is easy to check.)
     *
     * @param x an array, possibly with gradient history
     * @param value the summand
     * @param manager the step's manager
     * @return the sum, in x's manager
     */
    public static NDArray plus(NDArray x, double value, NDManager manager) {
        return x.add(scalar(manager, value, x));
    }

    /**
     * x − value.
     *
     * @param x an array, possibly with gradient history
     * @param value the subtrahend
     * @param manager the step's manager
     * @return the difference, in x's manager
     */
    public static NDArray minus(NDArray x, double value, NDManager manager) {
        return x.sub(scalar(manager, value, x));
    }

    /**
     * x raised to the power exponent, elementwise.
     *
     * @param x an array, possibly with gradient history
     * @param exponent the exponent
     * @param manager the step's manager
     * @return x^exponent, in x's manager
     */
    public static NDArray toThePower(NDArray x, double exponent, NDManager manager) {
        return x.pow(scalar(manager, exponent, x));
    }

    /**
     * max(x, floor), elementwise.
     *
     * @param x an array, possibly with gradient history
     * @param floor the lower bound
     * @param manager the step's manager
     * @return the clamped array, in x's manager
     */
    public static NDArray atLeast(NDArray x, double floor, NDManager manager) {
        return x.maximum(scalar(manager, floor, x));
    }

    /**
     * min(x, ceiling), elementwise.
     *
     * @param x an array, possibly with gradient history
     * @param ceiling the upper bound
     * @param manager the step's manager
     * @return the clamped array, in x's manager
     */
    public static NDArray atMost(NDArray x, double ceiling, NDManager manager) {
        return x.minimum(scalar(manager, ceiling, x));
    }
}
