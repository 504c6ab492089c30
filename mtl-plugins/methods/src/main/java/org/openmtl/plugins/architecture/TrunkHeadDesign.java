package org.openmtl.plugins.architecture;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.UniformInitializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginConfigException;

/**
 * The layer design shared by {@link HardSharing} and {@link Independent}: a trunk that turns an
 * example into a representation vector, and a head per task that turns the representation into the
 * task's outputs.
 *
 * <p>Two trunks exist. {@code lenet} is the MultiLeNet of Sener &amp; Koltun (NeurIPS 2018) for
 * MultiMNIST, layer for layer the model in {@code bench/pytorch_reference.py}: conv C&rarr;10 k5,
 * maxpool 2, relu, conv 10&rarr;20 k5, maxpool 2, relu, flatten (320 for 1&times;28&times;28), fc
 * &rarr;50, relu; its heads are fc 50&rarr;50, relu, fc 50&rarr;outputs. {@code mlp} is a
 * multilayer perceptron with relu ({@code mlp.hidden}), and heads of {@code head.hidden} relu
 * layers and an output layer; inputs of any rank are flattened first.
 *
 * <p>Every layer is initialized as PyTorch initializes {@code nn.Conv2d} and {@code nn.Linear}
 * (weights and biases uniform in &plusmn;1/&radic;fan_in), so the network starts from the same
 * distribution as the reference it is benchmarked and compared against.
 */
final class TrunkHeadDesign {

    /** Width of the lenet trunk's representation and of its heads' hidden layer. */
    static final int LENET_WIDTH = 50;

    private static final int LENET_KERNEL = 5;
    private static final int LENET_POOL = 2;
    private static final int LENET_FILTERS_1 = 10;
    private static final int LENET_FILTERS_2 = 20;

    /** The trunk a network uses. */
    enum Trunk {
        /** Lenet for (C, H, W) examples, mlp for (d). */
        AUTO,
        /** The MultiLeNet convolutional trunk. */
        LENET,
        /** A multilayer perceptron. */
        MLP
    }

    private final Trunk trunk;
    private final List<Integer> mlpHidden;
    private final List<Integer> headHidden;
    private final String trunkKey;

    private TrunkHeadDesign(
            Trunk trunk, List<Integer> mlpHidden, List<Integer> headHidden, String trunkKey) {
        this.trunk = trunk;
        this.mlpHidden = mlpHidden;
        this.headHidden = headHidden;
        this.trunkKey = trunkKey;
    }

    /**
     * The configuration keys of the design, declared by every architecture that uses it.
     *
     * @return the keys
     */
    static ConfigKey[] configKeys() {
        return new ConfigKey[] {
            ConfigKey.choice(
                    "trunk",
                    "auto",
                    "The shared trunk: lenet (MultiLeNet convolutions, for (C,H,W) examples), mlp"
                            + " (relu perceptron, inputs flattened), or auto (lenet for rank-3"
                            + " examples, mlp for rank-1).",
                    "auto",
                    "lenet",
                    "mlp"),
            ConfigKey.numbers(
                    "mlp.hidden",
                    "64,64",
                    "Widths of the mlp trunk's relu layers (positive integers, at least one); the"
                            + " last is the representation size."),
            ConfigKey.numbers(
                    "head.hidden",
                    "32",
                    "Widths of the relu layers of each task head on an mlp trunk (positive"
                            + " integers, may be empty); the lenet design's heads are fixed at"
                            + " 50-50-outputs.")
        };
    }

    /**
     * Reads the design from a validated configuration.
     *
     * @param config the architecture's configuration
     * @return the design
     * @throws PluginConfigException if a width is not a positive integer
     */
    static TrunkHeadDesign from(PluginConfig config) {
        Trunk trunk = Trunk.valueOf(config.getString("trunk").toUpperCase(Locale.ROOT));
        List<Integer> mlpHidden = widths(config, "mlp.hidden");
        if (mlpHidden.isEmpty()) {
            throw new PluginConfigException(
                    config.qualifiedKey("mlp.hidden"),
                    "is empty; expected at least one layer width, e.g. 64,64");
        }
        List<Integer> headHidden = widths(config, "head.hidden");
        return new TrunkHeadDesign(trunk, mlpHidden, headHidden, config.qualifiedKey("trunk"));
    }

    private static List<Integer> widths(PluginConfig config, String key) {
        List<Integer> widths = new ArrayList<>();
        for (double w : config.getDoubleList(key)) {
            if (w < 1 || w != Math.rint(w) || w > Integer.MAX_VALUE) {
                throw new PluginConfigException(
                        config.qualifiedKey(key),
                        "'"
                                + config.getString(key)
                                + "' is not valid; expected positive integer layer widths, e.g."
                                + " 64,64");
            }
            widths.add((int) w);
        }
        return List.copyOf(widths);
    }

