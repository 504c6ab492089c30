package org.openmtl.plugins.architecture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openmtl.api.affinity.DifficultyAffinity;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.architecture.PhaseContext;
import org.openmtl.api.architecture.TrainingPhase;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.data.TaskTarget;
import org.openmtl.api.task.Task;

/**
 * Fully-adaptive feature sharing (Lu, Kumar, Zhai, Cheng, Javidi &amp; Feris, <i>Fully-adaptive
 * Feature Sharing in Multi-Task Networks with Applications in Person Attribute Classification</i>,
 * CVPR 2017). The network starts thin: every trunk stage ({@link TrunkHeadDesign}) is one node
 * shared by all tasks, and the tasks branch only at their heads. Then, round by round, the stage
 * just below the branching point is widened, top-down:
 *
 * <ol>
 *   <li>task affinity from co-occurring difficult examples on up to {@value #AFFINITY_EXAMPLES}
 *       validation examples (training examples without a validation split), with each example's
 *       loss as its error margin ({@link DifficultyAffinity});
 *   <li>branch affinity by complete linkage over the current branches (the task sets of the nodes
 *       just above the stage): Ã_b(k,l) = mean_{i∈k} min_{j∈l} A(i,j), A_b = (Ã_b + Ã_bᵀ)/2;
 *   <li>the grouping g_d of the c branches into d ≤ c groups minimizing
 *       (d − 1)·L0·2^{p_l} + α·L_s(g_d), with L_s the mean over the groups of
 *       1 − mean_{k∈group} min_{l∈group} A_b(k,l), and p_l the number of pooling stages from
 *       stage l up (lower stages cost more to branch): over every set partition for up to
 *       {@value #EXACT_BRANCHES} branches, over the groupings of a complete-linkage agglomerative
 *       clustering of A_b (one per d) for more, which may miss the optimum;
 *   <li>the stage is replaced by d copies of itself (the existing node serves the first group, the
 *       others start from its weights, so the network's outputs do not change at the widening),
 *       each feeding the branches of its group.
 * </ol>
 *
 * <p>The epochs are split into a thin phase and one phase per round ({@code rounds}, at most the
 * number of stages). A node serving every task is shared, a node serving one task is that task's,
 * a node serving several but not all tasks is an extra parameter (gradient methods combine only
 * what every task shares). {@code structure()} gives the tree, per stage the task groups, and each
 * round's affinity and choice; a resumed run rebuilds the tree from it before loading the saved
 * parameters, and does not widen a stage again.
 */
public final class FullyAdaptive implements Architecture {

    /** The most examples the affinity reads. */
    static final int AFFINITY_EXAMPLES = 1000;

    /** The most branches grouped by trying every set partition; more are grouped greedily. */
    static final int EXACT_BRANCHES = 12;

    private final TrunkHeadDesign design;
    private final int rounds;
    private final double l0;
    private final double alpha;

    FullyAdaptive(TrunkHeadDesign design, int rounds, double l0, double alpha) {
        this.design = design;
        this.rounds = rounds;
        this.l0 = l0;
        this.alpha = alpha;
    }

    @Override
    public MultiTaskNetwork build(NetworkContext context) {
        return new Network(design, context, rounds, l0, alpha);
    }

    /** A node: one copy of a stage, serving a set of tasks, reading one node of the stage below. */
    private static final class Node {
        final Block block;
        final Set<String> tasks;
        Node parent;

        Node(Block block, Set<String> tasks, Node parent) {
            this.block = block;
            this.tasks = tasks;
            this.parent = parent;
        }
    }

    /**
     * The grouping objective for one stage.
     *
     * @param branchAffinity A_b over the c branches
     * @param groups a set partition of 0..c−1
     * @param l0 L0
     * @param alpha α
     * @param pooling p_l
     * @return (d − 1)·L0·2^{p_l} + α·L_s
     */
    static double objective(double[][] branchAffinity, List<List<Integer>> groups, double l0, double alpha, int pooling) {
        double ls = 0;
        for (List<Integer> group : groups) {
            double sum = 0;
            for (int k : group) {
                double min = Double.POSITIVE_INFINITY;
                for (int l : group) {
                    min = Math.min(min, branchAffinity[k][l]);
                }
                sum += min;
            }
            ls += 1 - sum / group.size();
        }
        ls /= groups.size();
        return (groups.size() - 1) * l0 * Math.pow(2, pooling) + alpha * ls;
    }

