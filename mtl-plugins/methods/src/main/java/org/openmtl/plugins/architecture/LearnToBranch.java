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
import org.openmtl.api.architecture.PhaseContext;
import org.openmtl.api.architecture.TrainingPhase;
import org.openmtl.api.task.Task;

/**
 * Learning to branch (Guo, Lee &amp; Ulbricht, <i>Learning to Branch for Multi-Task Learning</i>,
 * ICML 2020): a tree over the trunk's stages ({@link TrunkHeadDesign}) with {@code branches}
 * nodes per stage (by default as many as tasks), each node a copy of its stage. Every node of
 * stage l + 1, and every task's head, chooses its parent among the nodes of stage l with learned
 * logits; during the search the choice is sampled with the straight-through Gumbel-softmax (hard
 * forward, soft gradient; temperature {@code tau}, times {@code tau.decay} per epoch) and the
 * child reads Σ_p w_p·o_p. Weights and branching logits are trained together. After the search
 * ({@code search} of the epochs) each choice is fixed to its argmax (or one sample), the nodes no
 * task passes through are dropped from the forward pass, and the tree is trained.
 *
 * <p>{@code encode} computes every node up to the last stage (task-independent); {@code decode(t)}
 * takes task t's parent among the last stage's nodes and runs head t. During the search every
 * node is shared, the logits are extra, the heads their task's; with the tree fixed a node on
 * every task's path is shared, on one task's path that task's, on several but not all extra; the
 * dropped nodes, which stay in the saved model without gradients, are extra too.
 */
public final class LearnToBranch implements Architecture {

    private final TrunkHeadDesign design;
    private final int branches;
    private final double tau;
    private final double tauDecay;
    private final double search;
    private final boolean sampleFinal;

    LearnToBranch(TrunkHeadDesign design, int branches, double tau, double tauDecay, double search, boolean sampleFinal) {
        this.design = design;
        this.branches = branches;
        this.tau = tau;
        this.tauDecay = tauDecay;
        this.search = search;
        this.sampleFinal = sampleFinal;
    }

    @Override
    public MultiTaskNetwork build(NetworkContext context) {
        return new Network(this, context);
    }

    /** The built network. */
    static final class Network implements MultiTaskNetwork {
        private final NetworkHolder holder = new NetworkHolder();
        private final List<String> tasks;
        private final List<List<Block>> nodes = new ArrayList<>();
        /** parentLogits.get(l) for stage l ≥ 1: (nodes × nodes); the last entry is the heads': (tasks × nodes). */
        private final List<Parameter> parentLogits = new ArrayList<>();
        private final Map<String, Block> heads = new LinkedHashMap<>();
        private final double searchFraction;
        private final boolean sampleFinal;
        private final double tauDecay;
        private final long baseSeed;
        private SplittableRandom random;
        private double tau;
        /** The fixed tree: parents.get(l)[c] for stage l ≥ 1 and the heads; null while searching. */
        private List<int[]> parents;

        Network(LearnToBranch spec, NetworkContext context) {
            this.tasks = context.tasks().stream().map(Task::name).toList();
            this.searchFraction = spec.search;
            this.sampleFinal = spec.sampleFinal;
            this.tauDecay = spec.tauDecay;
            this.tau = spec.tau;
            this.baseSeed = context.seed() * 0x9E3779B97F4A7C15L + 29;
            this.random = new SplittableRandom(baseSeed);
            int n = spec.branches > 0 ? spec.branches : tasks.size();
            NDManager manager = context.manager();
            Shape shape = new Shape(1).addAll(context.exampleShape());
            int stageCount = spec.design.trunkStages(context.exampleShape()).size();
            for (int l = 0; l < stageCount; l++) {
                List<Block> layer = new ArrayList<>();
                Shape out = null;
                for (int c = 0; c < n; c++) {
                    Block node = holder.child("stage" + (l + 1) + "_node" + (c + 1),
                            spec.design.trunkStages(context.exampleShape()).get(l));
                    out = NetworkHolder.initializeChild(node, manager, shape)[0];
                    layer.add(node);
                }
                nodes.add(layer);
                if (l > 0) {
                    parentLogits.add(holder.parameter("parents_stage" + (l + 1), new Shape(n, n), new ConstantInitializer(0f),
                            manager));
                }
                shape = out;
            }
            parentLogits.add(holder.parameter("parents_heads", new Shape(tasks.size(), n), new ConstantInitializer(0f), manager));
            for (Task task : context.tasks()) {
                Block head = holder.child(task.name() + "_head", spec.design.head(context.exampleShape(), task.outputs()));
                NetworkHolder.initializeChild(head, manager, shape);
                heads.put(task.name(), head);
            }
        }

