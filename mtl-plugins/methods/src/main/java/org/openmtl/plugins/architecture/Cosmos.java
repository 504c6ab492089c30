package org.openmtl.plugins.architecture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
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
 *   <li>with the mlp trunk, a(p) = p appended to the (flattened) features;
 *   <li>with the lenet trunk, a(p) is K extra input channels: {@code input} (the authors') computes
 *       them from p by two bias-free transposed convolutions K&rarr;K (kernel 4, stride 1; kernel 6,
 *       stride 2, padding 1), each followed by relu, and a nearest-neighbour resize to H&times;W,
 *       learned with the trunk; {@code constant} makes channel i the constant p_i.
 * </ul>
 *
 * <p>The first convolution over [x ; a] is computed as the trunk's convolution of x (its weights
 * for the image channels, initialized for the fan-in of all C + K channels as PyTorch initializes
 * the concatenated layer) plus the convolution of the one image a with the weights for the K
 * preference channels, a parameter of its own; the sum is the convolution of the concatenation.
 * That second part and the transposed convolutions are products of matrices: the engine binding
 * has no transposed convolution, and the engine's convolution gradient with respect to its input,
 * which a plain trunk needs only from its second convolution on, comes out wrong from oneDNN's
 * AVX2 and AVX-512 kernels (see the method page); as products, the preference path adds no such
 * gradient of its own.
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
        boolean image = design.isLenet(example);
        Shape augmented = image ? new Shape(example.get(0) + k, example.get(1), example.get(2))
                : new Shape(example.size() + k);
        NDManager manager = context.manager();
        NetworkHolder holder = new NetworkHolder();
        // built for the augmented input, so every layer is initialized for its fan-in over [x ; a]
        List<Block> stages = design.trunkStages(augmented);
        Shape shape = new Shape(1).addAll(image ? example : augmented);
        for (int j = 0; j < stages.size(); j++) {
            Block stage = holder.child("stage" + (j + 1), stages.get(j));
            shape = NetworkHolder.initializeChild(stage, manager, shape)[0];
        }
        Shape representation = shape;
        Map<String, Block> heads = new LinkedHashMap<>();
        for (Task task : tasks) {
            Block head = holder.child(task.name(), design.head(augmented, task.outputs()));
            NetworkHolder.initializeChild(head, manager, representation);
            heads.put(task.name(), head);
        }
        Parameter preferenceWeight = null;
        Parameter[] upsampler = null;
        if (image) {
            Block conv = ((SequentialBlock) stages.get(0)).getChildren().get(0).getValue();
            Shape convShape = conv.getParameters().get("weight").getArray().getShape();
            long kernelArea = convShape.get(2) * convShape.get(3);
            preferenceWeight = holder.parameter("preference_input_weight",
                    new Shape(convShape.get(0), k, convShape.get(2), convShape.get(3)),
                    new UniformInitializer((float) (1.0 / Math.sqrt((double) augmented.get(0) * kernelArea))), manager);
            if (conditioning == Conditioning.INPUT) {
                upsampler = new Parameter[] {transposed(holder, "preference_upsampler_1", k, UP_KERNEL_1, manager),
                    transposed(holder, "preference_upsampler_2", k, UP_KERNEL_2, manager)};
            }
        }
        return new Network(holder, tasks.stream().map(Task::name).toList(), stages, heads, preferenceWeight, upsampler,
                preferences, frontTrainingExamples);
    }

    /**
     * The weight of a bias-free K→K transposed convolution, laid out (in, out, kernel, kernel) and
     * initialized as PyTorch's {@code nn.ConvTranspose2d} (uniform in ±1/√fan_in, fan_in = K·kernel²).
     */
    private static Parameter transposed(NetworkHolder holder, String name, int k, int kernel, NDManager manager) {
        return holder.parameter(name, new Shape(k, k, kernel, kernel),
                new UniformInitializer((float) (1.0 / Math.sqrt((double) k * kernel * kernel))), manager);
    }

    /** The built network. */
    static final class Network implements PreferenceConditionedNetwork {
        private final NetworkHolder holder;
        private final List<String> tasks;
        private final List<Block> stages;
        private final Map<String, Block> heads;
        /** The first convolution's weights for the preference channels; null for the mlp trunk. */
        private final Parameter preferenceWeight;
        /** The two transposed convolutions' weights; null without learned upsampling. */
        private final Parameter[] upsampler;
        private final List<double[]> front;
        private final int frontTrainingExamples;
        private final List<Parameter> shared;
        private double[] preference;

        Network(NetworkHolder holder, List<String> tasks, List<Block> stages, Map<String, Block> heads,
                Parameter preferenceWeight, Parameter[] upsampler, List<double[]> front, int frontTrainingExamples) {
            this.holder = holder;
            this.tasks = List.copyOf(tasks);
            this.stages = List.copyOf(stages);
            this.heads = heads;
            this.preferenceWeight = preferenceWeight;
            this.upsampler = upsampler;
            this.front = front;
            this.frontTrainingExamples = frontTrainingExamples;
            // a list of Parameter objects (no arithmetic): the trunk's, then the preference path's
            List<Parameter> sharedParameters = new ArrayList<>();
            stages.forEach(stage -> sharedParameters.addAll(stage.getParameters().values()));
            if (preferenceWeight != null) {
                sharedParameters.add(preferenceWeight);
            }
            if (upsampler != null) {
                sharedParameters.addAll(List.of(upsampler));
            }
            this.shared = List.copyOf(sharedParameters);
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
            NDArray p = engineMade(manager, values, new Shape(k));
            long batch = input.getShape().get(0);
            NDArray x;
            int first = 0;
            if (preferenceWeight != null) {
                long height = input.getShape().get(2);
                long width = input.getShape().get(3);
                NDArray a = p.reshape(1, k, 1, 1);
                if (upsampler != null) {
                    a = Activation.relu(transposedConvolution(parameters, upsampler[0], a, 1, 0, training));
                    a = Activation.relu(transposedConvolution(parameters, upsampler[1], a, UP_STRIDE_2, UP_PADDING_2,
                            training));
                    a = nearest(a, height, width);
                } else {
                    a = a.broadcast(new Shape(1, k, height, width));
                }
                x = input;
                boolean convolved = false;
                for (Block child : ((SequentialBlock) stages.get(0)).getChildren().values()) {
                    x = child.forward(parameters, new NDList(x), training).singletonOrThrow();
                    if (!convolved) {
                        x = x.add(preferenceConvolution(parameters, a, training));
                        convolved = true;
                    }
                }
                first = 1;
            } else {
                NDArray flat = input.getShape().dimension() == 2 ? input : input.reshape(batch, -1);
                x = NDArrays.concat(new NDList(flat, p.reshape(1, k).broadcast(new Shape(batch, k))), 1);
            }
            for (int j = first; j < stages.size(); j++) {
                x = stages.get(j).forward(parameters, new NDList(x), training).singletonOrThrow();
            }
            return new NDList(x);
        }

        /**
         * The valid convolution of the preference image a (1, K, H, W) with the preference channels'
         * weights V (F, K, kh, kw): (1, F, H − kh + 1, W − kw + 1), as V · patches(a), the patches
         * gathered by products with 0/1 matrices (row y + ky of a for output row y and tap ky).
         */
        private NDArray preferenceConvolution(ParameterStore parameters, NDArray a, boolean training) {
            NDManager manager = a.getManager();
            NDArray v = parameters.getValue(preferenceWeight, a.getDevice(), training);
            long filters = v.getShape().get(0);
            long k = v.getShape().get(1);
            long kh = v.getShape().get(2);
            long kw = v.getShape().get(3);
            long h = a.getShape().get(2);
            long w = a.getShape().get(3);
            long outH = h - kh + 1;
            long outW = w - kw + 1;
            NDArray rows = engineMade(manager, taps(h, kh), new Shape(kh * outH, h));
            NDArray columns = engineMade(manager, taps(w, kw), new Shape(kw * outW, w)).transpose();
            // patches[(c, ky, kx), (y, x)] = a[c, y + ky, x + kx]
            NDArray patches = leftProduct(rows, a.reshape(k, h, w)).matMul(columns)
                    .reshape(k, kh, outH, kw, outW).transpose(0, 1, 3, 2, 4).reshape(k * kh * kw, outH * outW);
            NDArray flat = v.reshape(filters, k * kh * kw);
            // a view of the parameter is made in the parameters' manager: move it to the step's
            flat.attach(manager);
            return patches.transpose().matMul(flat.transpose()).transpose().reshape(1, filters, outH, outW);
        }

        /** (taps·(in − taps + 1), in): row ky·out + y has its 1 at column y + ky. */
        private static float[] taps(long in, long taps) {
            long out = in - taps + 1;
            float[] s = new float[(int) (taps * out * in)];
            for (long t = 0; t < taps; t++) {
                for (long y = 0; y < out; y++) {
                    s[(int) ((t * out + y) * in + y + t)] = 1f;
                }
            }
            return s;
        }

        /**
         * PyTorch's {@code conv_transpose2d} without bias, of a one-example input (1, C, h, w) and a
         * weight (C, O, k, k): out[o, y, x] = Σ_{c,i,j} in[c, i, j] · W[c, o, y − s·i + p, x − s·j + p],
         * computed with products only: the columns cols[(i, j), (o, ky, kx)] = Σ_c in[c, i, j] W[c, o,
         * ky, kx], then per output channel A · cols_o · Bᵀ, where A[y, (ky, i)] = 1 exactly when y =
         * s·i − p + ky (and B alike for x) places every kernel tap on its output pixel.
         */
        private static NDArray transposedConvolution(ParameterStore parameters, Parameter weight, NDArray x, int stride,
                int padding, boolean training) {
            NDManager manager = x.getManager();
            NDArray w = parameters.getValue(weight, x.getDevice(), training);
            long in = w.getShape().get(0);
            long out = w.getShape().get(1);
            long kernel = w.getShape().get(2);
            long h = x.getShape().get(2);
            long wd = x.getShape().get(3);
            long outH = (h - 1) * stride - 2L * padding + kernel;
            long outW = (wd - 1) * stride - 2L * padding + kernel;
            NDArray flat = w.reshape(in, out * kernel * kernel);
            // a view of the parameter is made in the parameters' manager: move it to the step's
            flat.attach(manager);
            NDArray columns = x.reshape(in, h * wd).transpose().matMul(flat)
                    .reshape(h, wd, out, kernel, kernel).transpose(2, 3, 0, 4, 1).reshape(out, kernel * h, kernel * wd);
            NDArray rows = engineMade(manager, placement(h, kernel, stride, padding, outH), new Shape(outH, kernel * h));
            NDArray cols = engineMade(manager, placement(wd, kernel, stride, padding, outW), new Shape(outW, kernel * wd));
            return leftProduct(rows, columns.matMul(cols.transpose())).reshape(1, out, outH, outW);
        }

        /** m · t_c for every c of t (C, h, W), as one product of two matrices: (C, H, W). */
        private static NDArray leftProduct(NDArray m, NDArray t) {
            long c = t.getShape().get(0);
            long h = t.getShape().get(1);
            long w = t.getShape().get(2);
            long rows = m.getShape().get(0);
            return m.matMul(t.transpose(1, 0, 2).reshape(h, c * w)).reshape(rows, c, w).transpose(1, 0, 2);
        }

        /** (out, kernel·in): entry [y, ky·in + i] is 1 where y = stride·i − padding + ky. */
        private static float[] placement(long in, long kernel, int stride, int padding, long out) {
            float[] a = new float[(int) (out * kernel * in)];
            for (long ky = 0; ky < kernel; ky++) {
                for (long i = 0; i < in; i++) {
                    long y = stride * i - padding + ky;
                    if (y >= 0 && y < out) {
                        a[(int) (y * kernel * in + ky * in + i)] = 1f;
                    }
                }
            }
            return a;
        }

        /**
         * Resizes (1, K, h, w) to (1, K, height, width) by nearest neighbour, source index
         * ⌊i·(h/height)⌋ in single precision as PyTorch's {@code nn.Upsample(mode="nearest")}, as a
         * product with 0/1 selection matrices.
         */
        private static NDArray nearest(NDArray a, long height, long width) {
            long h = a.getShape().get(2);
            long w = a.getShape().get(3);
            NDManager manager = a.getManager();
            NDArray rows = engineMade(manager, selection(h, height), new Shape(height, h));
            NDArray columns = engineMade(manager, selection(w, width), new Shape(width, w)).transpose();
            long k = a.getShape().get(1);
            return leftProduct(rows, a.reshape(k, h, w).matMul(columns)).reshape(1, k, height, width);
        }

        /**
         * An array of the given values (a vector or a matrix) made by the engine: zeros, then the
         * non-zero entries set one by one. An array made from a Java array aliases memory that is
         * not the engine's, and the backward pass of a product reads its operands again.
         */
        private static NDArray engineMade(NDManager manager, float[] values, Shape shape) {
            NDArray array = manager.zeros(shape);
            long columns = shape.dimension() == 1 ? values.length : shape.get(1);
            for (int i = 0; i < values.length; i++) {
                if (values[i] != 0f) {
                    NDIndex index = shape.dimension() == 1 ? new NDIndex(i) : new NDIndex(i / columns, i % columns);
                    array.set(index, values[i]);
                }
            }
            return array;
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
