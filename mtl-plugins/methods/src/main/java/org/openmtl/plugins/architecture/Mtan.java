package org.openmtl.plugins.architecture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.architecture.RepresentationGradients;
import org.openmtl.api.task.Task;

/**
 * Multi-task attention network (Liu, Johns &amp; Davison, <i>End-to-End Multi-Task Learning with
 * Attention</i>, CVPR 2019): a shared trunk (the hard-sharing design's stages, {@link
 * TrunkHeadDesign}) and per task a soft-attention module at every stage.
 *
 * <p>At stage j the trunk computes u^j, the stage's pre-activation, and its output p^j =
 * relu(u^j). Task t's mask is a_t^j = σ(h_t^j(g_t^j([u^j ; f^j(â_t^{j−1})]))) and its attended
 * feature â_t^j = a_t^j ⊙ p^j; at the first stage the module reads u^1 alone. g and h are task
 * t's own: two 1×1 convolutions, each followed by BatchNorm (relu between, sigmoid after; the
 * authors' module), on the feature maps of a convolutional stage, two linear layers on vectors
 * (a fully connected stage, an mlp trunk), without BatchNorm by default ({@link Norm#CONV}; with
 * {@link Norm#BATCH} BatchNorm over the features there too); the mask has p^j's shape. With {@link
 * Norm#NONE} every BatchNorm is left out. f^j brings the previous attended
 * feature to stage j's shape and is shared by the tasks, as the paper's shared feature extractor: a
 * copy of stage j's layers (with its own weights) followed by relu. Task t's head reads â_t^L.
 *
 * <p>The paper's u^j is an intermediate layer's output inside block j and p^j the block's output,
 * both at the block's resolution. The lenet and mlp stages have one weight layer each, so u^j here
 * is that layer's output before the activation: for a convolutional stage the convolution's output
 * after the stage's own max pooling (the step that brings it to p^j's resolution; max pooling and
 * relu commute, so relu(u^j) is exactly the stage's output), for an mlp or fully connected stage
 * the linear layer's output. Lenet's second stage flattens after its relu; its mask is taken on the
 * (20, 4, 4) maps before that flattening, so every convolutional stage gets 1×1 convolutions.
 *
 * <p>{@code encode} runs the shared trunk and returns every stage's u^1..u^L (functions of the
 * input and the trunk alone); {@code decode(t)} takes relu, runs task t's attention chain (with
 * the shared f^j) and its head. The trunk and the f^j are shared (every task reads them), the
 * attention modules and heads are their task's. When every mask is 1 the network is hard sharing.
 *
 * <p>The BatchNorms normalize with the batch's statistics in a training forward ({@code training}
 * true), updating their running mean and variance (momentum 0.1 in PyTorch's convention, ε 1e-5),
 * and with the running statistics in an evaluation forward. The running statistics are parameters
 * of the network's block without gradient, so they are saved and restored with the rest.
 */
public final class Mtan implements Architecture {

    /** Whether the attention modules normalize after each 1×1 convolution (or linear layer). */
    enum Norm {
        /**
         * BatchNorm after each of the two layers of g and h, on maps and on vectors alike. On
         * MultiLeNet the BatchNorms of the fully connected stage's modules made evaluation (running
         * statistics) unstable while training was not.
         */
        BATCH,
        /**
         * BatchNorm after each layer of the modules on convolutional maps (the authors' module, whose
         * stages are all convolutional), none in the modules on vectors (fully connected stages, an
         * mlp trunk): the default.
         */
        CONV,
        /** No normalization: 1×1 convolution, relu, 1×1 convolution, sigmoid. */
        NONE;

        /** Whether a module on inputs of this rank (4: maps, 2: vectors) normalizes. */
        boolean normalizes(int rank) {
            return this == BATCH || this == CONV && rank == 4;
        }
    }

    private final TrunkHeadDesign design;
    private final Norm norm;

    Mtan(TrunkHeadDesign design, Norm norm) {
        this.design = design;
        this.norm = norm;
    }

    /**
     * SHARED_IN_DECODE: the shared attention features f^j run in decode, on each task's attended maps.
     *
     * @return {@link RepresentationGradients#SHARED_IN_DECODE}
     */
    @Override
    public RepresentationGradients representationGradients() {
        return RepresentationGradients.SHARED_IN_DECODE;
    }

