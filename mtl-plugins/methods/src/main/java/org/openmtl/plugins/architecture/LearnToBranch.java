package org.openmtl.plugins.architecture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.architecture.RepresentationGradients;
import org.openmtl.api.architecture.PhaseContext;
import org.openmtl.api.architecture.TrainingPhase;
import org.openmtl.api.task.Task;

/**
 * Learning to branch (Guo, Lee &amp; Ulbricht, <i>Learning to Branch for Multi-Task Learning</i>,
 * ICML 2020): a tree-structured network whose branching points are learned.
 *
 * <p><b>The search space.</b> The trunk's layers ({@link TrunkHeadDesign#trunkStages}: relu mlp
 * layers for vectors, the MultiLeNet conv, conv and fc stages for images) are copied into {@code
 * branches} nodes per layer (by default one per task, the paper's setting). Every node of layer 1
 * reads the input; every node of layer l &gt; 1, and every task's head, chooses its parent among
 * the nodes of the layer below with a learned categorical distribution (logits θ, one row per
 * child). During training each choice is drawn with the straight-through Gumbel-softmax: the
 * forward pass uses the hard sample argmax(θ + g), g ~ Gumbel(0, 1), and the gradient that of the
 * relaxed sample softmax((θ + g)/τ); a child's input is Σ_p w_p·o_p over its possible parents'
 * outputs o_p, which with the hard sample is the chosen parent's output. One sample of the whole
 * tree is drawn per training step (in {@code encode}), so all tasks of a step see the same tree.
 * The temperature τ starts at {@code tau} and is multiplied by {@code tau.decay} after every search
 * epoch (not below {@code tau.min}). Evaluation during the search uses the most likely tree.
 *
 * <p><b>Phases.</b> {@code search} ({@code search} of the epochs): node weights, heads and logits
 * are trained together by the run's optimizer, every step (the paper updates the weights and the
 * branching distributions on the same training batches; the run has one optimizer, so θ's own
 * learning rate is {@code lr.scale} times the run's, a parameter group of their own through
 * {@link MultiTaskNetwork#learningRateScale}; a variant kept from earlier versions reparameterizes
 * them instead: θ = {@code logit.scale}·φ with φ the trained parameter, which under Adam moves θ
 * {@code logit.scale} times faster, 1 by default). {@code tree}: each choice
 * is fixed to its argmax ({@code final.tree=argmax}) or one draw of its distribution ({@code
 * sample}); the nodes no task passes through and the logits leave the network (its parameter set
 * changes); the tree is then trained from a fresh initialization ({@code final.weights=reinit}, as
 * the paper trains the found architecture from scratch) or from the searched weights ({@code
 * continue}). The fresh weights are drawn from the run's seed on the heap, PyTorch's default
 * uniform(&plusmn;1/&radic;fan_in), and get new parameter names ({@code tree_...}), so the
 * optimizer starts them with fresh moments.
 *
 * <p><b>What the trainer sees.</b> {@code encode} returns the output of the tree's stem, the
 * leading layers with a single node serving every task (none while searching with several nodes
 * per layer, so it returns the input; with the tree fixed, e.g. the first layer's node when every
 * task passes through it); {@code decode(t)} runs task t's path from there to its head (while
 * searching with a sample: every node, mixed by the sampled weights). During the search every node
 * is shared (every task may read it), the heads are their tasks' and the logits extra. With the
 * tree fixed, a node serving every task is shared, a node serving one task is that task's, and a
 * node serving a strict subset of at least two tasks is extra: no task-level set holds it, and
 * gradient methods then leave it the plain sum of its tasks' gradients.
 *
 * <p>{@code structure()} gives, per layer, the tasks passing through each node in use ({@code
 * layers}), the tree as parent indices ({@code parents}), the parent probabilities ({@code
 * parent_probability}: per layer a row per node, and a row per task for the heads; frozen at the
 * values they had when the tree was fixed), whether the tree is fixed, and τ.
 *
 * <p>The paper's setting (one node per task) leaves the search free to give every task its own
 * node, and on the planted-group synthetic tasks it then recovers the groups only now and then;
 * fewer nodes than tasks with narrow layers (capacity that related tasks can share and unrelated
 * ones compete for) recover them on most seeds: {@code mtl-experiments/configs/learn-to-branch.yaml}.
 */
