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
import ai.djl.nn.convolutional.Conv2dTranspose;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.UniformInitializer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.architecture.PreferenceConditionedNetwork;
import org.openmtl.api.task.Task;

/**
 * COSMOS (Ruchte &amp; Grabocka, <i>Scalable Pareto Front Approximation for Deep Multi-Objective
 * Learning</i>, ICDM 2021): one hard-sharing network whose input carries the preference vector p
 * over the K tasks, so that a single network, trained with a preference drawn per batch (weighting
 * {@code cosmos}), answers for every trade-off. The trunk and heads are those of {@code
 * hard-sharing} ({@link TrunkHeadDesign}); the trunk reads [x ; a(p)]:
 *
 * <ul>
 *   <li>{@code input} (the authors'): for a feature vector a(p) = p appended to the (flattened)
 *       features; for a (C, H, W) image a(p) is K extra channels computed from p by two bias-free
 *       transposed convolutions K&rarr;K (kernel 4, stride 1; kernel 6, stride 2, padding 1), each
 *       followed by relu, and a nearest-neighbour resize to H&times;W, learned with the trunk;
 *   <li>{@code constant}: for images, channel i is the constant p_i (no learned upsampling);
 *       vectors as {@code input}.
 * </ul>
 *
 * <p>The representation is the trunk's output, which depends on p: every shared parameter runs in
 * {@code encode}, so representation gradients stand for the shared parameters.
 */
public final class Cosmos implements Architecture {

    /** How the preference enters an image input. */
    enum Conditioning {
        /** The authors' learned transposed-convolution upsampling. */
        INPUT,
        /** Constant channels. */
        CONSTANT
    }

    private static final int UP_KERNEL_1 = 4;
    private static final int UP_KERNEL_2 = 6;
    private static final int UP_STRIDE_2 = 2;
    private static final int UP_PADDING_2 = 1;

    private final TrunkHeadDesign design;
    private final Conditioning conditioning;
    private final FrontPreferences front;
    private final int frontTrainingExamples;

    Cosmos(TrunkHeadDesign design, Conditioning conditioning, FrontPreferences front, int frontTrainingExamples) {
        this.design = design;
        this.conditioning = conditioning;
        this.front = front;
        this.frontTrainingExamples = frontTrainingExamples;
    }

    /**
     * The network reads the preference.
     *
     * @return true
     */
    @Override
    public boolean conditionedOnPreference() {
        return true;
    }

    @Override
    public MultiTaskNetwork build(NetworkContext context) {
        List<Task> tasks = context.tasks();
        int k = tasks.size();
        List<double[]> preferences = front.forTasks(k);
        Shape example = context.exampleShape();
        boolean image = example.dimension() == 3;
        Shape augmented = image ? new Shape(example.get(0) + k, example.get(1), example.get(2))
                : new Shape(example.size() + k);
        NDManager manager = context.manager();
        NetworkHolder holder = new NetworkHolder();
        Block trunk = holder.child("trunk", design.trunk(augmented));
        Shape representation = NetworkHolder.initializeChild(trunk, manager, new Shape(1).addAll(augmented))[0];
        Map<String, Block> heads = new LinkedHashMap<>();
        for (Task task : tasks) {
            Block head = holder.child(task.name(), design.head(augmented, task.outputs()));
            NetworkHolder.initializeChild(head, manager, representation);
            heads.put(task.name(), head);
        }
        Block upsampler = null;
        if (image && conditioning == Conditioning.INPUT) {
            upsampler = holder.child("preference_upsampler", new SequentialBlock()
                    .add(transposed(k, UP_KERNEL_1, 1, 0)).add(Activation.reluBlock())
                    .add(transposed(k, UP_KERNEL_2, UP_STRIDE_2, UP_PADDING_2)).add(Activation.reluBlock()));
            NetworkHolder.initializeChild(upsampler, manager, new Shape(1, k, 1, 1));
        }
        return new Network(holder, tasks.stream().map(Task::name).toList(), image, trunk, heads, upsampler,
                preferences, frontTrainingExamples);
    }

    /** A bias-free K→K transposed convolution, initialized as PyTorch's (±1/√fan_in, fan_in = K·kernel²). */
    private static Block transposed(int k, int kernel, int stride, int padding) {
        Block conv = Conv2dTranspose.builder().setKernelShape(new Shape(kernel, kernel)).setFilters(k)
                .optStride(new Shape(stride, stride)).optPadding(new Shape(padding, padding)).optBias(false).build();
        conv.setInitializer(new UniformInitializer((float) (1.0 / Math.sqrt((double) k * kernel * kernel))),
                Parameter.Type.WEIGHT);
        return conv;
    }