    /**
     * The same design with the mlp trunk whatever the examples' rank (inputs flattened).
     *
     * @return the design
     */
    TrunkHeadDesign withMlpTrunk() {
        return new TrunkHeadDesign(Trunk.MLP, mlpHidden, headHidden, trunkKey);
    }

    /**
     * Builds a trunk for examples of the given shape.
     *
     * @param exampleShape one example's shape, without the batch axis
     * @return an uninitialized trunk whose output is (batch, {@link #representationSize})
     * @throws PluginConfigException if the trunk does not fit the examples
     */
    Block trunk(Shape exampleShape) {
        return resolve(exampleShape) == Trunk.LENET
                ? lenetTrunk(exampleShape)
                : mlpTrunk(exampleShape);
    }

    /**
     * The trunk as consecutive stages, the points after which multi-task architectures mix, gate or
     * condition: for lenet [conv, pool, relu], [conv, pool, relu, flatten], [fc, relu]; for mlp one
     * stage per hidden layer ([flatten,] fc, relu for the first, fc, relu after). The layers and their
     * initialization are those of {@link #trunk}; run one after another the stages compute it.
     *
     * @param exampleShape one example's shape, without the batch axis
     * @return the uninitialized stages
     * @throws PluginConfigException if the trunk does not fit the examples
     */
    List<Block> trunkStages(Shape exampleShape) {
        List<Block> stages = new ArrayList<>();
        if (resolve(exampleShape) == Trunk.LENET) {
            long channels = exampleShape.get(0);
            long height = afterConvPool(afterConvPool(exampleShape.get(1)));
            long width = afterConvPool(afterConvPool(exampleShape.get(2)));
            if (height < 1 || width < 1) {
                throw new PluginConfigException(trunkKey,
                        "lenet needs examples of at least 16x16 pixels, but they have shape " + exampleShape + "; use mlp");
            }
            long kernelArea = (long) LENET_KERNEL * LENET_KERNEL;
            Shape pool = new Shape(LENET_POOL, LENET_POOL);
            stages.add(new SequentialBlock().add(conv(LENET_FILTERS_1, channels * kernelArea))
                    .add(Pool.maxPool2dBlock(pool)).add(Activation.reluBlock()));
            stages.add(new SequentialBlock().add(conv(LENET_FILTERS_2, LENET_FILTERS_1 * kernelArea))
                    .add(Pool.maxPool2dBlock(pool)).add(Activation.reluBlock()).add(Blocks.batchFlattenBlock()));
            stages.add(new SequentialBlock().add(linear(LENET_WIDTH, LENET_FILTERS_2 * height * width))
                    .add(Activation.reluBlock()));
            return stages;
        }
        long fanIn = exampleShape.size();
        for (int i = 0; i < mlpHidden.size(); i++) {
            SequentialBlock stage = new SequentialBlock();
            if (i == 0 && exampleShape.dimension() != 1) {
                stage.add(Blocks.batchFlattenBlock());
            }
            stages.add(stage.add(linear(mlpHidden.get(i), fanIn)).add(Activation.reluBlock()));
            fanIn = mlpHidden.get(i);
        }
        return stages;
    }

    /**
     * Whether the examples get the lenet trunk.
     *
     * @param exampleShape one example's shape
     * @return true for lenet, false for mlp
     */
    boolean isLenet(Shape exampleShape) {
        return resolve(exampleShape) == Trunk.LENET;
    }

    /**
     * Builds one task's head.
     *
     * @param exampleShape one example's shape, without the batch axis
     * @param outputs the task's output size
     * @return an uninitialized head reading the trunk's representation
     */
    Block head(Shape exampleShape, int outputs) {
        List<Integer> hidden =
                resolve(exampleShape) == Trunk.LENET ? List.of(LENET_WIDTH) : headHidden;
        SequentialBlock head = new SequentialBlock();
        long fanIn = representationSize(exampleShape);
        for (int width : hidden) {
            head.add(linear(width, fanIn)).add(Activation.reluBlock());
            fanIn = width;
        }
        return head.add(linear(outputs, fanIn));
    }

    /**
     * The hidden layers of a head (relu after each), without its output layer; empty for an mlp
     * design with no {@code head.hidden}.
     *
     * @param exampleShape one example's shape
     * @return the layers, reading the trunk's representation
     */
    SequentialBlock headHiddenLayers(Shape exampleShape) {
        SequentialBlock layers = new SequentialBlock();
        long fanIn = representationSize(exampleShape);
        for (int width : headHiddenWidths(exampleShape)) {
            layers.add(linear(width, fanIn)).add(Activation.reluBlock());
            fanIn = width;
        }
        return layers;
    }