public final class LearnToBranch implements Architecture {

    /** The name of the search phase in the history. */
    static final String SEARCH = "search";

    /** The name of the phase that trains the fixed tree. */
    static final String TREE = "tree";

    private final TrunkHeadDesign design;
    private final int branches;
    private final double tau;
    private final double tauDecay;
    private final double tauMin;
    private final double search;
    private final boolean sampleFinal;
    private final boolean reinitialize;
    private final double logitScale;
    private final double logitLearningRateScale;

    LearnToBranch(TrunkHeadDesign design, int branches, double tau, double tauDecay, double tauMin, double search,
            boolean sampleFinal, boolean reinitialize, double logitScale, double logitLearningRateScale) {
        this.logitScale = logitScale;
        this.logitLearningRateScale = logitLearningRateScale;
        this.design = design;
        this.branches = branches;
        this.tau = tau;
        this.tauDecay = tauDecay;
        this.tauMin = tauMin;
        this.search = search;
        this.sampleFinal = sampleFinal;
        this.reinitialize = reinitialize;
    }

    /**
     * SHARED_IN_DECODE: while the tree is searched every node is shared and runs in decode.
     *
     * @return {@link RepresentationGradients#SHARED_IN_DECODE}
     */
    @Override
    public RepresentationGradients representationGradients() {
        return RepresentationGradients.SHARED_IN_DECODE;
    }

    @Override
    public MultiTaskNetwork build(NetworkContext context) {
        return new Network(this, context);
    }

    /**
     * A straight-through Gumbel-softmax sample per row: the forward value is the one-hot argmax of
     * {@code logits + noise}, the gradient that of softmax((logits + noise)/τ).
     *
     * @param logits (rows, choices)
     * @param noise Gumbel(0, 1) noise of the same shape, in the step's manager (it comes first, so
     *     the result lands there and not in the parameters' manager)
     * @param tau the temperature
     * @return the hard samples with the relaxed gradient
     */
    static NDArray straightThrough(NDArray logits, NDArray noise, double tau) {
        // not div(Number): DJL makes the scalar from a Java buffer and closes it at once, while the
        // backward of the division still reads it (released memory: garbage, sometimes infinite,
        // gradients for the logits); an engine-made array of the step lives until the step ends
        NDArray inverse = noise.getManager().full(noise.getShape(), (float) (1 / tau));
        NDArray soft = noise.add(logits).mul(inverse).softmax(-1);
        long choices = logits.getShape().get(logits.getShape().dimension() - 1);
        NDArray hard = soft.argMax(-1).oneHot((int) choices).toType(soft.getDataType(), false);
        return hard.sub(soft.stopGradient()).add(soft);
    }

    /**
     * Draws Gumbel(0, 1) noise, -log(-log u) with u uniform in (0, 1).
     *
     * @param random the source
     * @param count how many values
     * @return the noise
     */
    static float[] gumbelNoise(SplittableRandom random, int count) {
        float[] g = new float[count];
        for (int i = 0; i < count; i++) {
            double u = Math.max(Double.MIN_NORMAL, random.nextDouble());
            g[i] = (float) -Math.log(-Math.log(u));
        }
        return g;
    }

    /** The built network. */
    static final class Network implements MultiTaskNetwork {
        private final LearnToBranchBlock holder = new LearnToBranchBlock();
        private final LearnToBranch spec;
        private final List<String> tasks;
        private final int[] outputs;
        private final Shape exampleShape;
        private final NDManager buildManager;
        private final int width;
        private final int layers;
        /** The input shape (batch 1) of each layer, and at index {@code layers} that of the heads. */
        private final Shape[] inputShapes;
        /** nodes[l][c]; null once dropped. */
        private final Block[][] nodes;
        private final String[][] nodeKeys;
        private final Block[] heads;
        private final String[] headKeys;
        /** The choice sets: k &lt; layers - 1 for the nodes of layer k + 1, k = layers - 1 for the heads; empty once fixed. */
        private final List<Parameter> logits = new ArrayList<>();
        private final long baseSeed;
        private SplittableRandom random;
        private double tau;
        /** This step's Gumbel noise per choice set, drawn in a training encode. */
        private float[][] stepNoise;
        /** The fixed tree, tree[k][child] = parent; null while searching. */
        private int[][] tree;
        /** The parent probabilities when the tree was fixed. */
        private Map<String, Object> frozenProbabilities;

