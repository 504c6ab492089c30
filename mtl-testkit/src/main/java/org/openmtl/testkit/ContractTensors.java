package org.openmtl.testkit;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

/**
 * The engine the contract tests run their tensors on (PyTorch, the framework's engine), with the
 * few operations they need on it. Each test opens its own manager; gradient collectors are opened
 * one at a time, since PyTorch allows only one per JVM. The one PyTorch-specific call the kit
 * makes, {@link #gradientReached}, lives here.
 */
public final class ContractTensors {

    /** The engine's name. */
    public static final String ENGINE = "PyTorch";

    private ContractTensors() {}

    /**
     * The PyTorch engine.
     *
     * @return the engine
     * @throws IllegalStateException if PyTorch is not on the test classpath
     */
    public static Engine engine() {
        if (!Engine.hasEngine(ENGINE)) {
            throw new IllegalStateException(
                    "the plugin contract tests need DJL's PyTorch engine on the test classpath"
                        + " (ai.djl.pytorch:pytorch-engine, pytorch-jni and pytorch-native-cpu)");
        }
        return Engine.getEngine(ENGINE);
    }

    /**
     * A new base manager on the PyTorch engine; close it when the test ends.
     *
     * @return the manager
     */
    public static NDManager newManager() {
        return engine().newBaseManager();
    }

    /**
     * Seeds the engine's random generator (parameter initialization, random arrays).
     *
     * @param seed the seed
     */
    public static void seedEngine(int seed) {
        engine().setRandomSeed(seed);
    }

    /**
     * Opens the JVM's one gradient collector; close it before opening another.
     *
     * @return the collector
     */
    public static GradientCollector newGradientCollector() {
        return engine().newGradientCollector();
    }

    /**
     * Whether the last backward reached an array that requires a gradient: PyTorch then holds a
     * gradient for it. ({@code NDArray.getGradient()} cannot tell, as it returns zeros for an array
     * the backward never reached.)
     *
     * @param array a leaf array that requires a gradient, e.g. a parameter's
     * @return true when the backward pass computed a gradient for it
     */
    public static boolean gradientReached(NDArray array) {
        PtNDArray gradient = JniUtils.getGradient((PtNDArray) array);
        if (gradient == null) {
            return false;
        }
        gradient.close();
        return true;
    }

    /**
     * Whether every element of an array is finite.
     *
     * @param array the array
     * @return true when no element is NaN or infinite
     */
    public static boolean isFinite(NDArray array) {
        for (float value : array.toFloatArray()) {
            if (!Float.isFinite(value)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether some element of an array is not zero.
     *
     * @param array the array
     * @return true when an element differs from 0
     */
    public static boolean isNonZero(NDArray array) {
        for (float value : array.toFloatArray()) {
            if (value != 0f) {
                return true;
            }
        }
        return false;
    }
}