    /**
     * Complete-linkage branch affinity.
     *
     * @param taskAffinity A over task indices
     * @param branches each branch's task indices
     * @return A_b (c × c)
     */
    static double[][] branchAffinity(double[][] taskAffinity, List<List<Integer>> branches) {
        int c = branches.size();
        double[][] tilde = new double[c][c];
        for (int k = 0; k < c; k++) {
            for (int l = 0; l < c; l++) {
                double sum = 0;
                for (int i : branches.get(k)) {
                    double min = Double.POSITIVE_INFINITY;
                    for (int j : branches.get(l)) {
                        min = Math.min(min, taskAffinity[i][j]);
                    }
                    sum += min;
                }
                tilde[k][l] = sum / branches.get(k).size();
            }
        }
        double[][] ab = new double[c][c];
        for (int k = 0; k < c; k++) {
            for (int l = 0; l < c; l++) {
                ab[k][l] = (tilde[k][l] + tilde[l][k]) / 2;
            }
        }
        return ab;
    }

    /**
     * The best grouping of c branches: over every set partition when c is at most {@value
     * #EXACT_BRANCHES}, otherwise over the c nested groupings of a complete-linkage agglomerative
     * clustering of A_b ({@link #greedyGrouping}).
     *
     * @param branchAffinity A_b over the c branches
     * @param l0 L0
     * @param alpha α
     * @param pooling p_l
     * @return the groups (lists of branch indices, ascending), in order of their first branch
     */
    static List<List<Integer>> bestGrouping(double[][] branchAffinity, double l0, double alpha, int pooling) {
        return branchAffinity.length <= EXACT_BRANCHES
                ? exactGrouping(branchAffinity, l0, alpha, pooling)
                : greedyGrouping(branchAffinity, l0, alpha, pooling);
    }

    /**
     * The grouping minimizing the objective over every set partition, enumerated one at a time as
     * restricted growth strings (nothing is materialized: Bell(12) = 4,213,597 partitions take about
     * a second). Ties keep the partition enumerated first (the enumeration starts with the single
     * group). A grouping whose objective is NaN (a pair of tasks never labelled on the
     * same example) is never chosen; when every one is, the branches stay together.
     *
     * @param branchAffinity A_b over c ≤ {@value #EXACT_BRANCHES} branches
     * @param l0 L0
     * @param alpha α
     * @param pooling p_l
     * @return the groups, in order of their first branch
     */
    static List<List<Integer>> exactGrouping(double[][] branchAffinity, double l0, double alpha, int pooling) {
        int c = branchAffinity.length;
        if (c > EXACT_BRANCHES) {
            throw new IllegalArgumentException("grouping " + c + " branches exactly is too many (at most "
                    + EXACT_BRANCHES + ")");
        }
        ExactSearch search = new ExactSearch(branchAffinity, l0 * Math.pow(2, pooling), alpha);
        search.grow(0, 0);
        return groupsOf(search.best);
    }

    /** The state of the exhaustive search: the labels being grown and the best labels so far. */
    private static final class ExactSearch {
        private final double[][] ab;
        private final double branchCost;
        private final double alpha;
        private final int[] labels;
        private final double[] sums;
        private final int[] sizes;
        private int[] best;
        private double bestValue = Double.POSITIVE_INFINITY;

        ExactSearch(double[][] ab, double branchCost, double alpha) {
            this.ab = ab;
            this.branchCost = branchCost;
            this.alpha = alpha;
            this.labels = new int[ab.length];
            this.sums = new double[ab.length];
            this.sizes = new int[ab.length];
            this.best = new int[ab.length];
        }

        void grow(int i, int groups) {
            if (i == labels.length) {
                double value = value(groups);
                if (value < bestValue - 1e-12) {
                    bestValue = value;
                    best = labels.clone();
                }
                return;
            }
            for (int g = 0; g <= groups; g++) {
                labels[i] = g;
                grow(i + 1, Math.max(groups, g + 1));
            }
        }