        Network(LearnToBranch spec, NetworkContext context) {
            this.spec = spec;
            this.tasks = context.tasks().stream().map(Task::name).toList();
            this.outputs = context.tasks().stream().mapToInt(Task::outputs).toArray();
            this.exampleShape = context.exampleShape();
            this.buildManager = context.manager();
            this.tau = spec.tau;
            this.baseSeed = context.seed() * 0x9E3779B97F4A7C15L + 29;
            this.random = new SplittableRandom(baseSeed);
            this.width = spec.branches > 0 ? spec.branches : tasks.size();
            this.layers = spec.design.trunkStages(exampleShape).size();
            this.inputShapes = new Shape[layers + 1];
            this.nodes = new Block[layers][width];
            this.nodeKeys = new String[layers][width];
            this.heads = new Block[tasks.size()];
            this.headKeys = new String[tasks.size()];
            Shape shape = new Shape(1).addAll(exampleShape);
            for (int l = 0; l < layers; l++) {
                inputShapes[l] = shape;
                for (int c = 0; c < width; c++) {
                    Block node = spec.design.trunkStages(exampleShape).get(l);
                    nodeKeys[l][c] = holder.add(nodeName("", l, c), node);
                    nodes[l][c] = node;
                    shape = NetworkHolder.initializeChild(node, buildManager, inputShapes[l])[0];
                }
            }
            inputShapes[layers] = shape;
            for (int k = 0; k < layers; k++) {
                int rows = k < layers - 1 ? width : tasks.size();
                String name = k < layers - 1 ? "parents_stage" + (k + 2) : "parents_heads";
                logits.add(holder.parameter(name, new Shape(rows, width), new ConstantInitializer(0f), buildManager));
            }
            for (int t = 0; t < tasks.size(); t++) {
                Block head = spec.design.head(exampleShape, outputs[t]);
                headKeys[t] = holder.add(tasks.get(t) + "_head", head);
                heads[t] = head;
                NetworkHolder.initializeChild(head, buildManager, inputShapes[layers]);
            }
        }

        private static String nodeName(String prefix, int layer, int node) {
            return prefix + "stage" + (layer + 1) + "_node" + (node + 1);
        }

        @Override
        public Block block() {
            return holder;
        }

        /** Nodes per layer. */
        int width() {
            return width;
        }

        /** Number of layers. */
        int layers() {
            return layers;
        }

        /** The node of layer l at index c, null when it was dropped. */
        Block node(int layer, int c) {
            return nodes[layer][c];
        }

        /** Task t's head. */
        Block head(int t) {
            return heads[t];
        }

        /** The branching logits train {@code lr.scale} times faster than the weights. */
        @Override
        public double learningRateScale(Parameter parameter) {
            return logits.contains(parameter) ? spec.logitLearningRateScale : 1.0;
        }

        /** The logits of the choice sets (empty once the tree is fixed). */
        List<Parameter> logits() {
            return List.copyOf(logits);
        }

        /** The temperature now. */
        double tau() {
            return tau;
        }

        private int index(String task) {
            int t = tasks.indexOf(task);
            if (t < 0) {
                throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
            }
            return t;
        }

        // ---- forward ----

        @Override
        public NDList encode(ParameterStore parameters, NDArray input, boolean training) {
            if (training && tree == null) {
                drawNoise();
            }
            int[][] current = currentTree();
            int stem = stemDepth(current);
            NDArray h = input;
            int[] path = stem == 0 ? null : path(current, 0);
            for (int l = 0; l < stem; l++) {
                h = nodes[l][path[l]].forward(parameters, new NDList(h), training).singletonOrThrow();
            }
            return new NDList(h);
        }

