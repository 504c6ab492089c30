package org.openmtl.core.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Locale;
import org.openmtl.api.tensor.EngineAllocations;
import org.openmtl.api.tensor.EngineKernels;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.RunKeys;

/**
 * The only place that calls the PyTorch engine directly, for what DJL's engine-neutral API lacks:
 * a backward pass that keeps the graph, zeroing one parameter's gradient, grad mode, threads.
 */
public final class EngineOps {

    /** The engine the framework trains on. */
    public static final String ENGINE = "PyTorch";

    private EngineOps() {}

    /**
     * The engine, with its allocations zero-filled (see {@link EngineAllocations}: without it,
     * oneDNN's convolutions read padding they never wrote, and a run fails with NaN at a random
     * step) and its convolution kernels limited to those that compute the right gradient (see
     * {@link EngineKernels}: oneDNN's AVX2/AVX-512 kernels get the input gradient wrong), which is
     * checked once per process. Every path that trains gets the engine here.
     *
     * @return the PyTorch engine
     * @throws IllegalStateException if the engine's allocations cannot be made zero-filled, or its
     *     convolution input gradient is wrong
     */
    public static Engine engine() {
        Engine engine = Engine.getEngine(ENGINE);
        if (!EngineAllocations.zeroFill()) {
            throw new IllegalStateException("the PyTorch engine is loaded but its libc10 is not among this process's mapped "
                    + "libraries (/proc/self/maps), so its allocations cannot be made zero-filled; see docs/reliability.md");
        }
        EngineKernels.limitInstructionSet();
        EngineKernels.check(engine);
        return engine;
    }

    /**
     * How the engine initializes new allocations, for a run's provenance.
     *
     * @return {@code zero}, {@code uninitialized}, {@code junk} or {@code not-loaded}
     */
    public static String allocationFill() {
        return EngineAllocations.current().name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Back-propagates {@code gradient} from {@code target}, accumulating into leaf gradients.
     *
     * @param target the array to differentiate
     * @param gradient the vector of the vector-Jacobian product, same shape as target
     * @param keepGraph whether the graph stays for another backward pass
     */
    public static void backward(NDArray target, NDArray gradient, boolean keepGraph) {
        JniUtils.backward((PtNDArray) target, (PtNDArray) gradient, keepGraph, false);
    }

    /**
     * Zeroes the gradient of one array that requires it (a no-op when it has none yet).
     *
     * @param array a parameter or leaf array
     */
    public static void zeroGradient(NDArray array) {
        JniUtils.zeroGrad((PtNDArray) array);
    }

    /**
     * Whether operations record a graph outside a gradient collector.
     *
     * @return the grad mode
     */
    public static boolean isGradMode() {
        return JniUtils.isGradMode();
    }

    /**
     * Switches graph recording on or off.
     *
     * @param enabled the new grad mode
     */
    public static void setGradMode(boolean enabled) {
        JniUtils.setGradMode(enabled);
    }

    /**
     * Sets the engine's intra-op thread count.
     *
     * @param threads the count, positive
     */
    public static void setThreads(int threads) {
        JniUtils.setNumThreads(threads);
    }

    /**
     * The engine's intra-op thread count.
     *
     * @return the count
     */
    public static int threads() {
        return JniUtils.getNumThreads();
    }

    /**
     * Resolves the {@code device} key.
     *
     * @param value {@code cpu}, {@code gpu}, {@code gpu:N} or {@code auto}
     * @param engine the engine
     * @return the device
     * @throws ConfigException if the device does not exist on this machine
     */
    public static Device resolveDevice(String value, Engine engine) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("cpu")) {
            return Device.cpu();
        }
        int gpus = engine.getGpuCount();
        if (v.equals("auto")) {
            return gpus > 0 ? Device.gpu() : Device.cpu();
        }
        if (v.equals("gpu") || v.startsWith("gpu:")) {
            int index;
            try {
                index = v.equals("gpu") ? 0 : Integer.parseInt(v.substring(4));
            } catch (NumberFormatException e) {
                throw new ConfigException(RunKeys.DEVICE + ": '" + value + "' is not valid; expected cpu, gpu, gpu:N or auto");
            }
            if (index >= gpus) {
                throw new ConfigException(RunKeys.DEVICE + "=" + value + ": the engine sees " + gpus
                        + " GPU(s) on this machine; use device=cpu or device=auto");
            }
            return Device.gpu(index);
        }
        throw new ConfigException(RunKeys.DEVICE + ": '" + value + "' is not valid; expected cpu, gpu, gpu:N or auto");
    }
}
