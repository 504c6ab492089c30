package org.openmtl.plugins.architecture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
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

/**
 * Cross-stitch networks (Misra, Shrivastava, Gupta &amp; Hebert, <i>Cross-stitch Networks for
 * Multi-task Learning</i>, CVPR 2016): one column per task, each with the layers of the
 * hard-sharing network's trunk and head ({@link TrunkHeadDesign}), and after chosen trunk stages a
 * cross-stitch unit that replaces every column's activation by a learned linear combination of all
 * columns' activations, x̃_t = Σ_s α_ts x_s, one T×T matrix α per unit (the paper's simplest
 * form), or with {@code alpha.per-channel} one T×T matrix per channel of the stage's output
 * (convolutional channels, or features of a fully connected stage). α starts near the identity:
 * α_tt = {@code alpha.self}, α_ts = (1 − alpha.self)/(T − 1), so each column starts mostly itself.
 *
 * <p>{@code encode} runs every column through the trunk with its units and returns the T column
 * outputs; {@code decode(t)} runs head t on column t's. A column's stage is shared when a unit
 * follows it (from there its output reaches every task), and belongs to its task otherwise; the
 * units are extra parameters; heads are their task's. With every α equal to the identity the
 * network computes exactly independent networks. {@code structure()} reports each unit's α
 * (rounded; a per-channel unit's mean over its channels).
 *
 * <p>The units train with their own learning rate, through {@link MultiTaskNetwork#learningRateScale}:
 * under SGD {@code lr.scale} times the run's (the paper, trained with SGD, scales the units'
 * learning rate by 10<sup>2</sup>–10<sup>3</sup> relative to the base network and uses
 * 10<sup>3</sup>; the default here), under a step-normalizing optimizer (Adam, AdamW) {@code
 * lr.scale.adaptive} times (1 by default: Adam's step is about the learning rate whatever the
 * gradient's size, so the paper's multiplier, which makes up for the units' small gradients under
 * SGD, would move α by about 1 per step).
 */
public final class CrossStitch implements Architecture {

    private final TrunkHeadDesign design;
    private final double alphaSelf;
    private final List<Integer> unitsAfter;
    private final String unitsKey;
    private final boolean perChannel;
    private final double alphaLearningRateScale;
    private final double alphaLearningRateScaleAdaptive;

    CrossStitch(TrunkHeadDesign design, double alphaSelf, List<Integer> unitsAfter, String unitsKey,
            boolean perChannel, double alphaLearningRateScale, double alphaLearningRateScaleAdaptive) {
        this.alphaLearningRateScale = alphaLearningRateScale;
        this.alphaLearningRateScaleAdaptive = alphaLearningRateScaleAdaptive;
        this.design = design;
        this.alphaSelf = alphaSelf;
        this.unitsAfter = List.copyOf(unitsAfter);
        this.unitsKey = unitsKey;
        this.perChannel = perChannel;
    }

    /**
     * DISJOINT: each task reads its own column.
     *
     * @return {@link RepresentationGradients#DISJOINT}
     */
    @Override
    public RepresentationGradients representationGradients() {
        return RepresentationGradients.DISJOINT;
    }

    @Override
    public MultiTaskNetwork build(NetworkContext context) {
        List<Task> tasks = context.tasks();
        int t = tasks.size();
        NetworkHolder holder = new NetworkHolder();
        NDManager manager = context.manager();
        List<List<Block>> columns = new ArrayList<>();
        Map<String, Block> heads = new LinkedHashMap<>();
        int stageCount = design.trunkStages(context.exampleShape()).size();
        List<Integer> units = unitsAfter.isEmpty() ? range(stageCount) : unitsAfter;
        for (int u : units) {
            if (u < 1 || u > stageCount) {
                throw new PluginConfigException(unitsKey, "has stage " + u + ", but the trunk has stages 1.." + stageCount
                        + " for examples of shape " + context.exampleShape());
            }
        }
        Shape input = new Shape(1).addAll(context.exampleShape());
        Shape representation = null;
        // the channels of each stage's output, for per-channel units
        List<Long> channels = new ArrayList<>();
        for (Task task : tasks) {
            List<Block> stages = design.trunkStages(context.exampleShape());
            Shape shape = input;
            channels.clear();
            for (int j = 0; j < stages.size(); j++) {
                holder.child(task.name() + "_stage" + (j + 1), stages.get(j));
                Shape stageInput = shape;
                shape = NetworkHolder.initializeChild(stages.get(j), manager, shape)[0];
                channels.add(CrossStitchUnit.channels(stages.get(j), stageInput));
            }
            representation = shape;
            columns.add(stages);
            Block head = holder.child(task.name() + "_head", design.head(context.exampleShape(), task.outputs()));
            NetworkHolder.initializeChild(head, manager, representation);
            heads.put(task.name(), head);
        }
        Map<Integer, Parameter> alphas = new LinkedHashMap<>();
        for (int u : units) {
            if (perChannel) {
                int c = Math.toIntExact(channels.get(u - 1));
                alphas.put(u, holder.parameter("alpha_after_stage" + u, new Shape(c, t, t),
                        CrossStitchUnit.nearIdentityPerChannel(c, t, alphaSelf), manager));
            } else {
                alphas.put(u, holder.parameter("alpha_after_stage" + u, new Shape(t, t), nearIdentity(t, alphaSelf),
                        manager));
            }
        }
        return new Network(holder, tasks, columns, heads, alphas, alphaLearningRateScale,
                alphaLearningRateScaleAdaptive);
    }

