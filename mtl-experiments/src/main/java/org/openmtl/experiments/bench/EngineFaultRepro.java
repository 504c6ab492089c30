package org.openmtl.experiments.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.Locale;
import org.openmtl.api.tensor.EngineAllocations;

/**
 * Reproduces the engine fault of docs/reliability.md with DJL alone: MultiLeNet's trunk (conv
 * 1→10 k5, pool, relu, conv 10→20 k5, pool, relu, linear), on one fixed random batch of 256, either
 * forward passes only ({@code forward}) or forward and backward ({@code train}: the gradient of
 * the mean squared output, no update, so every pass should give the same numbers), with the
 * engine's allocations {@code uninitialized} (its default), {@code zero} or {@code junk}. Counts
 * the passes whose output or gradients are non-finite or differ from the first pass.
 *
 * <pre>
 * java -cp 'mtl-experiments/target/mtl-experiments-0.1.0-SNAPSHOT.jar:mtl-experiments/target/lib/*' \
 *   -Dai.djl.offline=true org.openmtl.experiments.bench.EngineFaultRepro forward|train PASSES uninitialized|zero|junk
 * </pre>
 *
 * Environment switches that change how often leftovers are NaN: {@code ONEDNN_MAX_CPU_ISA=AVX2}
 * (the padded forward path), {@code MALLOC_ARENA_MAX=1} (the JVM's own threads share the engine's
 * heap), {@code OMP_NUM_THREADS=1}.
 */
public final class EngineFaultRepro {

    private EngineFaultRepro() {}

    /**
     * Runs the reproduction and prints one line.
     *
     * @param args mode, passes, fill
     */
    public static void main(String[] args) {
        if (args.length != 3 || !Arrays.asList("forward", "train").contains(args[0])) {
            System.err.println("usage: EngineFaultRepro forward|train PASSES uninitialized|zero|junk");
            System.exit(2);
        }
        boolean train = args[0].equals("train");
        int passes = Integer.parseInt(args[1]);
        EngineAllocations.Fill fill = EngineAllocations.Fill.valueOf(args[2].toUpperCase(Locale.ROOT));
        Engine engine = Engine.getEngine("PyTorch");
        engine.setRandomSeed(1);
        EngineAllocations.set(fill);
        int nonFinite = 0;
        int differing = 0;
        try (NDManager base = NDManager.newBaseManager(Device.cpu(), engine.getEngineName())) {
            SequentialBlock net = new SequentialBlock()
                    .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(10).build())
                    .add(Pool.maxPool2dBlock(new Shape(2, 2))).add(Activation.reluBlock())
                    .add(Conv2d.builder().setKernelShape(new Shape(5, 5)).setFilters(20).build())
                    .add(Pool.maxPool2dBlock(new Shape(2, 2))).add(Activation.reluBlock())
                    .add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(50).build());
            net.initialize(base, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            NDArray x = base.randomNormal(new Shape(256, 1, 28, 28));
            ParameterStore store = new ParameterStore(base, false);
            float[] first = null;
            for (int pass = 0; pass < passes; pass++) {
                float[] values;
                try (NDManager step = base.newSubManager()) {
                    if (train) {
                        try (GradientCollector collector = engine.newGradientCollector()) {
                            NDArray out = net.forward(store, new NDList(x), true).singletonOrThrow();
                            collector.backward(out.square().mean());
                        }
                        values = gradients(net);
                        net.getParameters().values().forEach(p -> p.getArray().getGradient().subi(p.getArray().getGradient()));
                    } else {
                        values = net.forward(store, new NDList(x), false).singletonOrThrow().toFloatArray();
                    }
                }
                boolean bad = false;
                for (float v : values) {
                    bad |= !Float.isFinite(v);
                }
                nonFinite += bad ? 1 : 0;
                if (first == null) {
                    first = values;
                } else if (!Arrays.equals(first, values)) {
                    differing++;
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s, %d passes, allocations %s, ONEDNN_MAX_CPU_ISA=%s: %d non-finite, %d differing from the first%n",
                args[0], passes, args[2], System.getenv().getOrDefault("ONEDNN_MAX_CPU_ISA", "(default)"), nonFinite, differing);
    }

    private static float[] gradients(SequentialBlock net) {
        return net.getParameters().values().stream()
                .map(p -> p.getArray().getGradient().toFloatArray())
                .reduce(new float[0], (a, b) -> {
                    float[] c = Arrays.copyOf(a, a.length + b.length);
                    System.arraycopy(b, 0, c, a.length, b.length);
                    return c;
                });
    }
}
