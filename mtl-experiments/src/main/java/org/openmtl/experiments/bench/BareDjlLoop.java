package org.openmtl.experiments.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import org.openmtl.api.tensor.EngineAllocations;
import org.openmtl.api.tensor.EngineKernels;

/**
 * The reference the trainer's step is held to: the same MultiLeNet step written directly with
 * DJL — its blocks, its softmax cross-entropy, its {@code Optimizer.adam()} — on one fixed batch:
 * random inputs, as {@code pytorch_reference.py} makes them, for the reference; MultiMNIST examples
 * to compare with the trainer on equal data (some of PyTorch's CPU kernels, max-pooling above all,
 * run faster on digits than on noise).
 *
 * <p>It keeps the memory discipline the design prescribes and nothing else: the step's arrays
 * (batch included) live in a sub-manager closed at the end of the step, one gradient collector per
 * step, one backward of the sum of the task losses, and no walk over the engine's arrays to zero
 * gradients — DJL's fused Adam kernel on PyTorch zeroes each parameter's own gradient as it
 * updates it, which {@link #gradientsLeftNonZero} checks after a run.
 *
 * <p>The batch is made from the same host arrays every step (a copy into the step's manager, as a
 * data loader would make it), so the loop pays for one batch transfer per step like the trainer
 * and unlike the PyTorch script, whose input tensor is made once (a fraction of a millisecond).
 */
final class BareDjlLoop {

    /** The phases a step is split into. */
    static final List<String> PHASES = List.of("batch", "forward", "loss", "backward", "update", "close");

    private static final int BATCH = 0;
    private static final int FORWARD = 1;
    private static final int LOSS = 2;
    private static final int BACKWARD = 3;
    private static final int UPDATE = 4;
    private static final int CLOSE = 5;

    private static final int CLASSES = 10;
    private static final int TASKS = 2;
    private static final Shape EXAMPLE = new Shape(1, 28, 28);

    /** How the loop computes a head's softmax cross-entropy. */
    enum CrossEntropy {
        /** DJL's {@code Loss.softmaxCrossEntropyLoss()}: log-softmax, a pick by index, mean. */
        DJL,
        /** Log-softmax, {@code gather} of the label's column, mean, negation: as the framework's task loss. */
        GATHER
    }

    private final HostBatch data;
    private final int threads;
    private final CrossEntropy crossEntropy;
    private final EngineAllocations.Fill allocations;
    private int nonZeroGradients = -1;

    /**
     * Creates the loop.
     *
     * @param data the batch every step trains on ({@link HostBatch#random} for the reference)
     * @param threads intra-op threads
     * @param crossEntropy how the loss is computed ({@link CrossEntropy#DJL} for the reference)
     * @param allocations how the engine initializes this loop's allocations ({@link
     *     EngineAllocations.Fill#ZERO}, as in every run, for the reference)
     */
    BareDjlLoop(HostBatch data, int threads, CrossEntropy crossEntropy, EngineAllocations.Fill allocations) {
        if (data.labels().length != TASKS) {
            throw new IllegalArgumentException("the loop has " + TASKS + " heads; the batch has labels for "
                    + data.labels().length + " tasks");
        }
        this.data = data;
        this.threads = threads;
        this.crossEntropy = crossEntropy;
        this.allocations = allocations;
    }

