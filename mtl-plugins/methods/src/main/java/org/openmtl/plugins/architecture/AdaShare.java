package org.openmtl.plugins.architecture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.UniformInitializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.architecture.PhaseContext;
import org.openmtl.api.architecture.TrainingPhase;
import org.openmtl.api.task.Task;

/**
 * AdaShare (Sun, Panda, Feris &amp; Saenko, <i>AdaShare: Learning What To Share For Efficient Deep
 * Multi-Task Learning</i>, NeurIPS 2020): a shared stem and a chain of {@code blocks} residual
 * blocks x ↦ x + f(x) (f = linear, relu, linear of width {@code width}); every task decides per
 * block whether to execute it or skip it (identity), from two learned logits per task and block.
 *
 * <ul>
 *   <li>During the policy search the decision is sampled with the straight-through Gumbel-softmax
 *       (hard one-hot forward, soft gradient) at temperature τ, annealed by {@code tau.decay} per
 *       epoch from {@code tau}; the block's output for task t is x + s_t·f(x), s_t the select
 *       sample.
 *   <li>Curriculum: in search epoch e only the last e blocks' policies are learned and sampled; the
 *       blocks before them are executed by every task.
 *   <li>Penalties during the search: sparsity λ_sparsity·Σ_{t,k} log p_{t,k}(select) (encourages
 *       skipping) and sharing λ_sharing·Σ_{i&lt;j} Σ_k ((K − k)/K)·|p_{i,k} − p_{j,k}| (tasks agree
 *       on the lower blocks).
 *   <li>Schedule (phases): warm-up of the shared weights with every block executed; the search,
 *       alternating one epoch of policy updates (weights frozen) and one of weight updates (policy
 *       frozen) — the paper alternates per iteration, the phase SPI per epoch; then re-training of
 *       the weights with the policy fixed ({@code final.policy}: the most likely decision, or one
 *       sample).
 * </ul>
 *
 * <p>{@code encode} runs the stem (a lenet trunk's convolutional stages then a projection for
 * images, a projection for vectors); {@code decode(t)} runs the blocks under task t's policy and
 * head t. Stem and blocks are shared, heads their task's, the policy logits extra. {@code
 * structure()} holds the select probabilities and the decisions (tasks × blocks).
 */
public final class AdaShare implements Architecture {

    private final TrunkHeadDesign design;
    private final Settings settings;

    /** The keys' values. */
    record Settings(int blocks, int width, double tau, double tauDecay, double sparsity, double sharing,
            double warmup, double retrain, boolean sampleFinal) {}

    AdaShare(TrunkHeadDesign design, Settings settings) {
        this.design = design;
        this.settings = settings;
    }

    @Override
    public MultiTaskNetwork build(NetworkContext context) {
        return new Network(design, context, settings);
    }

    /**
     * Straight-through Gumbel-softmax samples over the last axis: the forward value is the one-hot
     * of argmax((logits + g)/τ), the gradient that of softmax((logits + g)/τ).
     *
     * @param logits (..., 2)
     * @param gumbel Gumbel(0, 1) noise of the same shape
     * @param tau the temperature
     * @return hard samples with soft gradients
     */
    static NDArray gumbelHard(NDArray logits, NDArray gumbel, double tau) {
        // noise first: the result takes the noise's (the step's) manager, not the parameter's
        NDArray soft = gumbel.add(logits).div((float) tau).softmax(-1);
        NDArray hard = soft.argMax(-1).oneHot((int) logits.getShape().get(logits.getShape().dimension() - 1))
                .toType(soft.getDataType(), false);
        return hard.sub(soft.stopGradient()).add(soft);
    }

    /** The built network. */
    static final class Network implements MultiTaskNetwork {
        private final NetworkHolder holder = new NetworkHolder();
        private final List<String> tasks;
        private final Block stem;
        private final List<Block> blocks = new ArrayList<>();
        private final Map<String, Block> heads = new LinkedHashMap<>();
        private final Parameter logits;
        private final Settings settings;
        private final long baseSeed;
        private SplittableRandom random;
        private String mode = "warmup";
        private int curriculum;
        private double tau;
        private float[] fixed;
        private NDManager stepManager;

