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
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.UniformInitializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.architecture.RepresentationGradients;
import org.openmtl.api.architecture.PhaseContext;
import org.openmtl.api.architecture.TrainingPhase;
import org.openmtl.api.task.Task;
import org.openmtl.api.tensor.GraphScalars;

/**
 * AdaShare (Sun, Panda, Feris &amp; Saenko, <i>AdaShare: Learning What To Share For Efficient Deep
 * Multi-Task Learning</i>, NeurIPS 2020): a chain of {@code blocks} residual blocks x ↦ x + f(x)
 * shared by all tasks, where every task decides per block whether to execute it or skip it (the
 * identity), from two learned logits per task and block.
 *
 * <h2>Layers</h2>
 *
 * Built on {@link TrunkHeadDesign}. For vectors the stem is the mlp trunk ({@code mlp.hidden}; its
 * last width R is the chain's width), each block's f is linear R→{@code width}, relu, linear
 * {@code width}→R, and the heads are the design's. For images the stem is the lenet trunk's two
 * convolutional stages (20 channels of 4&times;4 for 28&times;28 inputs), each block's f is a 3&times;3
 * convolution to {@code width} channels, relu, and a 3&times;3 convolution back (padding 1), and the
 * lenet trunk's fully connected stage (shared) and the design's heads follow the chain. With every
 * block skipped the network is exactly {@code hard-sharing} on the same design; with every block
 * executed it is a plain residual network.
 *
 * <h2>Policy</h2>
 *
 * <ul>
 *   <li>p<sub>t,k</sub>(select) = softmax(logits<sub>t,k</sub>)<sub>0</sub>. The logits are stored
 *       divided by {@code policy.scale}: under Adam-like (scale-invariant) updates their learning
 *       rate is then {@code policy.scale} times the run's, standing in for the paper's separate
 *       policy optimizer.
 *   <li>While the policy is learned, a training forward samples each decision with the
 *       straight-through Gumbel-softmax (the one-hot of argmax(logits + g) forward, the gradient of
 *       softmax((logits + g)/τ)); block k of task t computes x + s<sub>t,k</sub>·f<sub>k</sub>(x).
 *       τ starts at {@code tau} and is multiplied by {@code tau.decay} after each policy epoch, down
 *       to {@code tau.min}. Evaluation takes the likelier decision.
 *   <li>Curriculum: in the j-th policy epoch only the last ⌈j / {@code curriculum}⌉ blocks are
 *       searched (one more block every {@code curriculum} policy epochs); the blocks before them are
 *       executed by every task.
 *   <li>Penalties while the policy learns: sparsity λ<sub>sparsity</sub>·Σ<sub>t</sub>
 *       Σ<sub>k searched</sub> log p<sub>t,k</sub> (pushes towards skipping; over the searched blocks
 *       as in the authors' code, so that a block's logits do not drift before it is searched) and
 *       sharing λ<sub>sharing</sub>·Σ<sub>i&lt;j</sub> Σ<sub>k=1..K</sub> ((K − k)/K)·|p<sub>i,k</sub>
 *       − p<sub>j,k</sub>| (tasks agree most on the lowest blocks).
 * </ul>
 *
 * <h2>Schedule (phases)</h2>
 *
 * {@code warmup} (a fraction of the epochs): the weights train with every block executed, the
 * policy frozen. The search: alternating epochs {@code policy-j} (only the logits train) and {@code
 * weights-j} (only the weights train, with sampled policies), as the authors' code alternates a
 * pass over one half of the training data for the weights with one over the other half for the
 * policy (here both passes see the whole training split). {@code retrain} (a
 * fraction of the epochs): the policy is fixed ({@code final.policy}: the likelier decision or one
 * sample; blocks never searched stay executed), the forward is deterministic and skipped blocks are
 * not computed, and the weights continue training (the paper re-trains from scratch instead).
 *
 * <h2>Interface</h2>
 *
 * {@code encode} runs the stem only: each task routes through its own blocks, so there is no common
 * representation after the stem; {@code decode(t)} runs the chain under task t's policy, then the
 * rest and head t. Stem, blocks (and for images the fully connected stage) are shared, heads are
 * their task's, the logits are extra. {@code structure()} holds the select probabilities and the
 * decisions (tasks &times; blocks) and the schedule's state.
 */
public final class AdaShare implements Architecture {

    private static final int CONV_KERNEL = 3;
    private static final int LENET_KERNEL = 5;
    private static final int LENET_POOL = 2;

