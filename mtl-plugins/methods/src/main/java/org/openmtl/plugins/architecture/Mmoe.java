package org.openmtl.plugins.architecture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
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
import org.openmtl.api.architecture.RepresentationGradients;
import org.openmtl.api.task.Task;

/**
 * Multi-gate mixture of experts (Ma, Zhao, Yi, Chen, Hong &amp; Chi, <i>Modeling Task Relationships
 * in Multi-task Learning with Multi-gate Mixture-of-Experts</i>, KDD 2018): {@code experts} experts,
 * each a copy of the hard-sharing trunk ({@link TrunkHeadDesign}), and per task a gate, a linear
 * layer from the flattened input to one logit per expert; task t's head reads
 * Σ_e softmax(gate_t(x))_e · f_e(x).
 *
 * <p>{@code encode} returns each task's gated mixture Σ_e softmax(gate_t(x))_e · f_e(x), one
 * (batch, d) array per task in task order, the representation each head reads; {@code decode(t)}
 * runs head t on the t-th. The experts are shared; gate t and head t are task t's own (only its
 * loss depends on them). Each task reading its own mixture, the per-task representation gradients
 * lie in disjoint blocks: the architecture declares {@link RepresentationGradients#DISJOINT}, and
 * weightings on representation gradients are refused with it. With one expert the gate is the
 * constant 1 and the network is hard sharing. {@code structure()} reports each task's mean gate
 * distribution over the last training batch.
 */
public final class Mmoe implements Architecture {

    private final TrunkHeadDesign design;
    private final int experts;

    Mmoe(TrunkHeadDesign design, int experts) {
        this.design = design;
        this.experts = experts;
    }

    /**
     * DISJOINT: each task reads its own gated mixture of the experts.
     *
     * @return {@link RepresentationGradients#DISJOINT}
     */
    @Override
    public RepresentationGradients representationGradients() {
        return RepresentationGradients.DISJOINT;
    }

    @Override
    public MultiTaskNetwork build(NetworkContext context) {
        NDManager manager = context.manager();
        NetworkHolder holder = new NetworkHolder();
        Shape input = new Shape(1).addAll(context.exampleShape());
        List<Block> expertBlocks = new ArrayList<>();
        for (int e = 0; e < experts; e++) {
            Block expert = holder.child("expert" + (e + 1), design.trunk(context.exampleShape()));
            NetworkHolder.initializeChild(expert, manager, input);
            expertBlocks.add(expert);
        }
        long features = context.exampleShape().size();
        long width = design.representationSize(context.exampleShape());
        Map<String, Block> gates = new LinkedHashMap<>();
        Map<String, Block> heads = new LinkedHashMap<>();
        for (Task task : context.tasks()) {
            Linear linear = Linear.builder().setUnits(experts).build();
            UniformInitializer uniform = new UniformInitializer((float) (1.0 / Math.sqrt(features)));
            linear.setInitializer(uniform, Parameter.Type.WEIGHT);
            linear.setInitializer(uniform, Parameter.Type.BIAS);
            Block gate = holder.child(task.name() + "_gate", new SequentialBlock().add(Blocks.batchFlattenBlock()).add(linear));
            NetworkHolder.initializeChild(gate, manager, input);
            gates.put(task.name(), gate);
            Block head = holder.child(task.name() + "_head", design.head(context.exampleShape(), task.outputs()));
            NetworkHolder.initializeChild(head, manager, new Shape(1, width));
            heads.put(task.name(), head);
        }
        return new Network(holder, context.tasks().stream().map(Task::name).toList(), expertBlocks, gates, heads);
    }

    /** The built network. */
    static final class Network implements MultiTaskNetwork {
        private final NetworkHolder holder;
        private final List<String> tasks;
        private final List<Block> experts;
        private final Map<String, Block> gates;
        private final Map<String, Block> heads;
        /** Per task, the mean gate over the last training batch (heap copies, for structure()). */
        private final Map<String, List<Double>> meanGates = new LinkedHashMap<>();

        Network(NetworkHolder holder, List<String> tasks, List<Block> experts, Map<String, Block> gates,
                Map<String, Block> heads) {
            this.holder = holder;
            this.tasks = List.copyOf(tasks);
            this.experts = experts;
            this.gates = gates;
            this.heads = heads;
        }

        @Override
        public Block block() {
            return holder;
        }

        @Override
        public NDList encode(ParameterStore parameters, NDArray input, boolean training) {
            NDList outputs = new NDList(experts.size());
            for (Block expert : experts) {
                outputs.add(expert.forward(parameters, new NDList(input), training).singletonOrThrow());
            }
            NDArray stacked = NDArrays.stack(outputs, 1);
            NDList mixtures = new NDList(tasks.size());
            for (String task : tasks) {
                NDArray weights = gate(parameters, input, task, training);
                if (training) {
                    List<Double> mean = new ArrayList<>();
                    for (float w : weights.mean(new int[] {0}).toFloatArray()) {
                        mean.add(Math.round(w * 1e4) / 1e4);
                    }
                    meanGates.put(task, mean);
                }
                // (batch, 1, experts) × (batch, experts, d) → (batch, d)
                mixtures.add(weights.expandDims(1).batchMatMul(stacked).squeeze(1));
            }
            return mixtures;
        }

        /**
         * Task t's gate distribution over the experts.
         *
         * @param parameters the parameter store
         * @param input the batch input
         * @param task the task
         * @param training whether this is a training forward
         * @return (batch, experts), each row summing to 1
         */
        NDArray gate(ParameterStore parameters, NDArray input, String task, boolean training) {
            index(task);
            return gates.get(task).forward(parameters, new NDList(input), training).singletonOrThrow().softmax(1);
        }

        @Override
        public NDArray decode(ParameterStore parameters, NDList representation, String task, boolean training) {
            NDArray mixed = representation.get(index(task));
            return heads.get(task).forward(parameters, new NDList(mixed), training).singletonOrThrow();
        }

        private int index(String task) {
            int t = tasks.indexOf(task);
            if (t < 0) {
                throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
            }
            return t;
        }

        /**
         * Each task's mean gate distribution over the experts on the last training batch, rounded
         * to 4 decimals.
         *
         * @return {@code {"experts": E, "gates": {"task": [g_1, ..., g_E], ...}}}; empty before the
         *     first training forward
         */
        @Override
        public Map<String, Object> structure() {
            if (meanGates.isEmpty()) {
                return Map.of();
            }
            Map<String, Object> gates = new LinkedHashMap<>();
            for (String task : tasks) {
                if (meanGates.containsKey(task)) {
                    gates.put(task, List.copyOf(meanGates.get(task)));
                }
            }
            return Map.of("experts", experts.size(), "gates", gates);
        }

        @Override
        public List<Parameter> sharedParameters() {
            List<Parameter> shared = new ArrayList<>();
            experts.forEach(e -> shared.addAll(e.getParameters().values()));
            return shared;
        }

        @Override
        public List<Parameter> taskParameters(String task) {
            index(task);
            List<Parameter> own = new ArrayList<>(gates.get(task).getParameters().values());
            own.addAll(heads.get(task).getParameters().values());
            return own;
        }
    }
}
