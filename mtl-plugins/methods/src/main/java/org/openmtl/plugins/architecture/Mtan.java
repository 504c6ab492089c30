package org.openmtl.plugins.architecture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.task.Task;

/**
 * Multi-task attention network (Liu, Johns &amp; Davison, <i>End-to-End Multi-Task Learning with
 * Attention</i>, CVPR 2019): a shared trunk (the hard-sharing design's stages, {@link
 * TrunkHeadDesign}) and per task a soft-attention module at every stage. With p^j the shared
 * output of stage j and â_t^{j−1} task t's attended output of the stage before, task t's mask is
 * a_t^j = σ(g_t^j([p^j ; f^j(â_t^{j−1})])) and its attended feature â_t^j = a_t^j ⊙ p^j; at the
 * first stage g_t^1 reads p^1 alone. g_t^j is task t's own (two 1×1 convolutions, relu then
 * sigmoid, on feature maps; two linear layers on vectors), f^j maps the previous attended feature
 * to stage j's shape and is shared by the tasks, as in the paper (here a copy of the trunk's stage
 * j with its own weights). Task t's head reads â_t^L.
 *
 * <p>{@code encode} runs the shared trunk and returns every stage's output p^1..p^L; {@code
 * decode(t)} runs task t's attention chain and head. The trunk and the f^j are shared (every task
 * reads them), the attention modules and heads are their task's. When every mask is 1 the network
 * is hard sharing.
 */
public final class Mtan implements Architecture {

    private final TrunkHeadDesign design;

    Mtan(TrunkHeadDesign design) {
        this.design = design;
    }

    @Override
    public MultiTaskNetwork build(NetworkContext context) {
        NDManager manager = context.manager();
        NetworkHolder holder = new NetworkHolder();
        List<Block> trunk = design.trunkStages(context.exampleShape());
        List<Shape> shapes = new ArrayList<>();
        Shape shape = new Shape(1).addAll(context.exampleShape());
        for (int j = 0; j < trunk.size(); j++) {
            holder.child("stage" + (j + 1), trunk.get(j));
            shape = NetworkHolder.initializeChild(trunk.get(j), manager, shape)[0];
            shapes.add(shape);
        }
        // f^j for j ≥ 2: a copy of stage j mapping the previous attended feature to stage j's shape
        List<Block> extractors = new ArrayList<>();
        extractors.add(null);
        List<Block> copies = design.trunkStages(context.exampleShape());
        for (int j = 1; j < trunk.size(); j++) {
            Block f = holder.child("extractor" + (j + 1), copies.get(j));
            NetworkHolder.initializeChild(f, manager, shapes.get(j - 1));
            extractors.add(f);
        }
        Map<String, List<Block>> attention = new LinkedHashMap<>();
        Map<String, Block> heads = new LinkedHashMap<>();
        for (Task task : context.tasks()) {
            List<Block> modules = new ArrayList<>();
            for (int j = 0; j < trunk.size(); j++) {
                Shape p = shapes.get(j);
                long channels = p.get(1);
                Shape in = j == 0 ? p : concatShape(p);
                Block g = holder.child(task.name() + "_attention" + (j + 1), attentionModule(p.dimension(), channels, in.get(1)));
                NetworkHolder.initializeChild(g, manager, in);
                modules.add(g);
            }
            attention.put(task.name(), modules);
            Block head = holder.child(task.name() + "_head", design.head(context.exampleShape(), task.outputs()));
            NetworkHolder.initializeChild(head, manager, shapes.get(shapes.size() - 1));
            heads.put(task.name(), head);
        }
        return new Network(holder, context.tasks().stream().map(Task::name).toList(), trunk, extractors, attention, heads);
    }

    private static Shape concatShape(Shape p) {
        long[] dims = p.getShape().clone();
        dims[1] *= 2;
        return new Shape(dims);
    }

    /** g: 1×1 conv (or linear) to the stage's channels, relu, 1×1 conv (or linear), sigmoid. */
    private static Block attentionModule(int rank, long channels, long inChannels) {
        SequentialBlock g = new SequentialBlock();
        if (rank == 4) {
            g.add(init(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters((int) channels).build(), inChannels));
            g.add(Activation.reluBlock());
            g.add(init(Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters((int) channels).build(), channels));
        } else {
            g.add(init(Linear.builder().setUnits(channels).build(), inChannels));
            g.add(Activation.reluBlock());
            g.add(init(Linear.builder().setUnits(channels).build(), channels));
        }
        return g.add(Activation::sigmoid);
    }

    private static Block init(Block layer, long fanIn) {
        UniformInitializer uniform = new UniformInitializer((float) (1.0 / Math.sqrt(fanIn)));
        layer.setInitializer(uniform, Parameter.Type.WEIGHT);
        layer.setInitializer(uniform, Parameter.Type.BIAS);
        return layer;
    }

    /** The built network. */
    static final class Network implements MultiTaskNetwork {
        private final NetworkHolder holder;
        private final List<String> tasks;
        private final List<Block> trunk;
        private final List<Block> extractors;
        private final Map<String, List<Block>> attention;
        private final Map<String, Block> heads;

        Network(NetworkHolder holder, List<String> tasks, List<Block> trunk, List<Block> extractors,
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

        @Override
        public NDList encode(ParameterStore parameters, NDArray input, boolean training) {
            NDList features = new NDList(trunk.size());
            NDArray x = input;
            for (Block stage : trunk) {
                x = stage.forward(parameters, new NDList(x), training).singletonOrThrow();
                features.add(x);
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
         * @return a_t^1..a_t^L
         */
        List<NDArray> masks(ParameterStore parameters, NDList features, String task, boolean training) {
            List<NDArray> masks = new ArrayList<>();
            attend(parameters, features, task, training, masks);
            return masks;
        }

        private NDArray attend(ParameterStore parameters, NDList features, String task, boolean training,
                List<NDArray> masks) {
            List<Block> modules = attention.get(task);
            if (modules == null) {
                throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
            }
            NDArray attended = null;
            for (int j = 0; j < trunk.size(); j++) {
                NDArray p = features.get(j);
                NDArray in = j == 0 ? p : NDArrays.concat(new NDList(p,
                        extractors.get(j).forward(parameters, new NDList(attended), training).singletonOrThrow()), 1);
                NDArray mask = modules.get(j).forward(parameters, new NDList(in), training).singletonOrThrow();
                if (masks != null) {
                    masks.add(mask);
                }
                attended = mask.mul(p);
            }
            return attended;
        }

        @Override
        public NDArray decode(ParameterStore parameters, NDList representation, String task, boolean training) {
            NDArray attended = attend(parameters, representation, task, training, null);
            return heads.get(task).forward(parameters, new NDList(attended), training).singletonOrThrow();
        }

        @Override
        public List<Parameter> sharedParameters() {
            List<Parameter> shared = new ArrayList<>();
            trunk.forEach(s -> shared.addAll(s.getParameters().values()));
            extractors.stream().filter(java.util.Objects::nonNull).forEach(f -> shared.addAll(f.getParameters().values()));
            return shared;
        }

        @Override
        public List<Parameter> taskParameters(String task) {
            List<Block> modules = attention.get(task);
            if (modules == null) {
                throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
            }
            List<Parameter> own = new ArrayList<>();
            modules.forEach(m -> own.addAll(m.getParameters().values()));
            own.addAll(heads.get(task).getParameters().values());
            return own;
        }
    }
}