    private final TrunkHeadDesign design;
    private final Settings settings;

    /**
     * The keys' values.
     *
     * @param blocks K, the residual blocks
     * @param width the hidden width (mlp) or channels (images) of each block's f
     * @param tau the initial temperature
     * @param tauDecay the temperature factor per policy epoch
     * @param tauMin the temperature floor
     * @param curriculum policy epochs per additional searched block; 0 searches all blocks at once
     * @param sparsity λ_sparsity
     * @param sharing λ_sharing
     * @param warmup the fraction of epochs for the warm-up
     * @param retrain the fraction of epochs for the re-training
     * @param policyScale the factor the stored logits are multiplied by
     * @param sampleFinal whether the fixed policy is one sample instead of the likelier decisions
     * @param softSampling whether the search's training forward mixes with the soft Gumbel-softmax
     *     sample (the reference's default) instead of the straight-through hard one
     * @param retrainFromScratch whether re-training starts from the initial weights with a fresh
     *     optimizer state (the reference's default) instead of the searched weights
     * @param splitData whether the search trains the weights on one half of the training split and
     *     the policy on the other (the reference's default) instead of both on all of it
     */
    record Settings(int blocks, int width, double tau, double tauDecay, double tauMin, int curriculum,
            double sparsity, double sharing, double warmup, double retrain, double policyScale,
            boolean sampleFinal, boolean softSampling, boolean retrainFromScratch, boolean splitData) {}

    AdaShare(TrunkHeadDesign design, Settings settings) {
        this.design = design;
        this.settings = settings;
    }

    /**
     * SHARED_IN_DECODE: the shared blocks run in decode, under each task's policy.
     *
     * @return {@link RepresentationGradients#SHARED_IN_DECODE}
     */
    @Override
    public RepresentationGradients representationGradients() {
        return RepresentationGradients.SHARED_IN_DECODE;
    }

    @Override
    public MultiTaskNetwork build(NetworkContext context) {
        return new Network(design, context, settings);
    }

    /**
     * Straight-through Gumbel-softmax samples over the last axis: the forward value is the one-hot
     * of argmax((logits + g)/τ), the gradient that of softmax((logits + g)/τ).
     *
     * @param logits (..., n)
     * @param gumbel Gumbel(0, 1) noise of the same shape
     * @param tau the temperature
     * @return hard samples with soft gradients
     */
    static NDArray gumbelHard(NDArray logits, NDArray gumbel, double tau) {
        // noise first: the result takes the noise's (the step's) manager, not the parameter's. The
        // temperature is an engine-made array, not a number (see GraphScalars: the backward pass
        // would read a freed scalar)
        NDArray inverse = GraphScalars.scalar(gumbel.getManager(), 1 / tau, gumbel);
        NDArray soft = gumbel.add(logits).mul(inverse).softmax(-1);
        NDArray hard = soft.argMax(-1).oneHot((int) logits.getShape().get(logits.getShape().dimension() - 1))
                .toType(soft.getDataType(), false);
        return hard.sub(soft.stopGradient()).add(soft);
    }

    /**
     * Soft Gumbel-softmax samples over the last axis: softmax((logits + g)/τ), value and gradient.
     *
     * @param logits (..., n)
     * @param gumbel Gumbel(0, 1) noise of the same shape
     * @param tau the temperature
     * @return the relaxed samples
     */
    static NDArray gumbelSoft(NDArray logits, NDArray gumbel, double tau) {
        NDArray inverse = GraphScalars.scalar(gumbel.getManager(), 1 / tau, gumbel);
        return gumbel.add(logits).mul(inverse).softmax(-1);
    }

    /**
     * The number of blocks searched in the j-th policy epoch: the last ⌈j / curriculum⌉ (all
     * with curriculum 0), none before the first.
     *
     * @param policyEpoch j, 0 before the search
     * @param curriculum policy epochs per additional block, 0 for none
     * @param blocks K
     * @return the number of searched blocks, at the end of the chain
     */
    static int searchedBlocks(int policyEpoch, int curriculum, int blocks) {
        if (policyEpoch <= 0) {
            return 0;
        }
        return curriculum == 0 ? blocks : Math.min(blocks, (policyEpoch - 1) / curriculum + 1);
    }