    @Override
    public MultiTaskNetwork build(NetworkContext context) {
        NDManager manager = context.manager();
        NetworkHolder holder = new NetworkHolder();
        Shape example = context.exampleShape();
        List<Block> stages = design.trunkStages(example);
        List<MtanStage> trunk = new ArrayList<>();
        List<Shape> outputs = new ArrayList<>();
        Shape shape = new Shape(1).addAll(example);
        for (int j = 0; j < stages.size(); j++) {
            MtanStage stage = MtanStage.split(stages.get(j));
            holder.child("stage" + (j + 1), stage.block());
            Shape in = shape;
            shape = NetworkHolder.initializeChild(stage.block(), manager, in)[0];
            trunk.add(stage.withShapes(stage.preActivation().getOutputShapes(new Shape[] {in})[0], shape));
            outputs.add(shape);
        }
        // f^j for j ≥ 2: a copy of stage j's layers and relu, from â^{j−1} (as stage j−1 hands it on) to u^j's shape
        List<Block> extractors = new ArrayList<>();
        extractors.add(null);
        List<Block> copies = design.trunkStages(example);
        for (int j = 1; j < stages.size(); j++) {
            MtanStage copy = MtanStage.split(copies.get(j));
            Block f = holder.child("extractor" + (j + 1),
                    new SequentialBlock().add(copy.preActivation()).add(Activation.reluBlock()));
            NetworkHolder.initializeChild(f, manager, outputs.get(j - 1));
            extractors.add(f);
        }
        Map<String, List<Block>> attention = new LinkedHashMap<>();
        Map<String, Block> heads = new LinkedHashMap<>();
        for (Task task : context.tasks()) {
            List<Block> modules = new ArrayList<>();
            for (int j = 0; j < trunk.size(); j++) {
                Shape u = trunk.get(j).uShape();
                Shape in = j == 0 ? u : doubledChannels(u);
                Block g = holder.child(task.name() + "_attention" + (j + 1), attentionModule(u.dimension(), u.get(1), in.get(1), norm));
                NetworkHolder.initializeChild(g, manager, in);
                modules.add(g);
            }
            attention.put(task.name(), modules);
            Block head = holder.child(task.name() + "_head", design.head(example, task.outputs()));
            NetworkHolder.initializeChild(head, manager, outputs.get(outputs.size() - 1));
            heads.put(task.name(), head);
        }
        return new Network(holder, context.tasks().stream().map(Task::name).toList(), trunk, extractors, attention, heads);
    }

    private static Shape doubledChannels(Shape u) {
        long[] dims = u.getShape().clone();
        dims[1] *= 2;
        return new Shape(dims);
    }

    /**
     * g then h: 1×1 conv (or linear) to the stage's channels, BatchNorm, relu, 1×1 conv (or linear),
     * BatchNorm, sigmoid; without the BatchNorms for {@link Norm#NONE}.
     */
    private static Block attentionModule(int rank, long channels, long inChannels, Norm setting) {
        Norm norm = setting.normalizes(rank) ? Norm.BATCH : Norm.NONE;
        SequentialBlock module = new SequentialBlock();
        if (rank == 4) {
            module.add(init(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters((int) channels).build(), inChannels));
            addNorm(module, norm);
            module.add(Activation.reluBlock());
            module.add(init(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters((int) channels).build(), channels));
        } else {
            module.add(init(Linear.builder().setUnits(channels).build(), inChannels));
            addNorm(module, norm);
            module.add(Activation.reluBlock());
            module.add(init(Linear.builder().setUnits(channels).build(), channels));
        }
        addNorm(module, norm);
        return module.add(Activation::sigmoid);
    }

    /**
     * BatchNorm over axis 1 (channels of (N, C, H, W) maps, features of (N, F) vectors), as PyTorch's
     * BatchNorm2d and BatchNorm1d: weight 1 and bias 0 at the start, running mean 0 and variance 1,
     * ε 1e-5, running statistics updated by 0.1 of the batch's (DJL's momentum 0.9 is the share kept).
     */
    private static void addNorm(SequentialBlock module, Norm norm) {
        if (norm == Norm.BATCH) {
            module.add(BatchNorm.builder().optAxis(1).optEpsilon(1e-5f).optMomentum(0.9f).build());
        }
    }

    private static Block init(Block layer, long fanIn) {
        UniformInitializer uniform = new UniformInitializer((float) (1.0 / Math.sqrt(fanIn)));
        layer.setInitializer(uniform, Parameter.Type.WEIGHT);
        layer.setInitializer(uniform, Parameter.Type.BIAS);
        return layer;
    }