        @Override
        public NDArray decode(ParameterStore parameters, NDList representation, String task, boolean training) {
            int t = index(task);
            NDArray x = representation.singletonOrThrow();
            int[][] current = currentTree();
            int stem = stemDepth(current);
            NDArray in;
            if (training && tree == null) {
                in = sampledHeadInput(parameters, x, stem, t);
            } else {
                int[] path = path(current, t);
                in = x;
                for (int l = stem; l < layers; l++) {
                    in = nodes[l][path[l]].forward(parameters, new NDList(in), training).singletonOrThrow();
                }
            }
            return heads[t].forward(parameters, new NDList(in), training).singletonOrThrow();
        }

        /**
         * Head t's input in a training step of the search: every node runs on the sampled mixture
         * of its possible parents (all are needed for the logits' relaxed gradient), and the head
         * reads the sampled mixture of the last layer.
         */
        private NDArray sampledHeadInput(ParameterStore parameters, NDArray x, int stem, int t) {
            if (stepNoise == null) {
                drawNoise();
            }
            NDList outs = new NDList();
            if (stem == layers) {
                outs.add(x);
            } else {
                for (int c = 0; c < width; c++) {
                    outs.add(nodes[0][c].forward(parameters, new NDList(x), true).singletonOrThrow());
                }
                for (int l = 1; l < layers; l++) {
                    NDArray mixed = mix(sampledWeights(parameters, l - 1, x), NDArrays.stack(outs));
                    NDList next = new NDList();
                    for (int c = 0; c < width; c++) {
                        next.add(nodes[l][c].forward(parameters, new NDList(mixed.get(c)), true).singletonOrThrow());
                    }
                    outs = next;
                }
            }
            NDArray row = sampledWeights(parameters, layers - 1, x).get(t).reshape(1, -1);
            return mix(row, NDArrays.stack(outs)).get(0);
        }

        /** The straight-through sample of choice set k for this step. */
        private NDArray sampledWeights(ParameterStore parameters, int k, NDArray like) {
            NDArray value = parameters.getValue(logits.get(k), like.getDevice(), true);
            NDArray noise = like.getManager().create(stepNoise[k], value.getShape());
            if (spec.logitScale != 1) {
                // the step's array first, so the product belongs to the step
                value = like.getManager().full(value.getShape(), (float) spec.logitScale).mul(value);
            }
            return straightThrough(value, noise, tau);
        }

        private void drawNoise() {
            stepNoise = new float[logits.size()][];
            for (int k = 0; k < logits.size(); k++) {
                stepNoise[k] = gumbelNoise(random, (int) logits.get(k).getArray().size());
            }
        }

        /**
         * Σ_p w[c, p]·o_p for every child c: outputs stacked on axis 0, mixed by a (children × parents)
         * matrix. A broadcast product summed over the parents rather than a matrix product: the
         * logits' gradient is then a plain sum over the batch, which the engine computes the same
         * way every run, where the BLAS product's summation order can vary from run to run (and
         * Adam turns a last-bit difference in a near-zero gradient into a whole step).
         */
        static NDArray mix(NDArray w, NDArray stacked) {
            Shape shape = stacked.getShape();
            long children = w.getShape().get(0);
            long parents = shape.get(0);
            NDArray flat = stacked.reshape(1, parents, -1);
            long[] out = shape.getShape().clone();
            out[0] = children;
            return w.reshape(children, parents, 1).mul(flat).sum(new int[] {1}).reshape(new Shape(out));
        }

        // ---- the tree ----

        /** The fixed tree, or while searching the most likely one. */
        private int[][] currentTree() {
            if (tree != null) {
                return tree;
            }
            int[][] best = new int[logits.size()][];
            for (int k = 0; k < logits.size(); k++) {
                float[][] p = rows(logits.get(k));
                best[k] = new int[p.length];
                for (int r = 0; r < p.length; r++) {
                    for (int c = 1; c < p[r].length; c++) {
                        if (p[r][c] > p[r][best[k][r]]) {
                            best[k][r] = c;
                        }
                    }
                }
            }
            return best;
        }