    /**
     * The penalties from the logits: λ_sparsity·Σ_t Σ_{k searched} log p_t,k + λ_sharing·Σ_{i<j}
     * Σ_k ((K − k)/K)·|p_i,k − p_j,k|, log p from a log-softmax so that a vanishing select
     * probability cannot make it infinite.
     *
     * @param logits (tasks × blocks × 2), in the manager the result should live in
     * @param searched how many of the last blocks the sparsity term covers
     * @param sparsity λ_sparsity
     * @param sharing λ_sharing
     * @return the penalty, a scalar
     */
    static NDArray penaltyOf(NDArray logits, int searched, double sparsity, double sharing) {
        int t = (int) logits.getShape().get(0);
        int k = (int) logits.getShape().get(1);
        NDArray logP = logits.logSoftmax(-1).get(new NDIndex(":, :, 0"));
        NDArray p = logP.exp();
        NDManager m = logits.getManager();
        // every factor is an array of the logits' manager, never a Number (see gumbelHard)
        NDArray total = m.zeros(new Shape());
        if (sparsity > 0 && searched > 0) {
            total = total.add(GraphScalars.times(logP.get(new NDIndex(":, {}:", k - searched)).sum(), sparsity, m));
        }
        if (t > 1 && sharing > 0) {
            float[] w = new float[k];
            for (int i = 0; i < k; i++) {
                // blocks counted from 1: weight (K − k)/K, so the lowest block counts most
                w[i] = (float) (sharing * (k - (i + 1)) / k);
            }
            NDArray weights = m.create(w);
            for (int i = 0; i < t; i++) {
                for (int j = i + 1; j < t; j++) {
                    total = total.add(p.get(i).sub(p.get(j)).abs().mul(weights).sum());
                }
            }
        }
        return total;
    }

    /** What the network does in the current epoch. */
    enum Mode {
        /** Every block executed; the weights train. */
        WARMUP,
        /** Policies sampled; only the logits train. */
        POLICY,
        /** Policies sampled; only the weights train. */
        WEIGHTS,
        /** The policy fixed; the weights train. */
        RETRAIN;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The built network. */
    static final class Network implements MultiTaskNetwork {
        private final NetworkHolder holder = new NetworkHolder();
        private final List<String> tasks;
        private final Block stem;
        /** (channels, height, width) of the stem's output for images; null for vectors. */
        private final Shape featureShape;
        private final List<Block> blocks = new ArrayList<>();
        /** The lenet trunk's fully connected stage after the chain (images); null for vectors. */
        private final Block post;
        private final Map<String, Block> heads = new LinkedHashMap<>();
        private final Parameter logits;
        private final Settings settings;
        private final long baseSeed;
        private SplittableRandom random;
        private Mode mode = Mode.WARMUP;
        /** How many policy epochs have begun (the curriculum's clock). */
        private int policyEpochs;
        private double tau;
        /** The fixed decisions (tasks × blocks, row-major) once re-training. */
        private float[] fixed;
        private NDManager stepManager;
        /** Every parameter but the logits, and its initial values (re-training starts from them). */
        private final List<Parameter> weights = new ArrayList<>();
        private final List<float[]> initialWeights = new ArrayList<>();

        Network(TrunkHeadDesign design, NetworkContext context, Settings settings) {
            this.tasks = context.tasks().stream().map(Task::name).toList();
            this.settings = settings;
            this.tau = settings.tau();
            this.baseSeed = context.seed() * 0x9E3779B97F4A7C15L + 17;
            this.random = new SplittableRandom(baseSeed);
            NDManager manager = context.manager();
            Shape example = context.exampleShape();
            List<Block> stages = design.trunkStages(example);
            boolean lenet = design.isLenet(example);
            SequentialBlock stemBlock = new SequentialBlock();
            if (lenet) {
                stemBlock.add(stages.get(0)).add(stages.get(1));
            } else {
                stages.forEach(stemBlock::add);
            }
            stem = holder.child("stem", stemBlock);
            Shape stemOut = NetworkHolder.initializeChild(stem, manager, new Shape(1).addAll(example))[0];
            long representation = stemOut.get(1);
            Shape blockInput;
            if (lenet) {
                // the second stage ends flattened: the chain works on its (channels, h, w) maps
                long h = afterConvPool(afterConvPool(example.get(1)));
                long w = afterConvPool(afterConvPool(example.get(2)));
                featureShape = new Shape(representation / (h * w), h, w);
                blockInput = new Shape(1).addAll(featureShape);
            } else {
                featureShape = null;
                blockInput = new Shape(1, representation);
            }
            for (int k = 0; k < settings.blocks(); k++) {
                SequentialBlock f = new SequentialBlock();
                if (lenet) {
                    long channels = featureShape.get(0);
                    f.add(conv(settings.width(), channels)).add(Activation.reluBlock())
                            .add(conv(channels, settings.width()));
                } else {
                    f.add(linear(settings.width(), representation)).add(Activation.reluBlock())
                            .add(linear(representation, settings.width()));
                }
                holder.child("block" + (k + 1), f);
                NetworkHolder.initializeChild(f, manager, blockInput);
                blocks.add(f);
            }
            Shape headInput = new Shape(1, representation);
            if (lenet) {
                post = holder.child("post", stages.get(2));
                headInput = NetworkHolder.initializeChild(post, manager, headInput)[0];
            } else {
                post = null;
            }
            for (Task task : context.tasks()) {
                Block head = holder.child(task.name() + "_head", design.head(example, task.outputs()));
                NetworkHolder.initializeChild(head, manager, headInput);
                heads.put(task.name(), head);
            }
            // logits start equal: select and skip equally likely
            logits = holder.parameter("policy_logits", new Shape(tasks.size(), settings.blocks(), 2),
                    new ConstantInitializer(0f), manager);
            for (Parameter p : holder.getParameters().values()) {
                if (p != logits) {
                    weights.add(p);
                    initialWeights.add(p.getArray().toFloatArray());
                }
            }
        }