        /** The objective of the current labels, as {@link FullyAdaptive#objective} computes it. */
        private double value(int groups) {
            Arrays.fill(sums, 0, groups, 0);
            Arrays.fill(sizes, 0, groups, 0);
            for (int k = 0; k < labels.length; k++) {
                double min = Double.POSITIVE_INFINITY;
                for (int l = 0; l < labels.length; l++) {
                    if (labels[l] == labels[k]) {
                        min = Math.min(min, ab[k][l]);
                    }
                }
                sums[labels[k]] += min;
                sizes[labels[k]]++;
            }
            double ls = 0;
            for (int g = 0; g < groups; g++) {
                ls += 1 - sums[g] / sizes[g];
            }
            return (groups - 1) * branchCost + alpha * (ls / groups);
        }
    }

    /**
     * The grouping for many branches: complete-linkage agglomerative clustering of A_b (start with
     * every branch alone, repeatedly merge the two groups whose least affine pair of branches is the
     * most affine, lowest indices first on ties) gives one grouping per d = c, c − 1, ..., 1; the one
     * minimizing the objective is chosen, the one with fewer groups on ties. The same objective as the
     * exact search, over c of its groupings instead of Bell(c), so it can miss the optimum. Pairs
     * with a NaN affinity are never merged.
     *
     * @param branchAffinity A_b over the c branches
     * @param l0 L0
     * @param alpha α
     * @param pooling p_l
     * @return the groups (ascending), in order of their first branch
     */
    static List<List<Integer>> greedyGrouping(double[][] branchAffinity, double l0, double alpha, int pooling) {
        int c = branchAffinity.length;
        List<List<Integer>> groups = new ArrayList<>();
        for (int k = 0; k < c; k++) {
            groups.add(new ArrayList<>(List.of(k)));
        }
        List<List<Integer>> best = copyOf(groups);
        double bestValue = objective(branchAffinity, groups, l0, alpha, pooling);
        while (groups.size() > 1) {
            int mergeA = -1;
            int mergeB = -1;
            double most = Double.NEGATIVE_INFINITY;
            for (int a = 0; a < groups.size(); a++) {
                for (int b = a + 1; b < groups.size(); b++) {
                    double link = Double.POSITIVE_INFINITY;
                    for (int k : groups.get(a)) {
                        for (int l : groups.get(b)) {
                            link = Math.min(link, branchAffinity[k][l]);
                        }
                    }
                    if (link > most) {
                        most = link;
                        mergeA = a;
                        mergeB = b;
                    }
                }
            }
            if (mergeA < 0) {
                break;
            }
            groups.get(mergeA).addAll(groups.remove(mergeB));
            Collections.sort(groups.get(mergeA));
            double value = objective(branchAffinity, groups, l0, alpha, pooling);
            if (value <= bestValue + 1e-12 || Double.isNaN(bestValue)) {
                bestValue = value;
                best = copyOf(groups);
            }
        }
        return best;
    }

    private static List<List<Integer>> copyOf(List<List<Integer>> groups) {
        List<List<Integer>> out = new ArrayList<>();
        groups.forEach(g -> out.add(new ArrayList<>(g)));
        return out;
    }

    private static List<List<Integer>> groupsOf(int[] labels) {
        List<List<Integer>> groups = new ArrayList<>();
        for (int k = 0; k < labels.length; k++) {
            if (labels[k] == groups.size()) {
                groups.add(new ArrayList<>());
            }
            groups.get(labels[k]).add(k);
        }
        return groups;
    }

    /**
     * Every set partition of 0..n−1 (restricted growth strings), materialized; for tests and small n.
     *
     * @param n the number of elements, at most 10
     * @return the partitions
     */
    static List<List<List<Integer>>> partitions(int n) {
        if (n > 10) {
            throw new IllegalArgumentException("listing the partitions of " + n + " elements is too many (at most 10)");
        }
        List<List<List<Integer>>> out = new ArrayList<>();
        int[] labels = new int[n];
        grow(labels, 0, 0, out);
        return out;
    }

    private static void grow(int[] labels, int i, int max, List<List<List<Integer>>> out) {
        if (i == labels.length) {
            out.add(groupsOf(labels));
            return;
        }
        for (int g = 0; g <= max; g++) {
            labels[i] = g;
            grow(labels, i + 1, Math.max(max, g + 1), out);
        }
    }