        /** Task t's node per layer in a tree. */
        private int[] path(int[][] of, int t) {
            int[] path = new int[layers];
            path[layers - 1] = of[layers - 1][t];
            for (int l = layers - 1; l > 0; l--) {
                path[l - 1] = of[l - 1][path[l]];
            }
            return path;
        }

        /** served.get(l).get(c): the tasks whose path passes through node c of layer l. */
        private List<List<Set<String>>> served(int[][] of) {
            List<List<Set<String>>> out = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                List<Set<String>> layer = new ArrayList<>();
                for (int c = 0; c < width; c++) {
                    layer.add(new LinkedHashSet<>());
                }
                out.add(layer);
            }
            for (int t = 0; t < tasks.size(); t++) {
                int[] path = path(of, t);
                for (int l = 0; l < layers; l++) {
                    out.get(l).get(path[l]).add(tasks.get(t));
                }
            }
            return out;
        }

        /**
         * How many leading layers are one node that every task reads: while searching, all when a
         * layer has one node and none otherwise; with the tree fixed, up to the first branching.
         */
        private int stemDepth(int[][] of) {
            if (tree == null) {
                return width == 1 ? layers : 0;
            }
            List<List<Set<String>>> served = served(of);
            int depth = 0;
            while (depth < layers && served.get(depth).stream().filter(s -> !s.isEmpty()).count() == 1) {
                depth++;
            }
            return depth;
        }

        /** Row-wise softmax of logits, on the heap. */
        private float[][] probabilities(Parameter p) {
            float[][] v = rows(p);
            for (float[] row : v) {
                double max = Double.NEGATIVE_INFINITY;
                for (float x : row) {
                    max = Math.max(max, x);
                }
                double sum = 0;
                for (float x : row) {
                    sum += Math.exp(x - max);
                }
                for (int c = 0; c < row.length; c++) {
                    row[c] = (float) (Math.exp(row[c] - max) / sum);
                }
            }
            return v;
        }

        /** The logits θ = scale·φ of a choice set, on the heap, a row per child. */
        private float[][] rows(Parameter p) {
            NDArray a = p.getArray();
            int r = (int) a.getShape().get(0);
            int cols = (int) a.getShape().get(1);
            float[] flat = a.toFloatArray();
            float[][] out = new float[r][cols];
            for (int i = 0; i < r; i++) {
                for (int c = 0; c < cols; c++) {
                    out[i][c] = (float) (spec.logitScale * flat[i * cols + c]);
                }
            }
            return out;
        }

        /** Fixes every choice to its argmax or to one draw of its distribution, and drops what no task uses. */
        void fixTree(NDManager parameterManager) {
            int[][] chosen;
            if (spec.sampleFinal) {
                chosen = new int[logits.size()][];
                for (int k = 0; k < logits.size(); k++) {
                    float[][] p = probabilities(logits.get(k));
                    chosen[k] = new int[p.length];
                    for (int r = 0; r < p.length; r++) {
                        double u = random.nextDouble();
                        double cumulative = 0;
                        int c = 0;
                        while (c < p[r].length - 1 && u >= cumulative + p[r][c]) {
                            cumulative += p[r][c];
                            c++;
                        }
                        chosen[k][r] = c;
                    }
                }
            } else {
                chosen = currentTree();
            }
            frozenProbabilities = probabilityStructure();
            apply(chosen, parameterManager);
        }