        private static long afterConvPool(long size) {
            return (size - LENET_KERNEL + 1) / LENET_POOL;
        }

        private static Block linear(long units, long fanIn) {
            Linear l = Linear.builder().setUnits(units).build();
            return initializeLikePyTorch(l, fanIn);
        }

        private static Block conv(long filters, long inChannels) {
            Conv2d c = Conv2d.builder().setKernelShape(new Shape(CONV_KERNEL, CONV_KERNEL))
                    .optPadding(new Shape(1, 1)).setFilters((int) filters).build();
            return initializeLikePyTorch(c, inChannels * CONV_KERNEL * CONV_KERNEL);
        }

        private static Block initializeLikePyTorch(Block layer, long fanIn) {
            UniformInitializer u = new UniformInitializer((float) (1.0 / Math.sqrt(fanIn)));
            layer.setInitializer(u, Parameter.Type.WEIGHT);
            layer.setInitializer(u, Parameter.Type.BIAS);
            return layer;
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

        @Override
        public NDArray decode(ParameterStore parameters, NDList representation, String task, boolean training) {
            int t = taskIndex(task);
            NDArray x = representation.singletonOrThrow();
            long batch = x.getShape().get(0);
            if (featureShape != null) {
                x = x.reshape(new Shape(batch).addAll(featureShape));
            }
            int k = blocks.size();
            if (training && (mode == Mode.POLICY || (settings.softSampling() && mode == Mode.WEIGHTS))) {
                NDArray s = sampledSelects(parameters, x.getManager(), t);
                for (int i = 0; i < k; i++) {
                    NDArray f = blocks.get(i).forward(parameters, new NDList(x), true).singletonOrThrow();
                    x = x.add(f.mul(s.get(i)));
                }
            } else {
                float[] d = fixedSelects(t, training);
                for (int i = 0; i < k; i++) {
                    // a skipped block is the identity: not computed at all
                    if (d[i] != 0f) {
                        x = x.add(blocks.get(i).forward(parameters, new NDList(x), training).singletonOrThrow());
                    }
                }
            }
            if (post != null) {
                x = post.forward(parameters, new NDList(x.reshape(batch, -1)), training).singletonOrThrow();
            }
            return heads.get(task).forward(parameters, new NDList(x), training).singletonOrThrow();
        }

        private int taskIndex(String task) {
            int t = tasks.indexOf(task);
            if (t < 0) {
                throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
            }
            return t;
        }

        private int searched() {
            return mode == Mode.WARMUP ? 0 : searchedBlocks(policyEpochs, settings.curriculum(), blocks.size());
        }

        /**
         * Task t's select samples with straight-through gradients (K), the blocks before the
         * searched ones fixed at 1.
         */
        private NDArray sampledSelects(ParameterStore parameters, NDManager m, int t) {
            int k = blocks.size();
            NDArray stored = parameters.getValue(logits, m.getDevice(), true);
            if (mode != Mode.POLICY) {
                // weight epochs sample from the frozen policy: no gradient for the logits
                stored = stored.stopGradient();
            }
            // the scale first: the product belongs to the step's manager, not the parameters'
            NDArray l = GraphScalars.scalar(m, settings.policyScale(), stored).mul(stored).get(t);
            NDArray noise = m.create(gumbelNoise(k), new Shape(k, 2));
            NDArray s = (settings.softSampling() ? gumbelSoft(l, noise, tau) : gumbelHard(l, noise, tau))
                    .get(new NDIndex(":, 0"));
            int first = k - searched();
            if (first > 0) {
                float[] mask = new float[k];
                for (int i = first; i < k; i++) {
                    mask[i] = 1f;
                }
                float[] forced = new float[k];
                for (int i = 0; i < first; i++) {
                    forced[i] = 1f;
                }
                s = s.mul(m.create(mask)).add(m.create(forced));
            }
            return s;
        }

        /**
         * Task t's decisions where no gradient reaches the logits: all 1 in warm-up; the fixed policy
         * when re-training; a Gumbel-max sample (training with the policy frozen) or the likelier
         * decision (evaluation) for the searched blocks, 1 before them.
         */
        private float[] fixedSelects(int t, boolean training) {
            int k = blocks.size();
            float[] d = new float[k];
            if (mode == Mode.RETRAIN) {
                System.arraycopy(fixed, t * k, d, 0, k);
                return d;
            }
            java.util.Arrays.fill(d, 1f);
            int first = k - searched();
            if (first >= k) {
                return d;
            }
            float[] l = scaledLogits();
            float[] g = training ? gumbelNoise(k) : new float[2 * k];
            for (int i = first; i < k; i++) {
                int at = (t * k + i) * 2;
                // argmax(l + g) is a sample of softmax(l), whatever the temperature
                d[i] = l[at] + g[2 * i] > l[at + 1] + g[2 * i + 1] ? 1f : 0f;
            }
            return d;
        }

        private float[] gumbelNoise(int k) {
            float[] g = new float[2 * k];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) -Math.log(-Math.log(Math.max(1e-20, random.nextDouble())));
            }
            return g;
        }

