package org.openmtl.core.adapt;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.initializer.UniformInitializer;

/**
 * The head added for the held-out task, on the flattened representation: one linear layer, or a
 * hidden ReLU layer and a linear layer. Layers start as PyTorch's {@code nn.Linear} does (weights
 * and biases uniform in ±1/√fan_in), from the engine's random stream, so one engine seed gives one
 * head in every mode. {@code ./mtl transfer} builds its readouts with it too.
 */
public final class ProbeHead {

    private ProbeHead() {}

    /**
     * Builds and initializes a head.
     *
     * @param kind {@code linear} or {@code mlp}
     * @param hidden the hidden units of {@code mlp}
     * @param inputs the representation's width
     * @param outputs the task's classes
     * @param manager the manager that owns the head's parameters
     * @return the initialized head
     */
    public static Block build(String kind, int hidden, long inputs, int outputs, NDManager manager) {
        SequentialBlock head = new SequentialBlock();
        if (kind.equals("mlp")) {
            head.add(linear(hidden, inputs)).add(Activation.reluBlock()).add(linear(outputs, hidden));
        } else {
            head.add(linear(outputs, inputs));
        }
        head.initialize(manager, DataType.FLOAT32, new Shape(1, inputs));
        return head;
    }

    private static Block linear(long units, long fanIn) {
        Block layer = Linear.builder().setUnits(units).build();
        UniformInitializer uniform = new UniformInitializer((float) (1.0 / Math.sqrt(fanIn)));
        layer.setInitializer(uniform, Parameter.Type.WEIGHT);
        layer.setInitializer(uniform, Parameter.Type.BIAS);
        return layer;
    }
}