        Network(TrunkHeadDesign design, NetworkContext context, Settings settings) {
            this.tasks = context.tasks().stream().map(Task::name).toList();
            this.settings = settings;
            this.tau = settings.tau();
            this.baseSeed = context.seed() * 0x9E3779B97F4A7C15L + 17;
            this.random = new SplittableRandom(baseSeed);
            NDManager manager = context.manager();
            Shape example = context.exampleShape();
            SequentialBlock stemBlock = new SequentialBlock();
            long fanIn = example.size();
            if (design.isLenet(example)) {
                // the lenet trunk's two convolutional stages (they end flattened), then the projection
                List<Block> stages = design.trunkStages(example);
                stemBlock.add(stages.get(0)).add(stages.get(1));
                Shape probe = new Shape(1).addAll(example);
                Shape afterFirst = stages.get(0).getOutputShapes(new Shape[] {probe})[0];
                fanIn = stages.get(1).getOutputShapes(new Shape[] {afterFirst})[0].get(1);
            } else if (example.dimension() != 1) {
                stemBlock.add(ai.djl.nn.Blocks.batchFlattenBlock());
            }
            stemBlock.add(linear(settings.width(), fanIn)).add(Activation.reluBlock());
            stem = holder.child("stem", stemBlock);
            Shape shape = NetworkHolder.initializeChild(stem, manager, new Shape(1).addAll(example))[0];
            for (int k = 0; k < settings.blocks(); k++) {
                Block f = holder.child("block" + (k + 1), new SequentialBlock()
                        .add(linear(settings.width(), settings.width())).add(Activation.reluBlock())
                        .add(linear(settings.width(), settings.width())));
                NetworkHolder.initializeChild(f, manager, shape);
                blocks.add(f);
            }
            for (Task task : context.tasks()) {
                Block head = holder.child(task.name() + "_head", new SequentialBlock()
                        .add(linear(task.outputs(), settings.width())));
                NetworkHolder.initializeChild(head, manager, shape);
                heads.put(task.name(), head);
            }
            // logits start equal: select and skip equally likely
            logits = holder.parameter("policy_logits", new Shape(tasks.size(), settings.blocks(), 2),
                    new ConstantInitializer(0f), manager);
        }

        private static Block linear(long units, long fanIn) {
            Linear l = Linear.builder().setUnits(units).build();
            UniformInitializer u = new UniformInitializer((float) (1.0 / Math.sqrt(fanIn)));
            l.setInitializer(u, Parameter.Type.WEIGHT);
            l.setInitializer(u, Parameter.Type.BIAS);
            return l;
        }

        @Override
        public Block block() {
            return holder;
        }

        @Override
        public NDList encode(ParameterStore parameters, NDArray input, boolean training) {
            stepManager = input.getManager();
            return stem.forward(parameters, new NDList(input), training);
        }