    private static List<Integer> range(int n) {
        List<Integer> all = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            all.add(i);
        }
        return all;
    }

    /**
     * α_tt = self, α_ts = (1 − self)/(T − 1); the identity for one task.
     *
     * @param t the number of tasks
     * @param self the diagonal
     * @return the initializer
     */
    static Initializer nearIdentity(int t, double self) {
        return CrossStitchUnit.nearIdentity(t, self);
    }

    /**
     * Mixes the columns: out_t = Σ_s α_ts x_s.
     *
     * @param alpha the T×T matrix
     * @param columns the T activations, all of one shape
     * @return the T mixed activations
     */
    static NDList mix(NDArray alpha, NDList columns) {
        return CrossStitchUnit.mix(alpha, columns);
    }

    /** The built network. */
    private static final class Network implements MultiTaskNetwork {
        private final NetworkHolder holder;
        private final List<String> tasks;
        private final List<List<Block>> columns;
        private final Map<String, Block> heads;
        private final Map<Integer, Parameter> alphas;
        private final double alphaLearningRateScale;
        private final double alphaLearningRateScaleAdaptive;
        private final List<Parameter> shared = new ArrayList<>();
        private final Map<String, List<Parameter>> own = new LinkedHashMap<>();

        Network(NetworkHolder holder, List<Task> tasks, List<List<Block>> columns, Map<String, Block> heads,
                Map<Integer, Parameter> alphas, double alphaLearningRateScale, double alphaLearningRateScaleAdaptive) {
            this.alphaLearningRateScale = alphaLearningRateScale;
            this.alphaLearningRateScaleAdaptive = alphaLearningRateScaleAdaptive;
            this.holder = holder;
            this.tasks = tasks.stream().map(Task::name).toList();
            this.columns = columns;
            this.heads = heads;
            this.alphas = alphas;
            int lastUnit = alphas.keySet().stream().mapToInt(Integer::intValue).max().orElse(0);
            for (int c = 0; c < columns.size(); c++) {
                List<Parameter> mine = new ArrayList<>();
                for (int j = 0; j < columns.get(c).size(); j++) {
                    List<Parameter> stage = new ArrayList<>(columns.get(c).get(j).getParameters().values());
                    // stage j+1 (1-based) reaches every task when a unit follows it
                    if (j + 1 <= lastUnit) {
                        shared.addAll(stage);
                    } else {
                        mine.addAll(stage);
                    }
                }
                mine.addAll(heads.get(this.tasks.get(c)).getParameters().values());
                own.put(this.tasks.get(c), List.copyOf(mine));
            }
        }

        @Override
        public Block block() {
            return holder;
        }

        @Override
        public NDList encode(ParameterStore parameters, NDArray input, boolean training) {
            NDList x = new NDList(columns.size());
            for (int c = 0; c < columns.size(); c++) {
                x.add(input);
            }
            int stages = columns.get(0).size();
            for (int j = 0; j < stages; j++) {
                NDList next = new NDList(columns.size());
                for (int c = 0; c < columns.size(); c++) {
                    next.add(columns.get(c).get(j).forward(parameters, new NDList(x.get(c)), training).singletonOrThrow());
                }
                Parameter alpha = alphas.get(j + 1);
                if (alpha == null) {
                    x = next;
                } else {
                    NDArray a = parameters.getValue(alpha, input.getDevice(), training);
                    x = a.getShape().dimension() == 3 ? CrossStitchUnit.mixPerChannel(a, next) : mix(a, next);
                }
            }
            return x;
        }

        @Override
        public NDArray decode(ParameterStore parameters, NDList representation, String task, boolean training) {
            int c = tasks.indexOf(task);
            if (c < 0) {
                throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
            }
            return heads.get(task).forward(parameters, new NDList(representation.get(c)), training).singletonOrThrow();
        }

        @Override
        public List<Parameter> sharedParameters() {
            return List.copyOf(shared);
        }

        @Override
        public List<Parameter> taskParameters(String task) {
            List<Parameter> p = own.get(task);
            if (p == null) {
                throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
            }
            return p;
        }

        /** Under SGD the units' α train {@code lr.scale} times faster than the weights (the paper's setting). */
        @Override
        public double learningRateScale(Parameter parameter) {
            return alphas.containsValue(parameter) ? alphaLearningRateScale : 1.0;
        }

        /** {@code lr.scale} under SGD, {@code lr.scale.adaptive} under Adam and AdamW. */
        @Override
        public double learningRateScale(Parameter parameter, boolean stepSizeNormalized) {
            if (!alphas.containsValue(parameter)) {
                return 1.0;
            }
            return stepSizeNormalized ? alphaLearningRateScaleAdaptive : alphaLearningRateScale;
        }

        @Override
        public List<Parameter> extraParameters() {
            return List.copyOf(alphas.values());
        }

        /**
         * The units' current α, rounded to 4 decimals (a per-channel unit's mean over its channels),
         * by the stage they follow.
         *
         * @return {@code {"tasks": [...], "alpha": {"after_stage1": [[...], ...], ...}}}
         */
        @Override
        public Map<String, Object> structure() {
            Map<String, Object> units = new LinkedHashMap<>();
            alphas.forEach((stage, p) -> units.put("after_stage" + stage, CrossStitchUnit.rounded(p.getArray())));
            return Map.of("tasks", tasks, "alpha", units);
        }
    }
}