    /** The built, growing network. */
    static final class Network implements MultiTaskNetwork {
        private final TrunkHeadDesign design;
        private final NetworkHolder holder = new NetworkHolder();
        private final List<Task> taskList;
        private final List<String> tasks;
        private final Shape exampleShape;
        private final List<List<Node>> stages = new ArrayList<>();
        private final List<Shape> inputShapes = new ArrayList<>();
        private final List<Integer> pooling = new ArrayList<>();
        private final Map<String, Block> heads = new LinkedHashMap<>();
        private final int rounds;
        private final double l0;
        private final double alpha;
        private final List<Map<String, Object>> history = new ArrayList<>();
        private int widened;
        private final Set<Integer> widenedStages = new java.util.HashSet<>();
        private int copies;
        private final Map<Node, NDArray> cache = new IdentityHashMap<>();
        private NDList cachedFor;

        Network(TrunkHeadDesign design, NetworkContext context, int rounds, double l0, double alpha) {
            this.design = design;
            this.taskList = context.tasks();
            this.tasks = taskList.stream().map(Task::name).toList();
            this.exampleShape = context.exampleShape();
            List<Block> blocks = design.trunkStages(exampleShape);
            this.rounds = Math.min(rounds, blocks.size());
            this.l0 = l0;
            this.alpha = alpha;
            NDManager manager = context.manager();
            Shape shape = new Shape(1).addAll(exampleShape);
            Node parent = null;
            for (int j = 0; j < blocks.size(); j++) {
                inputShapes.add(shape);
                holder.child("stage" + (j + 1), blocks.get(j));
                shape = NetworkHolder.initializeChild(blocks.get(j), manager, shape)[0];
                Node node = new Node(blocks.get(j), new LinkedHashSet<>(tasks), parent);
                stages.add(new ArrayList<>(List.of(node)));
                parent = node;
            }
            boolean lenet = design.isLenet(exampleShape);
            for (int j = 0; j < blocks.size(); j++) {
                // lenet's first two stages pool; p_l counts the pooling stages from stage l up
                int p = 0;
                for (int k = j; k < blocks.size(); k++) {
                    p += lenet && k < 2 ? 1 : 0;
                }
                pooling.add(p);
            }
            for (Task task : taskList) {
                Block head = holder.child(task.name() + "_head", design.head(exampleShape, task.outputs()));
                NetworkHolder.initializeChild(head, manager, shape);
                heads.put(task.name(), head);
            }
        }

        @Override
        public Block block() {
            return holder;
        }

        /** Stages shared by every task, from the bottom. */
        private int sharedDepth() {
            int d = 0;
            while (d < stages.size() && stages.get(d).size() == 1) {
                d++;
            }
            return d;
        }

        @Override
        public NDList encode(ParameterStore parameters, NDArray input, boolean training) {
            NDArray x = input;
            for (int j = 0; j < sharedDepth(); j++) {
                x = stages.get(j).get(0).block.forward(parameters, new NDList(x), training).singletonOrThrow();
            }
            return new NDList(x);
        }

        @Override
        public NDArray decode(ParameterStore parameters, NDList representation, String task, boolean training) {
            Block head = heads.get(task);
            if (head == null) {
                throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
            }
            if (cachedFor != representation) {
                cache.clear();
                cachedFor = representation;
            }
            int depth = sharedDepth();
            NDArray x = representation.singletonOrThrow();
            for (int j = depth; j < stages.size(); j++) {
                Node node = nodeOf(j, task);
                // a node shared by several tasks runs once per evaluation forward; in training each task
                // runs its own path, since the trainer may backward one task before decoding the next
                NDArray done = training ? null : cache.get(node);
                if (done == null) {
                    done = node.block.forward(parameters, new NDList(x), training).singletonOrThrow();
                    if (!training) {
                        cache.put(node, done);
                    }
                }
                x = done;
            }
            return head.forward(parameters, new NDList(x), training).singletonOrThrow();
        }

        private Node nodeOf(int stage, String task) {
            for (Node n : stages.get(stage)) {
                if (n.tasks.contains(task)) {
                    return n;
                }
            }
            throw new IllegalStateException("no node of stage " + (stage + 1) + " serves task " + task);
        }

        @Override
        public List<Parameter> sharedParameters() {
            List<Parameter> out = new ArrayList<>();
            for (List<Node> stage : stages) {
                for (Node n : stage) {
                    if (n.tasks.size() == tasks.size()) {
                        out.addAll(n.block.getParameters().values());
                    }
                }
            }
            return out;
        }

        @Override
        public List<Parameter> taskParameters(String task) {
            if (!heads.containsKey(task)) {
                throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
            }
            List<Parameter> out = new ArrayList<>();
            for (List<Node> stage : stages) {
                for (Node n : stage) {
                    if (n.tasks.size() == 1 && n.tasks.contains(task) && tasks.size() > 1) {
                        out.addAll(n.block.getParameters().values());
                    }
                }
            }
            out.addAll(heads.get(task).getParameters().values());
            return out;
        }