        /** The logits on the heap (tasks × blocks × 2, row-major), the scale applied. */
        private float[] scaledLogits() {
            float[] l = logits.getArray().toFloatArray();
            for (int i = 0; i < l.length; i++) {
                l[i] *= (float) settings.policyScale();
            }
            return l;
        }

        /** p_t,k(select) on the heap (tasks × blocks, row-major). */
        private float[] selectProbabilities() {
            float[] l = scaledLogits();
            float[] p = new float[l.length / 2];
            for (int i = 0; i < p.length; i++) {
                p[i] = (float) (1 / (1 + Math.exp(l[2 * i + 1] - l[2 * i])));
            }
            return p;
        }

        /**
         * The decisions the policy gives now: the likelier one (or a sample) for every block
         * searched so far, 1 for the blocks before them.
         */
        private float[] decisions(boolean sample) {
            int k = blocks.size();
            int first = k - searchedBlocks(policyEpochs, settings.curriculum(), k);
            float[] p = selectProbabilities();
            float[] d = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                if (i % k < first) {
                    d[i] = 1f;
                } else {
                    d[i] = sample ? (random.nextDouble() < p[i] ? 1f : 0f) : (p[i] > 0.5f ? 1f : 0f);
                }
            }
            return d;
        }

        @Override
        public Optional<NDArray> penalty(ParameterStore parameters) {
            if (mode != Mode.POLICY) {
                return Optional.empty();
            }
            NDArray stored = parameters.getValue(logits, stepManager.getDevice(), true);
            NDArray l = GraphScalars.scalar(stepManager, settings.policyScale(), stored).mul(stored);
            return Optional.of(AdaShare.penaltyOf(l, searched(), settings.sparsity(), settings.sharing()));
        }

        @Override
        public List<TrainingPhase> phases(int epochs) {
            int warm = Math.max(1, (int) Math.round(epochs * settings.warmup()));
            int retrain = Math.max(1, (int) Math.round(epochs * settings.retrain()));
            int search = epochs - warm - retrain;
            List<TrainingPhase> phases = new ArrayList<>();
            if (search < 2) {
                // no room for a search: a plain residual network
                phases.add(new TrainingPhase("warmup", epochs, p -> p != logits));
                return phases;
            }
            phases.add(new TrainingPhase("warmup", warm, p -> p != logits));
            for (int e = 0; e < search; e++) {
                int j = e / 2 + 1;
                TrainingPhase phase = e % 2 == 0 ? new TrainingPhase("policy-" + j, 1, p -> p == logits)
                        : new TrainingPhase("weights-" + j, 1, p -> p != logits);
                // the weights learn from one half of the training split, the policy from the other
                phases.add(settings.splitData() ? phase.onPart(e % 2 == 0 ? 1 : 0, 2) : phase);
            }
            phases.add(new TrainingPhase("retrain", retrain, p -> p != logits));
            return phases;
        }