        @Override
        public Block block() {
            return holder;
        }

        /** Mixing weights of one choice set: a Gumbel sample (training), argmax one-hot (evaluation) or the fixed tree. */
        private NDArray weights(ParameterStore parameters, int index, NDArray like, boolean training) {
            NDArray logits = parameters.getValue(parentLogits.get(index), like.getDevice(), training);
            long rows = logits.getShape().get(0);
            long cols = logits.getShape().get(1);
            NDManager m = like.getManager();
            if (parents != null) {
                return fixed(m, parents.get(index), cols);
            }
            if (training) {
                float[] g = new float[(int) (rows * cols)];
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) -Math.log(-Math.log(Math.max(1e-20, random.nextDouble())));
                }
                return AdaShare.gumbelHard(logits, m.create(g, new Shape(rows, cols)), tau);
            }
            return fixed(m, argMax(parentLogits.get(index)), cols);
        }

        /** Each row's most likely parent, computed on the heap (no arrays in the parameters' manager). */
        private static int[] argMax(Parameter p) {
            NDArray a = p.getArray();
            int rows = (int) a.getShape().get(0);
            int cols = (int) a.getShape().get(1);
            float[] v = a.toFloatArray();
            int[] out = new int[rows];
            for (int r = 0; r < rows; r++) {
                for (int c = 1; c < cols; c++) {
                    if (v[r * cols + c] > v[r * cols + out[r]]) {
                        out[r] = c;
                    }
                }
            }
            return out;
        }

        /** Row-wise softmax on the heap. */
        private static float[] softmax(Parameter p) {
            NDArray a = p.getArray();
            int rows = (int) a.getShape().get(0);
            int cols = (int) a.getShape().get(1);
            float[] v = a.toFloatArray();
            float[] out = new float[v.length];
            for (int r = 0; r < rows; r++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < cols; c++) {
                    max = Math.max(max, v[r * cols + c]);
                }
                double sum = 0;
                for (int c = 0; c < cols; c++) {
                    sum += Math.exp(v[r * cols + c] - max);
                }
                for (int c = 0; c < cols; c++) {
                    out[r * cols + c] = (float) (Math.exp(v[r * cols + c] - max) / sum);
                }
            }
            return out;
        }

        private static NDArray fixed(NDManager m, int[] choice, long cols) {
            float[] w = new float[(int) (choice.length * cols)];
            for (int i = 0; i < choice.length; i++) {
                w[(int) (i * cols + choice[i])] = 1f;
            }
            return m.create(w, new Shape(choice.length, cols));
        }

        /** Σ_p w[c, p]·o_p for every child c: outputs stacked on axis 0, mixed by a (children × parents) matrix. */
        private static NDArray mix(NDArray w, NDArray stacked) {
            Shape shape = stacked.getShape();
            NDArray flat = stacked.reshape(shape.get(0), -1);
            long[] out = shape.getShape().clone();
            out[0] = w.getShape().get(0);
            return w.matMul(flat).reshape(new Shape(out));
        }

        @Override
        public NDList encode(ParameterStore parameters, NDArray input, boolean training) {
            NDList outputs = new NDList();
            for (Block node : nodes.get(0)) {
                outputs.add(node.forward(parameters, new NDList(input), training).singletonOrThrow());
            }
            NDArray stacked = NDArrays.stack(outputs);
            for (int l = 1; l < nodes.size(); l++) {
                NDArray in = mix(weights(parameters, l - 1, input, training), stacked);
                NDList next = new NDList();
                for (int c = 0; c < nodes.get(l).size(); c++) {
                    next.add(nodes.get(l).get(c).forward(parameters, new NDList(in.get(c)), training).singletonOrThrow());
                }
                stacked = NDArrays.stack(next);
            }
            return new NDList(stacked);
        }

        @Override
        public NDArray decode(ParameterStore parameters, NDList representation, String task, boolean training) {
            int t = tasks.indexOf(task);
            if (t < 0) {
                throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
            }
            NDArray stacked = representation.singletonOrThrow();
            NDArray w = weights(parameters, parentLogits.size() - 1, stacked, training).get(t).reshape(1, -1);
            NDArray in = mix(w, stacked).get(0);
            return heads.get(task).forward(parameters, new NDList(in), training).singletonOrThrow();
        }

        @Override
        public List<TrainingPhase> phases(int epochs) {
            int s = (int) Math.round(epochs * searchFraction);
            if (s < 1 || s >= epochs) {
                return List.of(TrainingPhase.all("search", epochs));
            }
            return List.of(TrainingPhase.all("search", s), TrainingPhase.all("tree", epochs - s));
        }

        @Override
        public boolean onPhaseStart(TrainingPhase phase, PhaseContext context) {
            if (!phase.name().equals("tree") || parents != null) {
                // a resumed run whose tree was fixed before the checkpoint keeps it
                return false;
            }
            fixTree();
            return true;
        }

        @Override
        @SuppressWarnings("unchecked")
        public boolean restoreStructure(Map<String, Object> structure, PhaseContext context) {
            random = new SplittableRandom(baseSeed + 1_000_003L * context.epoch());
            if (structure.get("tau") instanceof Number t) {
                tau = t.doubleValue();
            }
            if (!Boolean.TRUE.equals(structure.get("fixed")) || !(structure.get("parents") instanceof List<?> saved)) {
                return false;
            }
            List<int[]> chosen = new ArrayList<>();
            for (Object row : saved) {
                List<Number> values = (List<Number>) row;
                int[] c = new int[values.size()];
                for (int i = 0; i < c.length; i++) {
                    c[i] = values.get(i).intValue();
                }
                chosen.add(c);
            }
            parents = chosen;
            return true;
        }

        /** Fixes every choice to its argmax (or one sample of its softmax). */
        void fixTree() {
            List<int[]> chosen = new ArrayList<>();
            for (Parameter p : parentLogits) {
                NDArray logits = p.getArray();
                int rows = (int) logits.getShape().get(0);
                int cols = (int) logits.getShape().get(1);
                float[] probabilities = softmax(p);
                int[] choice = new int[rows];
                for (int r = 0; r < rows; r++) {
                    if (sampleFinal) {
                        double u = random.nextDouble();
                        int c = 0;
                        double acc = probabilities[r * cols];
                        while (u > acc && c < cols - 1) {
                            c++;
                            acc += probabilities[r * cols + c];
                        }
                        choice[r] = c;
                    } else {
                        int best = 0;
                        for (int c = 1; c < cols; c++) {
                            if (probabilities[r * cols + c] > probabilities[r * cols + best]) {
                                best = c;
                            }
                        }
                        choice[r] = best;
                    }
                }
                chosen.add(choice);
            }
            parents = chosen;
        }

        @Override
        public boolean onEpochEnd(PhaseContext context) {
            // the samples of each epoch follow from the seed and the epoch, so a resumed run draws
            // what an uninterrupted one would
            random = new SplittableRandom(baseSeed + 1_000_003L * context.epoch());
            if (parents == null) {
                tau = Math.max(0.1, tau * tauDecay);
            }
            return false;
        }

        /** The tasks passing through each node, per stage (from the fixed tree or the current argmax). */
        List<List<Set<String>>> served() {
            List<int[]> tree = parents;
            if (tree == null) {
                tree = new ArrayList<>();
                for (Parameter p : parentLogits) {
                    tree.add(argMax(p));
                }
            }
            int stages = nodes.size();
            List<List<Set<String>>> out = new ArrayList<>();
            for (int l = 0; l < stages; l++) {
                List<Set<String>> layer = new ArrayList<>();
                for (int c = 0; c < nodes.get(l).size(); c++) {
                    layer.add(new LinkedHashSet<>());
                }
                out.add(layer);
            }
            int[] headParents = tree.get(tree.size() - 1);
            for (int t = 0; t < tasks.size(); t++) {
                int node = headParents[t];
                for (int l = stages - 1; l >= 0; l--) {
                    out.get(l).get(node).add(tasks.get(t));
                    if (l > 0) {
                        node = tree.get(l - 1)[node];
                    }
                }
            }
            return out;
        }

        private List<Parameter> byRole(int role) {
            // role 0 shared, 1 extra (partial or unused nodes)
            List<Parameter> out = new ArrayList<>();
            List<List<Set<String>>> served = parents == null ? null : served();
            for (int l = 0; l < nodes.size(); l++) {
                for (int c = 0; c < nodes.get(l).size(); c++) {
                    int size = served == null ? tasks.size() : served.get(l).get(c).size();
                    int r = size == tasks.size() ? 0 : size == 1 && tasks.size() > 1 ? 2 : 1;
                    if (r == role) {
                        out.addAll(nodes.get(l).get(c).getParameters().values());
                    }
                }
            }
            return out;
        }

        @Override
        public List<Parameter> sharedParameters() {
            return byRole(0);
        }

        @Override
        public List<Parameter> taskParameters(String task) {
            Block head = heads.get(task);
            if (head == null) {
                throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
            }
            List<Parameter> own = new ArrayList<>();
            if (parents != null && tasks.size() > 1) {
                List<List<Set<String>>> served = served();
                for (int l = 0; l < nodes.size(); l++) {
                    for (int c = 0; c < nodes.get(l).size(); c++) {
                        Set<String> s = served.get(l).get(c);
                        if (s.size() == 1 && s.contains(task)) {
                            own.addAll(nodes.get(l).get(c).getParameters().values());
                        }
                    }
                }
            }
            own.addAll(head.getParameters().values());
            return own;
        }

        @Override
        public List<Parameter> extraParameters() {
            List<Parameter> extra = new ArrayList<>(parentLogits);
            extra.addAll(byRole(1));
            return extra;
        }

        /**
         * The tree: per stage the task groups of the nodes in use, and while searching the parent
         * probabilities.
         *
         * @return {@code layers}, {@code fixed}, and {@code parent_probability} per choice set
         */
        @Override
        public Map<String, Object> structure() {
            List<List<List<String>>> layers = new ArrayList<>();
            for (List<Set<String>> layer : served()) {
                List<List<String>> groups = new ArrayList<>();
                for (Set<String> s : layer) {
                    if (!s.isEmpty()) {
                        groups.add(new ArrayList<>(s));
                    }
                }
                layers.add(groups);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("layers", layers);
            out.put("fixed", parents != null);
            List<List<List<Double>>> probabilities = new ArrayList<>();
            for (Parameter p : parentLogits) {
                int rows = (int) p.getArray().getShape().get(0);
                int cols = (int) p.getArray().getShape().get(1);
                float[] v = softmax(p);
                List<List<Double>> m = new ArrayList<>();
                for (int r = 0; r < rows; r++) {
                    List<Double> row = new ArrayList<>();
                    for (int c = 0; c < cols; c++) {
                        row.add(Math.round(v[r * cols + c] * 1e4) / 1e4);
                    }
                    m.add(row);
                }
                probabilities.add(m);
            }
            out.put("parent_probability", probabilities);
            out.put("tau", tau);
            if (parents != null) {
                List<List<Integer>> saved = new ArrayList<>();
                for (int[] c : parents) {
                    List<Integer> row = new ArrayList<>();
                    for (int v : c) {
                        row.add(v);
                    }
                    saved.add(row);
                }
                out.put("parents", saved);
            }
            return out;
        }
    }
}