    /**
     * Trains a fresh model for a number of steps and times each.
     *
     * @param stepCount steps, warm-up included
     * @param phases where each step's phase times go
     * @param faults counts page faults after each step
     * @return each step's wall time in milliseconds, in order
     */
    double[] run(int stepCount, PhaseClock phases, PageFaults faults) {
        Engine engine = Engine.getEngine("PyTorch");
        // the trainer's runs switch zero-filling on for the whole process: set this loop's own each time
        EngineAllocations.set(allocations);
        // the same convolution kernels as the trainer's (whichever way runs first initializes oneDNN)
        EngineKernels.limitInstructionSet();
        JniUtils.setNumThreads(threads);
        float[] inputs = data.inputs();
        long[][] labels = data.labels();
        Shape inputShape = new Shape(data.size()).addAll(EXAMPLE);
        double[] times = new double[stepCount];
        try (NDManager base = NDManager.newBaseManager(Device.cpu(), engine.getEngineName())) {
            NDManager parameterManager = base.newSubManager();
            Block trunk = trunk();
            trunk.initialize(parameterManager, DataType.FLOAT32, new Shape(1).addAll(EXAMPLE));
            List<Block> heads = new ArrayList<>(TASKS);
            for (int t = 0; t < TASKS; t++) {
                Block head = head();
                head.initialize(parameterManager, DataType.FLOAT32, new Shape(1, 50));
                heads.add(head);
            }
            List<Parameter> parameters = new ArrayList<>();
            for (Pair<String, Parameter> p : trunk.getParameters()) {
                parameters.add(p.getValue());
            }
            for (Block head : heads) {
                for (Pair<String, Parameter> p : head.getParameters()) {
                    parameters.add(p.getValue());
                }
            }
            ParameterStore store = new ParameterStore(parameterManager, false);
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build();
            Loss loss = Loss.softmaxCrossEntropyLoss();

            for (int step = 0; step < stepCount; step++) {
                long start = System.nanoTime();
                phases.startStep();
                try (NDManager stepManager = base.newSubManager()) {
                    NDArray x = stepManager.create(inputs, inputShape);
                    NDList[] y = new NDList[TASKS];
                    for (int t = 0; t < TASKS; t++) {
                        y[t] = new NDList(stepManager.create(labels[t]));
                    }
                    phases.mark(BATCH);
                    try (GradientCollector collector = engine.newGradientCollector()) {
                        NDList representation = trunk.forward(store, new NDList(x), true);
                        NDList[] outputs = new NDList[TASKS];
                        for (int t = 0; t < TASKS; t++) {
                            outputs[t] = heads.get(t).forward(store, representation, true);
                        }
                        phases.mark(FORWARD);
                        NDArray sum = crossEntropy(loss, y[0], outputs[0]);
                        for (int t = 1; t < TASKS; t++) {
                            sum = sum.add(crossEntropy(loss, y[t], outputs[t]));
                        }
                        phases.mark(LOSS);
                        collector.backward(sum);
                        phases.mark(BACKWARD);
                    }
                    for (Parameter p : parameters) {
                        NDArray weight = p.getArray();
                        // the gradient's Java wrapper belongs to the weight's (long-lived) manager: close it
                        try (NDArray gradient = weight.getGradient()) {
                            adam.update(p.getId(), weight, gradient);
                        }
                    }
                    phases.mark(UPDATE);
                }
                phases.mark(CLOSE);
                phases.endStep();
                times[step] = (System.nanoTime() - start) / 1e6;
                faults.stepEnded();
            }
            nonZeroGradients = countNonZeroGradients(parameters);
        }
        return times;
    }

    private NDArray crossEntropy(Loss djlLoss, NDList label, NDList prediction) {
        if (crossEntropy == CrossEntropy.DJL) {
            return djlLoss.evaluate(label, prediction);
        }
        NDArray logProbabilities = prediction.singletonOrThrow().logSoftmax(-1);
        return logProbabilities.gather(label.singletonOrThrow().reshape(-1, 1), 1).mean().neg();
    }

    /**
     * How many parameters had a gradient other than zero after the last run's final update; 0
     * confirms that the update zeroes what the next backward accumulates into.
     *
     * @return the count, or -1 before the first run
     */
    int gradientsLeftNonZero() {
        return nonZeroGradients;
    }

    private static int countNonZeroGradients(List<Parameter> parameters) {
        int count = 0;
        for (Parameter p : parameters) {
            try (NDArray gradient = p.getArray().getGradient(); NDArray total = gradient.abs().sum()) {
                if (total.getFloat() != 0f) {
                    count++;
                }
            }
        }
        return count;
    }

    private static Block trunk() {
        return new SequentialBlock()
                .add(conv(10, 1 * 25))
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Activation.reluBlock())
                .add(conv(20, 10 * 25))
                .add(Pool.maxPool2dBlock(new Shape(2, 2)))
                .add(Activation.reluBlock())
                .add(Blocks.batchFlattenBlock())
                .add(linear(50, 320))
                .add(Activation.reluBlock());
    }

    private static Block head() {
        return new SequentialBlock()
                .add(linear(50, 50))
                .add(Activation.reluBlock())
                .add(linear(CLASSES, 50));
    }

    private static Block conv(int filters, int fanIn) {
        return likePyTorch(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(filters).build(), fanIn);
    }

    private static Block linear(int units, int fanIn) {
        return likePyTorch(Linear.builder().setUnits(units).build(), fanIn);
    }

    private static Block likePyTorch(Block layer, int fanIn) {
        // PyTorch's default initialization of nn.Conv2d and nn.Linear, so both start alike
        UniformInitializer uniform = new UniformInitializer((float) (1.0 / Math.sqrt(fanIn)));
        layer.setInitializer(uniform, Parameter.Type.WEIGHT);
        layer.setInitializer(uniform, Parameter.Type.BIAS);
        return layer;
    }
}
