package org.openmtl.api.tensor;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.util.Locale;

/**
 * Which CPU kernels the PyTorch engine's convolutions run on, and the check that they compute
 * convolutions and their gradients right.
 *
 * <p>Why: libtorch 2.7.1's oneDNN 3.7.1 picks its kernels by the CPU's instruction set. From AVX
 * up, its direct-convolution kernels lay channels out in blocks of 8 or 16 and pad a channel count
 * that is not a multiple of the block (MultiLeNet's 10 and 20); on the development machine the
 * padding is not all zero when they read it, so results come out wrong, not just occasionally
 * NaN: the AVX-512 kernels compute the float32 gradient with respect to a convolution's input off
 * by 7-23% of its largest element, the AVX and AVX2 kernels the forward output itself. Limited to
 * SSE4.1 ({@code ONEDNN_MAX_CPU_ISA=SSE41}), oneDNN runs such convolutions as im2col and matrix
 * products with no padded layout, and outputs and gradients agree with float64 to 1e-6. The
 * measurements are in {@code docs/reliability.md}.
 *
 * <p>oneDNN reads {@value #VARIABLE} from the process's environment once, when it first needs its
 * instruction set (the first convolution), so {@link #limitInstructionSet()} writes it into the
 * process's own environment (through the C library, which JNA reaches) before any convolution
 * runs. A value the user set before starting the process is kept. {@link #check(Engine)} then
 * compares a convolution's float32 output and gradients with float64 once per process; a training
 * path refuses to start where they disagree.
 */
public final class EngineKernels {

    /** The environment variable oneDNN reads its instruction-set limit from. */
    public static final String VARIABLE = "ONEDNN_MAX_CPU_ISA";

    /** The limit the framework sets when the user set none. */
    public static final String DEFAULT_LIMIT = "SSE41";

    /** Largest accepted |float32 - float64| over the largest |float64| element, of the output and of each gradient. */
    public static final double TOLERANCE = 1e-4;

    /**
     * The system property that turns the refusal into a warning on standard error, for diagnosis
     * and benchmarks of the faulty kernels only ({@code -Dmtl.engine.kernels.check=warn}).
     */
    public static final String CHECK_PROPERTY = "mtl.engine.kernels.check";

    /**
     * batch, input channels, height, width, output channels; kernel 5: MultiLeNet's second and first
     * convolutions at a small batch (channel counts that are not multiples of 8 or 16).
     */
    private static final int[][] SHAPES = {{4, 10, 12, 12, 20}, {4, 1, 12, 12, 10}};

    private static Double deviation;

    /** The part of the C library this class calls. */
    public interface CLibrary extends Library {
        /**
         * getenv(3).
         *
         * @param name the variable
         * @return its value, or null
         */
        String getenv(String name);

        /**
         * setenv(3).
         *
         * @param name the variable
         * @param value its value
         * @param overwrite nonzero to replace an existing value
         * @return 0 on success
         */
        int setenv(String name, String value, int overwrite);
    }

    private EngineKernels() {}

    /**
     * Sets {@value #VARIABLE} to {@value #DEFAULT_LIMIT} in this process's environment unless it
     * already has a value. Takes effect only if no convolution has run in this process yet; call
     * it right after loading the engine. Idempotent.
     *
     * @return the limit in effect for convolutions that have not yet initialized oneDNN
     */
    public static synchronized String limitInstructionSet() {
        CLibrary c = libc();
        String current = c.getenv(VARIABLE);
        if (current != null && !current.isBlank()) {
            return current;
        }
        if (c.setenv(VARIABLE, DEFAULT_LIMIT, 0) != 0) {
            throw new IllegalStateException("could not set " + VARIABLE + " in this process's environment");
        }
        return c.getenv(VARIABLE);
    }

    /**
     * The instruction-set limit in this process's environment.
     *
     * @return its value, or {@code default} where none is set (oneDNN then uses the CPU's best)
     */
    public static String instructionSet() {
        String current = libc().getenv(VARIABLE);
        return current == null || current.isBlank() ? "default" : current;
    }

    /**
     * Measures, once per process, how far the engine's float32 convolution lies from a float64
     * reference computed without convolution kernels (im2col and a matrix product): the worst of max |float32 - float64| over max |float64| for the
     * output, the gradient with respect to the input and the one with respect to the weights, at
     * MultiLeNet's two convolutions with fixed inputs. Opens a gradient collector: call it where
     * no other is open.
     *
     * @param engine the PyTorch engine, loaded
     * @return the relative deviation
     */
    public static synchronized double deviation(Engine engine) {
        if (deviation == null) {
            deviation = measure(engine);
        }
        return deviation;
    }

    /**
     * The measured deviation if {@link #deviation(Engine)} ran in this process.
     *
     * @return the deviation, or null if it has not been measured
     */
    public static synchronized Double measuredDeviation() {
        return deviation;
    }

    /**
     * Refuses to go on where the engine's convolution input gradient is wrong.
     *
     * @param engine the PyTorch engine, loaded, with {@link #limitInstructionSet()} called
     * @throws IllegalStateException if the deviation exceeds {@link #TOLERANCE}, unless {@value
     *     #CHECK_PROPERTY} is {@code warn}
     */
    public static void check(Engine engine) {
        double d = deviation(engine);
        if (d <= TOLERANCE) {
            return;
        }
        String message = String.format(Locale.ROOT,
                "the engine's float32 convolutions are wrong on this CPU with %s=%s (output or gradients deviate from "
                        + "float64 by %.2e of their largest element, more than %.0e): training would not follow the true "
                        + "gradient. Unset %s (the framework then limits oneDNN to %s) or set it to SSE41 before starting; "
                        + "if a convolution ran in this process before the framework loaded the engine, call "
                        + "EngineKernels.limitInstructionSet() first. See docs/reliability.md",
                VARIABLE, instructionSet(), d, TOLERANCE, VARIABLE, DEFAULT_LIMIT);
        if ("warn".equals(System.getProperty(CHECK_PROPERTY))) {
            System.err.println("warning: " + message);
            return;
        }
        throw new IllegalStateException(message);
    }