        @Override
        public List<Parameter> extraParameters() {
            List<Parameter> out = new ArrayList<>();
            for (List<Node> stage : stages) {
                for (Node n : stage) {
                    if (n.tasks.size() > 1 && n.tasks.size() < tasks.size()) {
                        out.addAll(n.block.getParameters().values());
                    }
                }
            }
            return out;
        }

        @Override
        public List<TrainingPhase> phases(int epochs) {
            int r = Math.max(0, Math.min(rounds, epochs - 1));
            List<TrainingPhase> phases = new ArrayList<>();
            int each = epochs / (r + 1);
            int first = epochs - each * r;
            phases.add(TrainingPhase.all("thin", first));
            for (int i = 1; i <= r; i++) {
                phases.add(TrainingPhase.all("widen-stage" + (stages.size() - i + 1), each));
            }
            return phases;
        }

        @Override
        public boolean onPhaseStart(TrainingPhase phase, PhaseContext context) {
            if (!phase.name().startsWith("widen-stage")) {
                return false;
            }
            int stage = Integer.parseInt(phase.name().substring("widen-stage".length())) - 1;
            if (widenedStages.contains(stage)) {
                // a resumed run: this round happened before the checkpoint
                return false;
            }
            return widen(stage, context);
        }

        @Override
        @SuppressWarnings("unchecked")
        public boolean restoreStructure(Map<String, Object> structure, PhaseContext context) {
            if (!(structure.get("rounds") instanceof List<?> rounds)) {
                return false;
            }
            boolean changed = false;
            for (Object o : rounds) {
                Map<String, Object> round = (Map<String, Object>) o;
                int stage = ((Number) round.get("stage")).intValue() - 1;
                List<List<String>> groups = (List<List<String>>) round.get("groups");
                Map<String, Object> record = new LinkedHashMap<>(round);
                record.put("stage", stage + 1);
                history.add(record);
                widened++;
                widenedStages.add(stage);
                if (groups.size() > 1) {
                    apply(stage, groups, context.parameterManager());
                    changed = true;
                }
            }
            return changed;
        }

        /**
         * Widens one stage: groups the branches above it by affinity and gives each group its own copy.
         *
         * @param stage the stage, 0-based; the stages above it must already be the branching point
         * @param context data and parameters
         * @return true when the stage was split into two or more nodes
         */
        boolean widen(int stage, PhaseContext context) {
            double[][] affinity = taskAffinity(context);
            return widen(stage, affinity, context.parameterManager());
        }

        /**
         * Widens one stage with a given task affinity (for tests).
         *
         * @param stage 0-based
         * @param affinity A over the tasks, in task order
         * @param manager the manager that owns the parameters
         * @return true when the stage was split
         */
        boolean widen(int stage, double[][] affinity, NDManager manager) {
            // the branches above the stage: its children's task sets, or the tasks themselves at the top
            List<Set<String>> branches = new ArrayList<>();
            if (stage + 1 < stages.size()) {
                for (Node n : stages.get(stage + 1)) {
                    branches.add(n.tasks);
                }
            } else {
                for (String t : tasks) {
                    branches.add(new LinkedHashSet<>(List.of(t)));
                }
            }
            List<List<Integer>> branchTasks = new ArrayList<>();
            for (Set<String> b : branches) {
                List<Integer> indices = new ArrayList<>();
                b.forEach(t -> indices.add(tasks.indexOf(t)));
                branchTasks.add(indices);
            }
            double[][] ab = branchAffinity(affinity, branchTasks);
            List<List<Integer>> grouping = bestGrouping(ab, l0, alpha, pooling.get(stage));
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("stage", stage + 1);
            record.put("task_affinity", rounded(affinity));
            record.put("branch_affinity", rounded(ab));
            record.put("search", ab.length <= EXACT_BRANCHES ? "exact" : "greedy");
            List<List<String>> groups = new ArrayList<>();
            for (List<Integer> g : grouping) {
                List<String> names = new ArrayList<>();
                for (int k : g) {
                    names.addAll(branches.get(k));
                }
                groups.add(names);
            }
            record.put("groups", groups);
            history.add(record);
            widened++;
            widenedStages.add(stage);
            if (grouping.size() == 1) {
                return false;
            }
            apply(stage, groups, manager);
            return true;
        }