        /** Makes {@code chosen} the network's tree: drops the unused nodes and the logits, re-initializes if asked. */
        private void apply(int[][] chosen, NDManager parameterManager) {
            if (chosen.length != layers) {
                throw new IllegalStateException("a tree of " + chosen.length + " choice sets for a network of " + layers
                        + " layers");
            }
            for (int k = 0; k < layers; k++) {
                int rows = k < layers - 1 ? width : tasks.size();
                if (chosen[k].length != rows) {
                    throw new IllegalStateException("choice set " + k + " of the tree has " + chosen[k].length
                            + " entries, the network " + rows);
                }
                for (int parent : chosen[k]) {
                    if (parent < 0 || parent >= width) {
                        throw new IllegalStateException("parent " + parent + " in choice set " + k + "; the layers have "
                                + width + " nodes");
                    }
                }
            }
            tree = chosen;
            stepNoise = null;
            List<List<Set<String>>> served = served(chosen);
            for (int l = 0; l < layers; l++) {
                for (int c = 0; c < width; c++) {
                    if (served.get(l).get(c).isEmpty()) {
                        holder.remove(nodeKeys[l][c]);
                        nodes[l][c] = null;
                        nodeKeys[l][c] = null;
                    }
                }
            }
            for (Parameter p : logits) {
                holder.removeParameter(p);
            }
            logits.clear();
            if (!spec.reinitialize) {
                return;
            }
            SplittableRandom init = new SplittableRandom(baseSeed ^ 0x5DEECE66DL);
            for (int l = 0; l < layers; l++) {
                for (int c = 0; c < width; c++) {
                    if (nodes[l][c] != null) {
                        holder.remove(nodeKeys[l][c]);
                        Block fresh = spec.design.trunkStages(exampleShape).get(l);
                        nodeKeys[l][c] = holder.add(nodeName("tree_", l, c), fresh);
                        nodes[l][c] = fresh;
                        initialize(fresh, parameterManager, inputShapes[l], init);
                    }
                }
            }
            for (int t = 0; t < tasks.size(); t++) {
                holder.remove(headKeys[t]);
                Block fresh = spec.design.head(exampleShape, outputs[t]);
                headKeys[t] = holder.add("tree_" + tasks.get(t) + "_head", fresh);
                heads[t] = fresh;
                initialize(fresh, parameterManager, inputShapes[layers], init);
            }
        }

