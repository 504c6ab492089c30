package org.openmtl.plugins.architecture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.UniformInitializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.architecture.RepresentationGradients;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.task.Task;
import org.openmtl.api.task.TaskDescriptor;

/**
 * One network for all tasks, conditioned on the task: the trunk and the heads' hidden layers of the
 * hard-sharing design are shared by every task, only a last output layer is each task's own, and
 * chosen trunk stages read the task descriptor z (the one-hot task index, or the features of the
 * task's {@link TaskDescriptor}). At a conditioned stage, with h = W x + b its first layer:
 *
 * <ul>
 *   <li>{@code concat}: the layer reads [x ; z], i.e. h = W_x x + W_z z + b (z as constant extra
 *       channels for a convolution);
 *   <li>{@code sum}: h = W x + b + E z, a learned task embedding added to the layer's output
 *       (per channel for a convolution); with E = W_z it is exactly {@code concat};
 *   <li>{@code gate}: h = (W x + b) ⊙ σ(G z + c), a learned multiplicative gate per unit or
 *       channel (feature-wise modulation as in FiLM, Perez et al., AAAI 2018); G is initialized
 *       at zero and c at {@code gate.bias}, so training starts near the unconditioned network.
 * </ul>
 *
 * <p>{@code encode} runs the stages before the first conditioned one (the input itself when the
 * first stage is conditioned); {@code decode(t)} the rest with z_t. Under representation-gradient
 * weightings only the layers before the first conditioned stage are reached through the
 * representation; the shared layers after it receive the sum of the tasks' gradients.
 */
public final class Conditioned implements Architecture {

    /** How z enters a conditioned stage. */
    enum Mode {
        /** [x ; z]. */
        CONCAT,
        /** + E z. */
        SUM,
        /** ⊙ σ(G z + c). */
        GATE
    }

    private final TrunkHeadDesign design;
    private final Mode mode;
    private final boolean features;
    private final List<Integer> layers;
    private final double gateBias;
    private final String layersKey;
    private final String descriptorKey;

    Conditioned(TrunkHeadDesign design, Mode mode, boolean features, List<Integer> layers, double gateBias,
            String layersKey, String descriptorKey) {
        this.design = design;
        this.mode = mode;
        this.features = features;
        this.layers = List.copyOf(layers);
        this.gateBias = gateBias;
        this.layersKey = layersKey;
        this.descriptorKey = descriptorKey;
    }

    /**
     * SHARED_IN_DECODE: the shared stages from the first conditioned one on run in decode.
     *
     * @return {@link RepresentationGradients#SHARED_IN_DECODE}
     */
    @Override
    public RepresentationGradients representationGradients() {
        return RepresentationGradients.SHARED_IN_DECODE;
    }

    @Override
    public MultiTaskNetwork build(NetworkContext context) {
        List<Task> tasks = context.tasks();
        float[][] z = descriptors(tasks);
        int zSize = z[0].length;
        NDManager manager = context.manager();
        NetworkHolder holder = new NetworkHolder();
        List<Block> stages = design.trunkStages(context.exampleShape());
        for (int l : layers) {
            if (l < 1 || l > stages.size()) {
                throw new PluginConfigException(layersKey, "has stage " + l + ", but the trunk has stages 1.."
                        + stages.size() + " for examples of shape " + context.exampleShape());
            }
        }
        Shape shape = new Shape(1).addAll(context.exampleShape());
        Map<Integer, Parameter[]> conditioning = new LinkedHashMap<>();
        for (int j = 0; j < stages.size(); j++) {
            SequentialBlock stage = (SequentialBlock) holder.child("stage" + (j + 1), stages.get(j));
            boolean conditioned = layers.contains(j + 1);
            for (Block child : stage.getChildren().values()) {
                boolean isLayer = !child.getParameters().isEmpty();
                Shape in = shape;
                if (isLayer && conditioned && mode == Mode.CONCAT) {
                    long[] dims = shape.getShape().clone();
                    dims[1] += zSize;
                    in = new Shape(dims);
                }
                shape = NetworkHolder.initializeChild(child, manager, in)[0];
                if (isLayer && conditioned && mode != Mode.CONCAT) {
                    long units = shape.get(1);
                    String name = "stage" + (j + 1) + (mode == Mode.SUM ? "_embedding" : "_gate");
                    if (mode == Mode.SUM) {
                        float bound = (float) (1.0 / Math.sqrt(zSize));
                        conditioning.put(j, new Parameter[] {holder.parameter(name, new Shape(units, zSize),
                                new UniformInitializer(bound), manager)});
                    } else {
                        conditioning.put(j, new Parameter[] {
                            holder.parameter(name + "_weight", new Shape(units, zSize), new ConstantInitializer(0f), manager),
                            holder.parameter(name + "_bias", new Shape(units), new ConstantInitializer((float) gateBias), manager)});
                    }
                }
                if (isLayer) {
                    // only the stage's first layer is conditioned
                    conditioned = false;
                }
            }
        }
        Block hidden = holder.child("head_hidden", design.headHiddenLayers(context.exampleShape()));
        Shape representation = shape;
        Shape hiddenOut = hidden.getChildren().isEmpty() ? representation
                : NetworkHolder.initializeChild(hidden, manager, representation)[0];
        Map<String, Block> outputs = new LinkedHashMap<>();
        for (Task task : tasks) {
            Block out = holder.child(task.name() + "_output",
                    TrunkHeadDesign.outputLayer(design.headOutputFanIn(context.exampleShape()), task.outputs()));
            NetworkHolder.initializeChild(out, manager, hiddenOut);
            outputs.put(task.name(), out);
        }
        return new Network(holder, tasks.stream().map(Task::name).toList(), z, stages, layers, mode, conditioning,
                hidden, outputs);
    }