    private static double measure(Engine engine) {
        double worst = 0;
        for (int[] shape : SHAPES) {
            worst = Math.max(worst, measure(engine, shape));
        }
        return worst;
    }

    /** The worst of the output's, the input gradient's and the weight gradient's relative deviations at one shape. */
    private static double measure(Engine engine, int[] s) {
        try (NDManager manager = engine.newBaseManager()) {
            // fixed inputs without touching the engine's random state: a run's seed stays the only source of randomness
            NDArray x = pattern(manager, new Shape(s[0], s[1], s[2], s[3]), 0.37);
            NDArray w = pattern(manager, new Shape(s[4], s[1], 5, 5), 0.71);
            NDArray g = pattern(manager, new Shape(s[0], s[4], s[2] - 4, s[3] - 4), 0.13);
            double worst = 0;
            for (double d : deviations(engine, x, w, g)) {
                worst = Math.max(worst, d);
            }
            return worst;
        }
    }

    /**
     * How far the engine's float32 convolution of {@code x} by {@code w} (stride 1, no padding) lies
     * from a float64 reference computed without convolution kernels (im2col and a matrix product):
     * the relative deviations ({@link #relativeDeviation}) of the output, of the gradient with respect
     * to the input and of the one with respect to the weights, for the upstream gradient {@code g}.
     * Opens a gradient collector: call it where no other is open.
     *
     * @param engine the engine whose kernels are measured
     * @param x the input, (batch, channels, height, width)
     * @param w the weights, (out, channels, k, k)
     * @param g the upstream gradient, the output's shape
     * @return {forward, input gradient, weight gradient}
     */
    public static double[] deviations(Engine engine, NDArray x, NDArray w, NDArray g) {
        DataType[] types = {DataType.FLOAT32, DataType.FLOAT64};
        double[][][] values = new double[3][2][];
        for (int i = 0; i < 2; i++) {
            NDArray xi = x.toType(types[i], true);
            NDArray wi = w.toType(types[i], true);
            xi.setRequiresGradient(true);
            wi.setRequiresGradient(true);
            try (GradientCollector collector = engine.newGradientCollector()) {
                // float32: the engine's convolution kernels under test; float64: the reference, written as
                // im2col and a matrix product, so no convolution kernel (nor its float64 path's NNPACK probe) is involved
                NDArray y = i == 0 ? Conv2d.conv2d(xi, wi).singletonOrThrow() : unfoldedConvolution(xi, wi);
                values[0][i] = y.toType(DataType.FLOAT64, true).toDoubleArray();
                collector.backward(y.mul(g.toType(types[i], true)).sum());
            }
            values[1][i] = xi.getGradient().toType(DataType.FLOAT64, true).toDoubleArray();
            values[2][i] = wi.getGradient().toType(DataType.FLOAT64, true).toDoubleArray();
        }
        double[] deviations = new double[3];
        for (int k = 0; k < 3; k++) {
            deviations[k] = relativeDeviation(values[k][0], values[k][1]);
        }
        return deviations;
    }

    /**
     * A stride-1, unpadded convolution as im2col and a matrix product: the input's k×k windows
     * gathered by index, multiplied by the weights. Its gradients follow from indexing and matrix
     * products alone.
     */
    private static NDArray unfoldedConvolution(NDArray x, NDArray w) {
        long batch = x.getShape().get(0);
        long channels = x.getShape().get(1);
        long height = x.getShape().get(2);
        long width = x.getShape().get(3);
        long out = w.getShape().get(0);
        int k = (int) w.getShape().get(2);
        long outHeight = height - k + 1;
        long outWidth = width - k + 1;
        long[] index = new long[(int) (k * k * outHeight * outWidth)];
        int n = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                for (long y = 0; y < outHeight; y++) {
                    for (long z = 0; z < outWidth; z++) {
                        index[n++] = (y + i) * width + z + j;
                    }
                }
            }
        }
        NDArray windows = x.reshape(batch * channels, height * width).transpose()
                .get(new NDIndex("{}", x.getManager().create(index)))          // (k·k·outH·outW, batch·channels)
                .reshape(k * k, outHeight * outWidth, batch, channels)
                .transpose(2, 1, 3, 0)
                .reshape(batch * outHeight * outWidth, channels * k * k);
        return windows.matMul(w.reshape(out, channels * k * k).transpose())
                .reshape(batch, outHeight, outWidth, out)
                .transpose(0, 3, 1, 2);
    }

    /**
     * max |a - b| over max |b|: how far values lie from a reference, relative to its largest element.
     *
     * @param a the values
     * @param b the reference, as long as {@code a}
     * @return the relative deviation
     */
    public static double relativeDeviation(double[] a, double[] b) {
        double scale = 0;
        double difference = 0;
        for (int i = 0; i < a.length; i++) {
            scale = Math.max(scale, Math.abs(b[i]));
            difference = Math.max(difference, Math.abs(a[i] - b[i]));
        }
        return difference / scale;
    }

    /** Deterministic values in [-1, 1): sin of a scaled index, so no random generator is drawn from. */
    private static NDArray pattern(NDManager manager, Shape shape, double step) {
        return manager.arange(0f, (float) shape.size(), 1f, DataType.FLOAT64).mul(step).sin().reshape(shape);
    }

    private static CLibrary libc() {
        return Native.load("c", CLibrary.class);
    }
}