    /** The built network. */
    static final class Network implements PreferenceConditionedNetwork {
        private final NetworkHolder holder;
        private final List<String> tasks;
        private final boolean image;
        private final Block trunk;
        private final Map<String, Block> heads;
        private final Block upsampler;
        private final List<double[]> front;
        private final int frontTrainingExamples;
        private final List<Parameter> shared;
        private double[] preference;

        Network(NetworkHolder holder, List<String> tasks, boolean image, Block trunk, Map<String, Block> heads,
                Block upsampler, List<double[]> front, int frontTrainingExamples) {
            this.holder = holder;
            this.tasks = List.copyOf(tasks);
            this.image = image;
            this.trunk = trunk;
            this.heads = heads;
            this.upsampler = upsampler;
            this.front = front;
            this.frontTrainingExamples = frontTrainingExamples;
            List<Parameter> s = new ArrayList<>(trunk.getParameters().values());
            if (upsampler != null) {
                s.addAll(upsampler.getParameters().values());
            }
            this.shared = List.copyOf(s);
            this.preference = new double[tasks.size()];
            Arrays.fill(preference, 1.0 / tasks.size());
        }

        @Override
        public Block block() {
            return holder;
        }

        @Override
        public void condition(double[] p) {
            if (p == null || p.length != tasks.size()) {
                throw new IllegalArgumentException("a preference needs one weight per task " + tasks + ", got "
                        + (p == null ? "none" : Arrays.toString(p)));
            }
            double sum = 0;
            for (double w : p) {
                if (!(w >= 0) || Double.isInfinite(w)) {
                    throw new IllegalArgumentException("a preference needs non-negative finite weights, got "
                            + Arrays.toString(p));
                }
                sum += w;
            }
            if (Math.abs(sum - 1) > 1e-6) {
                throw new IllegalArgumentException("a preference sums to 1, got " + Arrays.toString(p));
            }
            preference = p.clone();
        }

        @Override
        public double[] preference() {
            return preference.clone();
        }

        @Override
        public List<double[]> frontPreferences() {
            List<double[]> copies = new ArrayList<>();
            front.forEach(p -> copies.add(p.clone()));
            return copies;
        }

        @Override
        public int frontTrainingExamples() {
            return frontTrainingExamples;
        }

        @Override
        public NDList encode(ParameterStore parameters, NDArray input, boolean training) {
            NDManager manager = input.getManager();
            int k = tasks.size();
            float[] values = new float[k];
            for (int i = 0; i < k; i++) {
                values[i] = (float) preference[i];
            }
            NDArray p = manager.create(values);
            long batch = input.getShape().get(0);
            NDArray x;
            if (image) {
                long height = input.getShape().get(2);
                long width = input.getShape().get(3);
                NDArray a = p.reshape(1, k, 1, 1);
                if (upsampler != null) {
                    a = upsampler.forward(parameters, new NDList(a), training).singletonOrThrow();
                    a = nearest(a, height, width);
                }
                x = NDArrays.concat(new NDList(input, a.broadcast(new Shape(batch, k, height, width))), 1);
            } else {
                NDArray flat = input.getShape().dimension() == 2 ? input : input.reshape(batch, -1);
                x = NDArrays.concat(new NDList(flat, p.reshape(1, k).broadcast(new Shape(batch, k))), 1);
            }
            return trunk.forward(parameters, new NDList(x), training);
        }

        /**
         * Resizes (1, K, h, w) to (1, K, height, width) by nearest neighbour, source index
         * ⌊i·(h/height)⌋ in single precision as PyTorch's {@code nn.Upsample(mode="nearest")}, as a
         * product with 0/1 selection matrices (differentiable, no engine-specific call).
         */
        private static NDArray nearest(NDArray a, long height, long width) {
            long h = a.getShape().get(2);
            long w = a.getShape().get(3);
            NDManager manager = a.getManager();
            NDArray rows = manager.create(selection(h, height), new Shape(height, h));
            NDArray columns = manager.create(selection(w, width), new Shape(width, w)).transpose();
            return rows.matMul(a.matMul(columns));
        }

        /** (out, in): row i has its 1 at the source index of output i. */
        private static float[] selection(long in, long out) {
            float[] s = new float[(int) (out * in)];
            float scale = (float) in / out;
            for (int i = 0; i < out; i++) {
                long source = in == out ? i : Math.min((long) Math.floor(i * scale), in - 1);
                s[(int) (i * in + source)] = 1f;
            }
            return s;
        }

        @Override
        public NDArray decode(ParameterStore parameters, NDList representation, String task, boolean training) {
            Block head = heads.get(task);
            if (head == null) {
                throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
            }
            return head.forward(parameters, representation, training).singletonOrThrow();
        }

        @Override
        public List<Parameter> sharedParameters() {
            return shared;
        }

        @Override
        public List<Parameter> taskParameters(String task) {
            Block head = heads.get(task);
            if (head == null) {
                throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
            }
            return new ArrayList<>(head.getParameters().values());
        }
    }
}