    /**
     * The width a head's output layer reads.
     *
     * @param exampleShape one example's shape
     * @return the last hidden width, or the representation size when there is no hidden layer
     */
    long headOutputFanIn(Shape exampleShape) {
        List<Integer> hidden = headHiddenWidths(exampleShape);
        return hidden.isEmpty() ? representationSize(exampleShape) : hidden.get(hidden.size() - 1);
    }

    /**
     * A head's output layer.
     *
     * @param fanIn its input width
     * @param outputs the task's outputs
     * @return the uninitialized layer
     */
    static Block outputLayer(long fanIn, int outputs) {
        return linear(outputs, fanIn);
    }

    private List<Integer> headHiddenWidths(Shape exampleShape) {
        return resolve(exampleShape) == Trunk.LENET ? List.of(LENET_WIDTH) : headHidden;
    }

    /**
     * The width of the representation the trunk produces.
     *
     * @param exampleShape one example's shape
     * @return the representation size
     */
    long representationSize(Shape exampleShape) {
        return resolve(exampleShape) == Trunk.LENET
                ? LENET_WIDTH
                : mlpHidden.get(mlpHidden.size() - 1);
    }

    private Trunk resolve(Shape exampleShape) {
        int rank = exampleShape.dimension();
        switch (trunk) {
            case LENET:
                if (rank != 3) {
                    throw new PluginConfigException(
                            trunkKey,
                            "lenet needs (channels, height, width) examples, but the dataset's"
                                    + " examples have shape "
                                    + exampleShape
                                    + "; use mlp or auto");
                }
                return Trunk.LENET;
            case MLP:
                return Trunk.MLP;
            case AUTO:
            default:
                if (rank == 3) {
                    return Trunk.LENET;
                }
                if (rank == 1) {
                    return Trunk.MLP;
                }
                throw new PluginConfigException(
                        trunkKey,
                        "auto chooses lenet for rank-3 and mlp for rank-1 examples, but the"
                                + " dataset's examples have shape "
                                + exampleShape
                                + "; set lenet or mlp");
        }
    }

    private Block lenetTrunk(Shape exampleShape) {
        long channels = exampleShape.get(0);
        long height = afterConvPool(afterConvPool(exampleShape.get(1)));
        long width = afterConvPool(afterConvPool(exampleShape.get(2)));
        if (height < 1 || width < 1) {
            throw new PluginConfigException(
                    trunkKey,
                    "lenet needs examples of at least 16x16 pixels, but they have shape "
                            + exampleShape
                            + "; use mlp");
        }
        long flattened = LENET_FILTERS_2 * height * width;
        long kernelArea = (long) LENET_KERNEL * LENET_KERNEL;
        Shape pool = new Shape(LENET_POOL, LENET_POOL);
        return new SequentialBlock()
                .add(conv(LENET_FILTERS_1, channels * kernelArea))
                .add(Pool.maxPool2dBlock(pool))
                .add(Activation.reluBlock())
                .add(conv(LENET_FILTERS_2, LENET_FILTERS_1 * kernelArea))
                .add(Pool.maxPool2dBlock(pool))
                .add(Activation.reluBlock())
                .add(Blocks.batchFlattenBlock())
                .add(linear(LENET_WIDTH, flattened))
                .add(Activation.reluBlock());
    }

    private static long afterConvPool(long size) {
        return (size - LENET_KERNEL + 1) / LENET_POOL;
    }

    private Block mlpTrunk(Shape exampleShape) {
        SequentialBlock trunk = new SequentialBlock();
        if (exampleShape.dimension() != 1) {
            trunk.add(Blocks.batchFlattenBlock());
        }
        long fanIn = exampleShape.size();
        for (int width : mlpHidden) {
            trunk.add(linear(width, fanIn)).add(Activation.reluBlock());
            fanIn = width;
        }
        return trunk;
    }

    private static Block conv(int filters, long fanIn) {
        Block conv =
                Conv2d.builder()
                        .setKernelShape(new Shape(LENET_KERNEL, LENET_KERNEL))
                        .setFilters(filters)
                        .build();
        return initializeLikePyTorch(conv, fanIn);
    }

    private static Block linear(long units, long fanIn) {
        return initializeLikePyTorch(Linear.builder().setUnits(units).build(), fanIn);
    }

    private static Block initializeLikePyTorch(Block layer, long fanIn) {
        // PyTorch's default: kaiming_uniform(a=sqrt(5)) for weights is uniform(+-1/sqrt(fan_in)),
        // and biases use the same bound.
        Initializer uniform = new UniformInitializer((float) (1.0 / Math.sqrt(fanIn)));
        layer.setInitializer(uniform, Parameter.Type.WEIGHT);
        layer.setInitializer(uniform, Parameter.Type.BIAS);
        return layer;
    }
}