        /**
         * Task t's select weights for the blocks in this forward: 1 for every block in warm-up and
         * for the blocks before the curriculum; a Gumbel sample (training) or the argmax (evaluation)
         * for the searched blocks; the fixed policy when re-training.
         */
        private NDArray selects(ParameterStore parameters, NDArray like, int t, boolean training) {
            NDManager m = like.getManager();
            int k = blocks.size();
            if (mode.equals("warmup")) {
                return m.ones(new Shape(k));
            }
            if (mode.equals("retrain")) {
                float[] row = new float[k];
                System.arraycopy(fixed, t * k, row, 0, k);
                return m.create(row);
            }
            NDArray l = parameters.getValue(logits, like.getDevice(), training).get(t);
            // the slice is made in the parameters' manager: move it to the step's
            l.attach(m);
            NDArray s;
            if (training) {
                float[] g = new float[k * 2];
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) -Math.log(-Math.log(Math.max(1e-20, random.nextDouble())));
                }
                s = gumbelHard(l, m.create(g, new Shape(k, 2)), tau).get(new NDIndex(":, 0"));
            } else {
                s = l.get(new NDIndex(":, 0")).gt(l.get(new NDIndex(":, 1"))).toType(like.getDataType(), false);
            }
            // blocks before the curriculum are executed by every task
            int searched = Math.min(curriculum, k);
            if (searched < k) {
                float[] mask = new float[k];
                for (int i = k - searched; i < k; i++) {
                    mask[i] = 1f;
                }
                NDArray learn = m.create(mask);
                s = s.mul(learn).add(learn.neg().add(1f));
            }
            return s;
        }

        @Override
        public NDArray decode(ParameterStore parameters, NDList representation, String task, boolean training) {
            int t = tasks.indexOf(task);
            if (t < 0) {
                throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
            }
            NDArray x = representation.singletonOrThrow();
            NDArray s = selects(parameters, x, t, training);
            for (int k = 0; k < blocks.size(); k++) {
                NDArray f = blocks.get(k).forward(parameters, new NDList(x), training).singletonOrThrow();
                x = x.add(f.mul(s.get(k)));
            }
            return heads.get(task).forward(parameters, new NDList(x), training).singletonOrThrow();
        }

        /**
         * The select probabilities p_{t,k} = softmax(logits_{t,k})_0.
         *
         * @param logitValues the logits (tasks × blocks × 2)
         * @return (tasks × blocks)
         */
        static NDArray selectProbabilities(NDArray logitValues) {
            return logitValues.softmax(-1).get(new NDIndex(":, :, 0"));
        }

        /**
         * The penalties of the search: λ_sparsity·Σ log p + λ_sharing·Σ_{i<j} Σ_k ((K − k)/K)|p_i,k − p_j,k|.
         *
         * @param p select probabilities (tasks × blocks)
         * @param sparsity λ_sparsity
         * @param sharing λ_sharing
         * @return the penalty
         */
        static NDArray penalty(NDArray p, double sparsity, double sharing) {
            return penalty(p, p.log(), sparsity, sharing);
        }

        /**
         * The penalties from the logits, with log p from a log-softmax so that a vanishing select
         * probability cannot make the penalty infinite.
         *
         * @param logitValues (tasks × blocks × 2)
         * @param sparsity λ_sparsity
         * @param sharing λ_sharing
         * @return the penalty
         */
        static NDArray penaltyFromLogits(NDArray logitValues, double sparsity, double sharing) {
            NDArray logP = logitValues.logSoftmax(-1).get(new NDIndex(":, :, 0"));
            return penalty(logP.exp(), logP, sparsity, sharing);
        }

        private static NDArray penalty(NDArray p, NDArray logP, double sparsity, double sharing) {
            int t = (int) p.getShape().get(0);
            int k = (int) p.getShape().get(1);
            NDArray total = logP.sum().mul((float) sparsity);
            if (t > 1 && sharing > 0) {
                float[] w = new float[k];
                for (int i = 0; i < k; i++) {
                    // blocks counted from 1: weight (K − k)/K, so the lowest block counts most
                    w[i] = (float) (k - (i + 1)) / k;
                }
                NDArray weights = p.getManager().create(w);
                for (int i = 0; i < t; i++) {
                    for (int j = i + 1; j < t; j++) {
                        total = total.add(p.get(i).sub(p.get(j)).abs().mul(weights).sum().mul((float) sharing));
                    }
                }
            }
            return total;
        }

        @Override
        public Optional<NDArray> penalty(ParameterStore parameters) {
            if (!mode.equals("policy")) {
                return Optional.empty();
            }
            NDArray l = parameters.getValue(logits, logits.getArray().getDevice(), true).mul(1f);
            // made in the parameters' manager: move it to the step's (the last encoded input's)
            l.attach(stepManager);
            return Optional.of(penaltyFromLogits(l, settings.sparsity(), settings.sharing()));
        }

        @Override
        public List<TrainingPhase> phases(int epochs) {
            int warm = Math.max(1, (int) Math.round(epochs * settings.warmup()));
            int retrain = Math.max(1, (int) Math.round(epochs * settings.retrain()));
            int search = epochs - warm - retrain;
            List<TrainingPhase> phases = new ArrayList<>();
            if (search < 2) {
                phases.add(new TrainingPhase("warmup", epochs, p -> p != logits));
                return phases;
            }
            phases.add(new TrainingPhase("warmup", warm, p -> p != logits));
            for (int e = 0; e < search; e++) {
                phases.add(e % 2 == 0 ? new TrainingPhase("policy-" + (e + 1), 1, p -> p == logits)
                        : new TrainingPhase("weights-" + (e + 1), 1, p -> p != logits));
            }
            phases.add(new TrainingPhase("retrain", retrain, p -> p != logits));
            return phases;
        }

        @Override
        public boolean onPhaseStart(TrainingPhase phase, PhaseContext context) {
            if (phase.name().startsWith("policy")) {
                mode = "policy";
                // the curriculum is the policy phase's number among the policy phases
                curriculum = (Integer.parseInt(phase.name().substring("policy-".length())) + 1) / 2;
            } else if (phase.name().startsWith("weights")) {
                mode = "weights";
            } else if (phase.name().equals("retrain") && !mode.equals("retrain")) {
                fixed = decisions(settings.sampleFinal());
                mode = "retrain";
            }
            return false;
        }

        @Override
        @SuppressWarnings("unchecked")
        public boolean restoreStructure(Map<String, Object> structure, PhaseContext context) {
            random = new SplittableRandom(baseSeed + 1_000_003L * context.epoch());
            if (structure.get("curriculum") instanceof Number c) {
                curriculum = c.intValue();
            }
            if (structure.get("tau") instanceof Number t) {
                tau = t.doubleValue();
            }
            if (structure.get("mode") instanceof String m) {
                mode = m;
            }
            if ("retrain".equals(mode) && structure.get("policy") instanceof List<?> policy) {
                int k = blocks.size();
                fixed = new float[tasks.size() * k];
                for (int t = 0; t < tasks.size(); t++) {
                    List<Number> row = (List<Number>) policy.get(t);
                    for (int i = 0; i < k; i++) {
                        fixed[t * k + i] = row.get(i).floatValue();
                    }
                }
            }
            return false;
        }

        @Override
        public boolean onEpochEnd(PhaseContext context) {
            // the samples of each epoch follow from the seed and the epoch, so a resumed run draws
            // what an uninterrupted one would
            random = new SplittableRandom(baseSeed + 1_000_003L * context.epoch());
            if (mode.equals("policy") || mode.equals("weights")) {
                tau = Math.max(0.1, tau * settings.tauDecay());
            }
            return false;
        }

        /** p_{t,k}(select) computed on the heap from the logits (no arrays in the parameters' manager). */
        private float[] selectProbabilitiesOnHeap() {
            float[] l = logits.getArray().toFloatArray();
            float[] p = new float[l.length / 2];
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) (1 / (1 + Math.exp(l[2 * i + 1] - l[2 * i])));
            }
            return p;
        }

        private float[] decisions(boolean sample) {
            float[] p = selectProbabilitiesOnHeap();
            float[] d = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                d[i] = sample ? (random.nextDouble() < p[i] ? 1f : 0f) : (p[i] > 0.5f ? 1f : 0f);
            }
            return d;
        }

        /**
         * Switches the mode directly (for tests): warmup, policy, weights or retrain.
         *
         * @param newMode the mode
         * @param searchedBlocks how many of the last blocks the policy search covers
         */
        void mode(String newMode, int searchedBlocks) {
            this.mode = newMode;
            this.curriculum = searchedBlocks;
            if (newMode.equals("retrain")) {
                fixed = decisions(false);
            }
        }

        /** The policy logits (for tests). */
        Parameter logits() {
            return logits;
        }

        @Override
        public List<Parameter> sharedParameters() {
            List<Parameter> shared = new ArrayList<>(stem.getParameters().values());
            blocks.forEach(b -> shared.addAll(b.getParameters().values()));
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

        @Override
        public List<Parameter> extraParameters() {
            return List.of(logits);
        }

        /**
         * The policy: select probabilities and decisions (the fixed ones once re-training).
         *
         * @return {@code tasks}, {@code select_probability} and {@code policy} (tasks × blocks)
         */
        @Override
        public Map<String, Object> structure() {
            int k = blocks.size();
            float[] p = selectProbabilitiesOnHeap();
            float[] d = fixed != null ? fixed : decisions(false);
            List<List<Double>> probabilities = new ArrayList<>();
            List<List<Integer>> policy = new ArrayList<>();
            for (int t = 0; t < tasks.size(); t++) {
                List<Double> row = new ArrayList<>();
                List<Integer> drow = new ArrayList<>();
                for (int i = 0; i < k; i++) {
                    row.add(Math.round(p[t * k + i] * 1e4) / 1e4);
                    drow.add((int) d[t * k + i]);
                }
                probabilities.add(row);
                policy.add(drow);
            }
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("tasks", tasks);
            s.put("select_probability", probabilities);
            s.put("policy", policy);
            s.put("mode", mode);
            s.put("curriculum", curriculum);
            s.put("tau", tau);
            return s;
        }
    }
}