        @Override
        public boolean onPhaseStart(TrainingPhase phase, PhaseContext context) {
            String name = phase.name();
            if (name.startsWith("policy-")) {
                mode = Mode.POLICY;
                policyEpochs = Integer.parseInt(name.substring("policy-".length()));
            } else if (name.startsWith("weights-")) {
                mode = Mode.WEIGHTS;
                policyEpochs = Integer.parseInt(name.substring("weights-".length()));
            } else if (name.equals("retrain") && mode != Mode.RETRAIN) {
                fixed = decisions(settings.sampleFinal());
                mode = Mode.RETRAIN;
                if (settings.retrainFromScratch()) {
                    // the weights as they were built, with a fresh optimizer state: the fixed policy's
                    // network is trained from scratch
                    for (int i = 0; i < weights.size(); i++) {
                        weights.get(i).getArray().set(initialWeights.get(i));
                    }
                    context.restartTraining(weights);
                }
            } else if (name.equals("warmup")) {
                mode = Mode.WARMUP;
            }
            return false;
        }

        @Override
        public boolean onEpochEnd(PhaseContext context) {
            // the samples of each epoch follow from the seed and the epoch, so a resumed run draws
            // what an uninterrupted one would
            random = new SplittableRandom(baseSeed + 1_000_003L * context.epoch());
            if (mode == Mode.POLICY) {
                tau = Math.max(settings.tauMin(), tau * settings.tauDecay());
            }
            return false;
        }

        @Override
        @SuppressWarnings("unchecked")
        public boolean restoreStructure(Map<String, Object> structure, PhaseContext context) {
            random = new SplittableRandom(baseSeed + 1_000_003L * context.epoch());
            if (structure.get("policy_epochs") instanceof Number j) {
                policyEpochs = j.intValue();
            }
            if (structure.get("tau") instanceof Number t) {
                tau = t.doubleValue();
            }
            if (structure.get("mode") instanceof String m) {
                mode = Mode.valueOf(m.toUpperCase(Locale.ROOT));
            }
            if (mode == Mode.RETRAIN && structure.get("policy") instanceof List<?> policy) {
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

        /**
         * The policy: select probabilities and decisions (the fixed ones once re-training), and the
         * schedule's state.
         *
         * @return {@code tasks}; {@code select_probability} and {@code policy} (tasks × blocks);
         *     {@code mode}, {@code policy_epochs}, {@code searched_blocks}, {@code tau}
         */
        @Override
        public Map<String, Object> structure() {
            int k = blocks.size();
            float[] p = selectProbabilities();
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
            s.put("mode", mode.label());
            s.put("policy_epochs", policyEpochs);
            s.put("searched_blocks", searchedBlocks(policyEpochs, settings.curriculum(), k));
            s.put("tau", tau);
            return s;
        }

        /** The stored policy logits (for tests; the effective logits are these times {@code policy.scale}). */
        Parameter logits() {
            return logits;
        }

        /** The residual branches f_k, in order (for tests). */
        List<Block> residualBranches() {
            return List.copyOf(blocks);
        }

        /** The stem (for tests). */
        Block stem() {
            return stem;
        }

        /** The shared fully connected stage after the chain, or null for vectors (for tests). */
        Block post() {
            return post;
        }

        /**
         * Task t's head (for tests).
         *
         * @param task the task
         * @return its head
         */
        Block head(String task) {
            return heads.get(task);
        }

        /** The current temperature (for tests). */
        double tau() {
            return tau;
        }

        @Override
        public List<Parameter> sharedParameters() {
            List<Parameter> shared = new ArrayList<>(stem.getParameters().values());
            blocks.forEach(b -> shared.addAll(b.getParameters().values()));
            if (post != null) {
                shared.addAll(post.getParameters().values());
            }
            return shared;
        }

        @Override
        public List<Parameter> taskParameters(String task) {
            return new ArrayList<>(heads.get(tasks.get(taskIndex(task))).getParameters().values());
        }

        @Override
        public List<Parameter> extraParameters() {
            return List.of(logits);
        }
    }
}