    /**
     * One trunk stage cut at its relu: the layers before it compute u (the pre-activation), the
     * relu and what follows it (lenet's flattening) the stage's output. {@link #block()} runs both
     * and computes exactly the stage of {@link TrunkHeadDesign#trunkStages}, with its layers and
     * parameter order.
     */
    record MtanStage(SequentialBlock preActivation, SequentialBlock activation, SequentialBlock block,
            Shape uShape, Shape outputShape) {

        private static final String RELU = ((LambdaBlock) Activation.reluBlock()).getName();

        /**
         * Cuts a stage of {@link TrunkHeadDesign#trunkStages} before its relu.
         *
         * @param stage the stage, a sequence ending with relu (and, for lenet's second stage, a flattening)
         * @return the cut stage, shapes not yet known
         * @throws IllegalStateException if the stage has no relu
         */
        static MtanStage split(Block stage) {
            List<Block> layers = new ArrayList<>(stage.getChildren().values());
            int relu = -1;
            for (int i = 0; i < layers.size(); i++) {
                if (layers.get(i) instanceof LambdaBlock lambda && RELU.equals(lambda.getName())) {
                    relu = i;
                }
            }
            if (relu < 1) {
                throw new IllegalStateException("mtan cuts each trunk stage before its relu, but the stage " + stage
                        + " has no relu after a weight layer");
            }
            SequentialBlock pre = new SequentialBlock().addAll(layers.subList(0, relu));
            SequentialBlock post = new SequentialBlock().addAll(layers.subList(relu, layers.size()));
            return new MtanStage(pre, post, new SequentialBlock().add(pre).add(post), null, null);
        }

        MtanStage withShapes(Shape u, Shape output) {
            return new MtanStage(preActivation, activation, block, u, output);
        }

        /** Whether the stage flattens its output after the relu (lenet's second stage). */
        boolean flattens() {
            return outputShape.dimension() != uShape.dimension();
        }
    }

    /** The built network. */
    static final class Network implements MultiTaskNetwork {
        private final NetworkHolder holder;
        private final List<String> tasks;
        private final List<MtanStage> trunk;
        private final List<Block> extractors;
        private final Map<String, List<Block>> attention;
        private final Map<String, Block> heads;

        Network(NetworkHolder holder, List<String> tasks, List<MtanStage> trunk, List<Block> extractors,
                Map<String, List<Block>> attention, Map<String, Block> heads) {
            this.holder = holder;
            this.tasks = List.copyOf(tasks);
            this.trunk = trunk;
            this.extractors = extractors;
            this.attention = attention;
            this.heads = heads;
        }

        @Override
        public Block block() {
            return holder;
        }

        private static NDArray run(ParameterStore parameters, Block block, NDArray x, boolean training) {
            return block.forward(parameters, new NDList(x), training).singletonOrThrow();
        }

        /**
         * Runs the shared trunk.
         *
         * @return u^1..u^L, each stage's pre-activation
         */
        @Override
        public NDList encode(ParameterStore parameters, NDArray input, boolean training) {
            NDList features = new NDList(trunk.size());
            NDArray x = input;
            for (int j = 0; j < trunk.size(); j++) {
                MtanStage stage = trunk.get(j);
                NDArray u = run(parameters, stage.preActivation(), x, training);
                features.add(u);
                if (j < trunk.size() - 1) {
                    x = run(parameters, stage.activation(), u, training);
                }
            }
            return features;
        }

        /**
         * Task t's masks at every stage.
         *
         * @param parameters the parameter store
         * @param features what {@link #encode} returned
         * @param task the task
         * @param training whether training
         * @return a_t^1..a_t^L, each of its stage's (unflattened) output shape
         */
        List<NDArray> masks(ParameterStore parameters, NDList features, String task, boolean training) {
            List<NDArray> masks = new ArrayList<>();
            attend(parameters, features, task, training, masks);
            return masks;
        }

        /** Task t's attention chain; returns â_t^L as the head reads it. */
        private NDArray attend(ParameterStore parameters, NDList features, String task, boolean training,
                List<NDArray> masks) {
            List<Block> modules = modules(task);
            NDArray attended = null;
            for (int j = 0; j < trunk.size(); j++) {
                NDArray u = features.get(j);
                NDArray in = j == 0 ? u : NDArrays.concat(new NDList(u, run(parameters, extractors.get(j), attended, training)), 1);
                NDArray mask = run(parameters, modules.get(j), in, training);
                if (masks != null) {
                    masks.add(mask);
                }
                attended = mask.mul(Activation.relu(u));
                if (trunk.get(j).flattens()) {
                    attended = attended.reshape(attended.getShape().get(0), -1);
                }
            }
            return attended;
        }

        @Override
        public NDArray decode(ParameterStore parameters, NDList representation, String task, boolean training) {
            NDArray attended = attend(parameters, representation, task, training, null);
            return run(parameters, heads.get(task), attended, training);
        }

        private List<Block> modules(String task) {
            List<Block> modules = attention.get(task);
            if (modules == null) {
                throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
            }
            return modules;
        }

        @Override
        public List<Parameter> sharedParameters() {
            List<Parameter> shared = new ArrayList<>();
            trunk.forEach(s -> shared.addAll(s.block().getParameters().values()));
            extractors.stream().filter(java.util.Objects::nonNull).forEach(f -> shared.addAll(f.getParameters().values()));
            return shared;
        }

        @Override
        public List<Parameter> taskParameters(String task) {
            List<Parameter> own = new ArrayList<>();
            modules(task).forEach(m -> own.addAll(m.getParameters().values()));
            own.addAll(heads.get(task).getParameters().values());
            return own;
        }
    }
}