        /**
         * Initializes a new block as PyTorch initializes its layers, uniform(±1/√fan_in) for weights
         * and biases, from a heap source: the engine's random state is left alone, so a resumed run
         * that rebuilds the tree draws nothing the uninterrupted run did not.
         */
        static void initialize(Block block, NDManager manager, Shape inputShape, SplittableRandom random) {
            block.setInitializer(new ConstantInitializer(0f), Parameter.Type.WEIGHT);
            block.setInitializer(new ConstantInitializer(0f), Parameter.Type.BIAS);
            NetworkHolder.initializeChild(block, manager, inputShape);
            double bound = 0;
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray array = p.getValue().getArray();
                Shape shape = array.getShape();
                if (p.getValue().getType() == Parameter.Type.WEIGHT) {
                    bound = 1.0 / Math.sqrt((double) shape.size() / shape.get(0));
                } else if (p.getValue().getType() != Parameter.Type.BIAS) {
                    continue;
                }
                float[] values = new float[(int) shape.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
                }
                array.set(values);
            }
        }

        // ---- phases ----

        @Override
        public List<TrainingPhase> phases(int epochs) {
            int s = (int) Math.max(1, Math.min(epochs, Math.round(epochs * spec.search)));
            if (s >= epochs) {
                return List.of(TrainingPhase.all(SEARCH, epochs));
            }
            return List.of(TrainingPhase.all(SEARCH, s), TrainingPhase.all(TREE, epochs - s));
        }

        @Override
        public boolean onPhaseStart(TrainingPhase phase, PhaseContext context) {
            if (!phase.name().equals(TREE) || tree != null) {
                // a resumed run whose tree was fixed before the checkpoint keeps it
                return false;
            }
            fixTree(context.parameterManager());
            return true;
        }

        @Override
        public boolean onEpochEnd(PhaseContext context) {
            // the samples of each epoch follow from the seed and the epoch, so a resumed run draws
            // what an uninterrupted one would
            random = new SplittableRandom(baseSeed + 1_000_003L * context.epoch());
            if (tree == null) {
                tau = Math.max(spec.tauMin, tau * spec.tauDecay);
            }
            return false;
        }

        @Override
        @SuppressWarnings("unchecked")
        public boolean restoreStructure(Map<String, Object> structure, PhaseContext context) {
            random = new SplittableRandom(baseSeed + 1_000_003L * context.epoch());
            if (structure.get("tau") instanceof Number t) {
                tau = t.doubleValue();
            }
            if (tree != null || !Boolean.TRUE.equals(structure.get("fixed"))) {
                return false;
            }
            if (!(structure.get("parents") instanceof List<?> saved) || saved.size() != layers) {
                throw new IllegalStateException("the saved structure has a fixed tree but no parents for " + layers
                        + " choice sets: " + structure.get("parents"));
            }
            int[][] chosen = new int[layers][];
            for (int k = 0; k < layers; k++) {
                List<Number> row = (List<Number>) saved.get(k);
                chosen[k] = row.stream().mapToInt(Number::intValue).toArray();
            }
            frozenProbabilities = structure.get("parent_probability") instanceof Map<?, ?> p
                    ? (Map<String, Object>) p : Map.of();
            apply(chosen, context.parameterManager());
            return true;
        }

        // ---- parameters ----

        /** role of node (l, c): 0 shared, 1 extra, 2 + t task t's, -1 dropped. */
        private int role(List<List<Set<String>>> served, int l, int c) {
            if (nodes[l][c] == null) {
                return -1;
            }
            if (served == null) {
                return 0;
            }
            Set<String> s = served.get(l).get(c);
            if (s.size() == tasks.size()) {
                return 0;
            }
            return s.size() == 1 ? 2 + tasks.indexOf(s.iterator().next()) : 1;
        }

        private List<Parameter> nodesWithRole(int role) {
            List<List<Set<String>>> served = tree == null ? null : served(tree);
            List<Parameter> out = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                for (int c = 0; c < width; c++) {
                    if (role(served, l, c) == role) {
                        out.addAll(nodes[l][c].getParameters().values());
                    }
                }
            }
            return out;
        }

        @Override
        public List<Parameter> sharedParameters() {
            return nodesWithRole(0);
        }

        @Override
        public List<Parameter> taskParameters(String task) {
            int t = index(task);
            List<Parameter> own = new ArrayList<>(nodesWithRole(2 + t));
            own.addAll(heads[t].getParameters().values());
            return own;
        }

        @Override
        public List<Parameter> extraParameters() {
            List<Parameter> extra = new ArrayList<>(logits);
            extra.addAll(nodesWithRole(1));
            return extra;
        }

        // ---- structure ----

        private Map<String, Object> probabilityStructure() {
            Map<String, Object> out = new LinkedHashMap<>();
            for (int k = 0; k < logits.size(); k++) {
                float[][] p = probabilities(logits.get(k));
                if (k < layers - 1) {
                    List<List<Double>> matrix = new ArrayList<>();
                    for (float[] row : p) {
                        matrix.add(rounded(row));
                    }
                    out.put("stage" + (k + 2), matrix);
                } else {
                    Map<String, Object> byTask = new LinkedHashMap<>();
                    for (int t = 0; t < tasks.size(); t++) {
                        byTask.put(tasks.get(t), rounded(p[t]));
                    }
                    out.put("heads", byTask);
                }
            }
            return out;
        }

        private static List<Double> rounded(float[] row) {
            List<Double> out = new ArrayList<>(row.length);
            for (float v : row) {
                out.add(Math.round(v * 1e4) / 1e4);
            }
            return out;
        }

        /**
         * The tree: per layer the task groups of the nodes in use; the parent indices; the parent
         * probabilities; whether it is fixed; τ.
         *
         * @return {@code layers}, {@code parents}, {@code parent_probability}, {@code fixed}, {@code tau}
         */
        @Override
        public Map<String, Object> structure() {
            int[][] current = currentTree();
            List<List<List<String>>> groups = new ArrayList<>();
            for (List<Set<String>> layer : served(current)) {
                List<List<String>> used = new ArrayList<>();
                for (Set<String> s : layer) {
                    if (!s.isEmpty()) {
                        used.add(new ArrayList<>(s));
                    }
                }
                groups.add(used);
            }
            List<List<Integer>> parents = new ArrayList<>();
            for (int[] row : current) {
                List<Integer> r = new ArrayList<>();
                for (int v : row) {
                    r.add(v);
                }
                parents.add(r);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("layers", groups);
            out.put("parents", parents);
            out.put("parent_probability", tree == null ? probabilityStructure() : frozenProbabilities);
            out.put("fixed", tree != null);
            out.put("tau", tau);
            return out;
        }
    }
}