        /** Replaces the single node of a stage by one node per group (the first keeps the original block). */
        private void apply(int stage, List<List<String>> groups, NDManager manager) {
            Node original = stages.get(stage).get(0);
            List<Node> nodes = new ArrayList<>();
            for (int g = 0; g < groups.size(); g++) {
                Set<String> served = new LinkedHashSet<>(groups.get(g));
                Node node;
                if (g == 0) {
                    node = new Node(original.block, served, original.parent);
                } else {
                    Block copy = design.trunkStages(exampleShape).get(stage);
                    holder.child("stage" + (stage + 1) + "_copy" + (++copies), copy);
                    NetworkHolder.initializeChild(copy, manager, inputShapes.get(stage));
                    List<Parameter> from = new ArrayList<>(original.block.getParameters().values());
                    List<Parameter> to = new ArrayList<>(copy.getParameters().values());
                    for (int i = 0; i < from.size(); i++) {
                        to.get(i).getArray().set(from.get(i).getArray().toFloatArray());
                    }
                    node = new Node(copy, served, original.parent);
                }
                nodes.add(node);
            }
            stages.set(stage, nodes);
            if (stage + 1 < stages.size()) {
                for (Node child : stages.get(stage + 1)) {
                    for (Node n : nodes) {
                        if (n.tasks.containsAll(child.tasks)) {
                            child.parent = n;
                        }
                    }
                }
            }
            cache.clear();
            cachedFor = null;
        }

        private double[][] taskAffinity(PhaseContext context) {
            MultiTaskDataset dataset = context.dataset();
            Split split = dataset.size(Split.VALIDATION) > 0 ? Split.VALIDATION : Split.TRAIN;
            int n = Math.min(AFFINITY_EXAMPLES, dataset.size(split));
            int k = tasks.size();
            double[][] margins = new double[k][n];
            boolean[][] labelled = new boolean[k][n];
            int batch = 256;
            for (int start = 0; start < n; start += batch) {
                int end = Math.min(n, start + batch);
                int[] examples = new int[end - start];
                for (int i = 0; i < examples.length; i++) {
                    examples[i] = start + i;
                }
                try (NDManager step = context.manager().newSubManager()) {
                    MultiTaskBatch b = dataset.batch(step, split, examples, tasks);
                    NDList rep = encode(context.parameters(), b.input(), false);
                    for (int t = 0; t < k; t++) {
                        TaskTarget target = b.target(tasks.get(t));
                        NDArray prediction = decode(context.parameters(), rep, tasks.get(t), false);
                        float[] loss = DifficultyAffinity.perExampleLoss(taskList.get(t).type(), prediction,
                                target.labels()).toFloatArray();
                        float[] mask = target.mask() == null ? null
                                : target.mask().toType(DataType.FLOAT32, false).toFloatArray();
                        for (int i = 0; i < loss.length; i++) {
                            margins[t][start + i] = loss[i];
                            labelled[t][start + i] = mask == null || mask[i] > 0;
                        }
                    }
                    cache.clear();
                    cachedFor = null;
                }
            }
            boolean[][] difficult = new boolean[k][];
            for (int t = 0; t < k; t++) {
                difficult[t] = DifficultyAffinity.difficult(margins[t], labelled[t]);
            }
            return DifficultyAffinity.matrix(difficult, labelled);
        }

        private static List<List<Double>> rounded(double[][] m) {
            List<List<Double>> out = new ArrayList<>();
            for (double[] row : m) {
                List<Double> r = new ArrayList<>();
                for (double v : row) {
                    r.add(Math.round(v * 1e4) / 1e4);
                }
                out.add(r);
            }
            return out;
        }

        /**
         * The tree: per stage the task groups of its nodes, and each widening round.
         *
         * @return {@code {"layers": [[[tasks], ...], ...], "rounds": [...]}}
         */
        @Override
        public Map<String, Object> structure() {
            List<List<List<String>>> layers = new ArrayList<>();
            for (List<Node> stage : stages) {
                List<List<String>> groups = new ArrayList<>();
                stage.forEach(n -> groups.add(new ArrayList<>(n.tasks)));
                layers.add(groups);
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("layers", layers);
            s.put("rounds", history);
            s.put("widened", widened);
            return s;
        }
    }
}