    private float[][] descriptors(List<Task> tasks) {
        float[][] z = new float[tasks.size()][];
        for (int t = 0; t < tasks.size(); t++) {
            if (!features) {
                z[t] = new float[tasks.size()];
                z[t][t] = 1f;
                continue;
            }
            Task task = tasks.get(t);
            float[] f = task.descriptor().map(TaskDescriptor::features).orElse(new float[0]);
            if (f.length == 0) {
                throw new PluginConfigException(descriptorKey, "is features, but task '" + task.name()
                        + "' has no descriptor features; use onehot or a dataset that describes its tasks");
            }
            if (t > 0 && f.length != z[0].length) {
                throw new PluginConfigException(descriptorKey, "is features, but task '" + task.name() + "' has "
                        + f.length + " features and task '" + tasks.get(0).name() + "' " + z[0].length);
            }
            z[t] = f;
        }
        return z;
    }

    /** The built network. */
    static final class Network implements MultiTaskNetwork {
        private final NetworkHolder holder;
        private final List<String> tasks;
        private final float[][] z;
        private final List<Block> stages;
        private final List<Integer> layers;
        private final Mode mode;
        private final Map<Integer, Parameter[]> conditioning;
        private final Block hidden;
        private final Map<String, Block> outputs;
        private final int first;

        Network(NetworkHolder holder, List<String> tasks, float[][] z, List<Block> stages, List<Integer> layers,
                Mode mode, Map<Integer, Parameter[]> conditioning, Block hidden, Map<String, Block> outputs) {
            this.holder = holder;
            this.tasks = List.copyOf(tasks);
            this.z = z;
            this.stages = stages;
            this.layers = layers;
            this.mode = mode;
            this.conditioning = conditioning;
            this.hidden = hidden;
            this.outputs = outputs;
            this.first = layers.stream().mapToInt(Integer::intValue).min().orElse(stages.size() + 1) - 1;
        }

        @Override
        public Block block() {
            return holder;
        }

        @Override
        public NDList encode(ParameterStore parameters, NDArray input, boolean training) {
            NDArray x = input;
            for (int j = 0; j < Math.min(first, stages.size()); j++) {
                x = stages.get(j).forward(parameters, new NDList(x), training).singletonOrThrow();
            }
            return new NDList(x);
        }

        @Override
        public NDArray decode(ParameterStore parameters, NDList representation, String task, boolean training) {
            int t = tasks.indexOf(task);
            if (t < 0) {
                throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
            }
            NDArray x = representation.singletonOrThrow();
            NDArray zt = x.getManager().create(z[t]);
            for (int j = first; j < stages.size(); j++) {
                x = runStage(parameters, j, x, zt, training);
            }
            if (!hidden.getChildren().isEmpty()) {
                x = hidden.forward(parameters, new NDList(x), training).singletonOrThrow();
            }
            return outputs.get(task).forward(parameters, new NDList(x), training).singletonOrThrow();
        }

        private NDArray runStage(ParameterStore parameters, int j, NDArray x, NDArray zt, boolean training) {
            boolean conditioned = layers.contains(j + 1);
            for (Block child : ((SequentialBlock) stages.get(j)).getChildren().values()) {
                boolean isLayer = !child.getParameters().isEmpty();
                if (isLayer && conditioned && mode == Mode.CONCAT) {
                    x = NDArrays.concat(new NDList(x, broadcast(zt, x)), 1);
                }
                x = child.forward(parameters, new NDList(x), training).singletonOrThrow();
                if (isLayer && conditioned && mode != Mode.CONCAT) {
                    Parameter[] p = conditioning.get(j);
                    NDArray w = parameters.getValue(p[0], x.getDevice(), training);
                    NDArray product = w.matMul(zt.reshape(-1, 1));
                    // made in the parameters' manager (first operand): move it to the step's
                    product.attach(x.getManager());
                    NDArray effect = product.reshape(-1);
                    if (mode == Mode.SUM) {
                        x = x.add(perUnit(effect, x));
                    } else {
                        NDArray c = parameters.getValue(p[1], x.getDevice(), training);
                        x = x.mul(perUnit(ai.djl.nn.Activation.sigmoid(effect.add(c)), x));
                    }
                }
                if (isLayer) {
                    conditioned = false;
                }
            }
            return x;
        }

        /** z as extra constant input channels (or features) for every example. */
        private static NDArray broadcast(NDArray zt, NDArray x) {
            long[] shape = x.getShape().getShape().clone();
            shape[1] = zt.size();
            long[] view = new long[shape.length];
            java.util.Arrays.fill(view, 1);
            view[1] = zt.size();
            return zt.reshape(view).broadcast(new Shape(shape));
        }

        /** A per-unit vector shaped to broadcast over a layer output (batch, units[, h, w]). */
        private static NDArray perUnit(NDArray v, NDArray x) {
            long[] view = new long[x.getShape().dimension()];
            java.util.Arrays.fill(view, 1);
            view[1] = v.size();
            return v.reshape(view);
        }

        @Override
        public List<Parameter> sharedParameters() {
            List<Parameter> shared = new ArrayList<>();
            stages.forEach(s -> shared.addAll(s.getParameters().values()));
            conditioning.values().forEach(ps -> shared.addAll(List.of(ps)));
            shared.addAll(hidden.getParameters().values());
            return shared;
        }

        @Override
        public List<Parameter> taskParameters(String task) {
            Block out = outputs.get(task);
            if (out == null) {
                throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
            }
            return new ArrayList<>(out.getParameters().values());
        }
    }
}
