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
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.task.Task;

/**
 * Progressive layered extraction (Tang, Liu, Zhao &amp; Gong, <i>Progressive Layered Extraction
 * (PLE): A Novel Multi-Task Learning (MTL) Model for Personalized Recommendations</i>, RecSys
 * 2020). The trunk's S stages ({@link TrunkHeadDesign#trunkStages}) are cut into {@code levels} = L
 * consecutive levels, level l (1-based) holding stages [(l−1)·S/L, l·S/L) (integer division): for
 * lenet (3 stages: conv1, conv2, fc) one level is the whole lenet, two levels are [conv1] and
 * [conv2, fc], three levels one stage each; for mlp (one stage per {@code mlp.hidden} layer) the
 * layers are dealt out the same way, one layer per level when L equals their number. More levels
 * than stages are refused. At each level every task has {@code experts.task} experts of its own
 * and all tasks share {@code experts.shared} experts, each a fresh copy of the level's stages. Task
 * t's gate (a linear layer on its flattened input, softmax) mixes its own and the shared experts
 * into its input for the next level; below the last level a shared gate mixes every expert (all
 * tasks' and the shared ones) into the shared path's input. The first level reads the example; the
 * heads read the last level's task mixtures. One level is CGC (customized gate control).
 *
 * <p>{@code encode} returns what every task reads: with one level the input and the shared
 * experts' outputs; with more, each task's input to the last level (the mixture of its gate one
 * level below) and the last level's shared experts' outputs. {@code decode(t)} runs task t's
 * last-level experts and gate and its head.
 *
 * <p>Parameters are shared when every task's loss depends on them. Below the last level every
 * expert feeds its level's shared gate and so, through the shared path, every task: all experts
 * and shared gates below the last level are shared. Task t's gate at level l feeds only task t's
 * experts and gate at level l+1, which reach the other tasks only if level l+1 has a shared gate,
 * i.e. is not the last: task t's gates at the last two levels are its own, lower ones shared.
 * Task t's own parameters are thus its last-level experts, its last two levels' gates and its
 * head; the shared experts of every level are shared. (The representation of a network of two or
 * more levels therefore depends on task t's own gate one level below the last, as MMoE's gate
 * logits depend on the task gates: under representation-gradient weightings that gate is trained
 * by its task's gradient scaled by the task's weight.)
 */
public final class Ple implements Architecture {

    private final TrunkHeadDesign design;
    private final int levels;
    private final int taskExperts;
    private final int sharedExperts;
    private final String levelsKey;

    Ple(TrunkHeadDesign design, int levels, int taskExperts, int sharedExperts, String levelsKey) {
        this.design = design;
        this.levels = levels;
        this.taskExperts = taskExperts;
        this.sharedExperts = sharedExperts;
        this.levelsKey = levelsKey;
    }

    @Override
    public MultiTaskNetwork build(NetworkContext context) {
        int stageCount = design.trunkStages(context.exampleShape()).size();
        if (levels > stageCount) {
            throw new PluginConfigException(levelsKey, "is " + levels + ", but the trunk has only " + stageCount
                    + " stages to cut into levels for examples of shape " + context.exampleShape());
        }
        NDManager manager = context.manager();
        NetworkHolder holder = new NetworkHolder();
        List<String> tasks = context.tasks().stream().map(Task::name).toList();
        int t = tasks.size();
        List<Level> built = new ArrayList<>();
        Shape in = new Shape(1).addAll(context.exampleShape());
        for (int l = 0; l < levels; l++) {
            int from = l * stageCount / levels;
            int to = (l + 1) * stageCount / levels;
            Level level = new Level();
            Shape out = null;
            for (int k = 0; k < t; k++) {
                List<Block> own = new ArrayList<>();
                for (int e = 0; e < taskExperts; e++) {
                    Block expert = holder.child(tasks.get(k) + "_level" + (l + 1) + "_expert" + (e + 1), expert(context, from, to));
                    out = NetworkHolder.initializeChild(expert, manager, in)[0];
                    own.add(expert);
                }
                level.taskExperts.add(own);
            }
            for (int e = 0; e < sharedExperts; e++) {
                Block expert = holder.child("level" + (l + 1) + "_shared_expert" + (e + 1), expert(context, from, to));
                out = NetworkHolder.initializeChild(expert, manager, in)[0];
                level.sharedExperts.add(expert);
            }
            long fanIn = in.size() / in.get(0);
            for (int k = 0; k < t; k++) {
                Block gate = holder.child(tasks.get(k) + "_level" + (l + 1) + "_gate", gate(taskExperts + sharedExperts, fanIn));
                NetworkHolder.initializeChild(gate, manager, in);
                level.taskGates.add(gate);
            }
            if (l < levels - 1) {
                level.sharedGate = holder.child("level" + (l + 1) + "_shared_gate", gate(t * taskExperts + sharedExperts, fanIn));
                NetworkHolder.initializeChild(level.sharedGate, manager, in);
            }
            built.add(level);
            in = out;
        }
        Map<String, Block> heads = new LinkedHashMap<>();
        for (Task task : context.tasks()) {
            Block head = holder.child(task.name() + "_head", design.head(context.exampleShape(), task.outputs()));
            NetworkHolder.initializeChild(head, manager, in);
            heads.put(task.name(), head);
        }
        return new Network(holder, tasks, built, heads);
    }

    private Block expert(NetworkContext context, int from, int to) {
        List<Block> stages = design.trunkStages(context.exampleShape());
        SequentialBlock expert = new SequentialBlock();
        for (int j = from; j < to; j++) {
            expert.add(stages.get(j));
        }
        return expert;
    }

    private static Block gate(int experts, long fanIn) {
        Linear linear = Linear.builder().setUnits(experts).build();
        UniformInitializer uniform = new UniformInitializer((float) (1.0 / Math.sqrt(fanIn)));
        linear.setInitializer(uniform, Parameter.Type.WEIGHT);
        linear.setInitializer(uniform, Parameter.Type.BIAS);
        return new SequentialBlock().add(Blocks.batchFlattenBlock()).add(linear);
    }

    /** One level's experts and gates. */
    private static final class Level {
        final List<List<Block>> taskExperts = new ArrayList<>();
        final List<Block> sharedExperts = new ArrayList<>();
        final List<Block> taskGates = new ArrayList<>();
        Block sharedGate;
    }

    /**
     * Σ_e softmax(logits)_e · outputs_e.
     *
     * @param logits (batch, experts)
     * @param outputs the experts' outputs, each (batch, ...)
     * @return the mixture, (batch, ...)
     */
    static NDArray mixture(NDArray logits, List<NDArray> outputs) {
        NDArray weights = logits.softmax(1);
        NDArray stacked = NDArrays.stack(new NDList(outputs), 1);
        long[] view = new long[stacked.getShape().dimension()];
        java.util.Arrays.fill(view, 1);
        view[0] = weights.getShape().get(0);
        view[1] = weights.getShape().get(1);
        return stacked.mul(weights.reshape(view)).sum(new int[] {1});
    }

    /** The built network. */
    static final class Network implements MultiTaskNetwork {
        private final NetworkHolder holder;
        private final List<String> tasks;
        private final List<Level> levels;
        private final Map<String, Block> heads;

        Network(NetworkHolder holder, List<String> tasks, List<Level> levels, Map<String, Block> heads) {
            this.holder = holder;
            this.tasks = List.copyOf(tasks);
            this.levels = levels;
            this.heads = heads;
        }

        @Override
        public Block block() {
            return holder;
        }

        private static NDArray run(ParameterStore p, Block b, NDArray x, boolean training) {
            return b.forward(p, new NDList(x), training).singletonOrThrow();
        }

        /**
         * Runs every level below the last.
         *
         * @param gates where to record each gate's distribution per level (task names and
         *     "shared"), or null
         * @return each task's input to the last level, then the shared path's
         */
        private List<NDArray> lowerLevels(ParameterStore parameters, NDArray input, boolean training,
                List<Map<String, NDArray>> gates) {
            int t = tasks.size();
            List<NDArray> taskInputs = new ArrayList<>();
            for (int k = 0; k < t; k++) {
                taskInputs.add(input);
            }
            NDArray shared = input;
            for (int l = 0; l < levels.size() - 1; l++) {
                Level level = levels.get(l);
                Map<String, NDArray> recorded = new LinkedHashMap<>();
                List<NDArray> sharedOut = new ArrayList<>();
                for (Block e : level.sharedExperts) {
                    sharedOut.add(run(parameters, e, shared, training));
                }
                List<NDArray> all = new ArrayList<>();
                List<NDArray> next = new ArrayList<>();
                for (int k = 0; k < t; k++) {
                    List<NDArray> own = new ArrayList<>();
                    for (Block e : level.taskExperts.get(k)) {
                        own.add(run(parameters, e, taskInputs.get(k), training));
                    }
                    all.addAll(own);
                    own.addAll(sharedOut);
                    NDArray logits = run(parameters, level.taskGates.get(k), taskInputs.get(k), training);
                    recorded.put(tasks.get(k), logits);
                    next.add(mixture(logits, own));
                }
                all.addAll(sharedOut);
                NDArray logits = run(parameters, level.sharedGate, shared, training);
                recorded.put("shared", logits);
                shared = mixture(logits, all);
                taskInputs = next;
                if (gates != null) {
                    recorded.replaceAll((name, z) -> z.softmax(1));
                    gates.add(recorded);
                }
            }
            List<NDArray> out = new ArrayList<>(taskInputs);
            out.add(shared);
            return out;
        }

        @Override
        public NDList encode(ParameterStore parameters, NDArray input, boolean training) {
            List<NDArray> lower = lowerLevels(parameters, input, training, null);
            NDArray shared = lower.get(tasks.size());
            // the last level's shared experts read only the shared path: computed once, for every task
            NDList out = new NDList();
            if (levels.size() == 1) {
                out.add(input);
            } else {
                out.addAll(lower.subList(0, tasks.size()));
            }
            for (Block e : levels.get(levels.size() - 1).sharedExperts) {
                out.add(run(parameters, e, shared, training));
            }
            return out;
        }

        /**
         * Every gate's distribution on a batch, in inference.
         *
         * @param parameters the parameter store
         * @param input the batch
         * @return per level (first = level 1) each task's gate and, below the last level, the
         *     shared gate ("shared"): (batch, experts) with rows summing to 1
         */
        List<Map<String, NDArray>> gates(ParameterStore parameters, NDArray input) {
            List<Map<String, NDArray>> gates = new ArrayList<>();
            List<NDArray> lower = lowerLevels(parameters, input, false, gates);
            Map<String, NDArray> last = new LinkedHashMap<>();
            for (int k = 0; k < tasks.size(); k++) {
                last.put(tasks.get(k), run(parameters, levels.get(levels.size() - 1).taskGates.get(k), lower.get(k), false)
                        .softmax(1));
            }
            gates.add(last);
            return gates;
        }

        /** Task k's input to the last level, in what {@link #encode} returned. */
        private NDArray lastInput(NDList representation, int k) {
            return levels.size() == 1 ? representation.get(0) : representation.get(k);
        }

        /** The last level's shared experts' outputs, in what {@link #encode} returned. */
        private List<NDArray> lastSharedOutputs(NDList representation) {
            int from = levels.size() == 1 ? 1 : tasks.size();
            return new ArrayList<>(representation.subList(from, representation.size()));
        }

        /**
         * Task t's gate distribution at the last level.
         *
         * @param parameters the parameter store
         * @param representation what {@link #encode} returned
         * @param task the task
         * @return (batch, own + shared experts), rows summing to 1
         */
        NDArray lastGate(ParameterStore parameters, NDList representation, String task) {
            int k = index(task);
            return run(parameters, levels.get(levels.size() - 1).taskGates.get(k), lastInput(representation, k), false)
                    .softmax(1);
        }

        @Override
        public NDArray decode(ParameterStore parameters, NDList representation, String task, boolean training) {
            int k = index(task);
            Level last = levels.get(levels.size() - 1);
            NDArray x = lastInput(representation, k);
            List<NDArray> outputs = new ArrayList<>();
            for (Block e : last.taskExperts.get(k)) {
                outputs.add(run(parameters, e, x, training));
            }
            outputs.addAll(lastSharedOutputs(representation));
            NDArray mixed = mixture(run(parameters, last.taskGates.get(k), x, training), outputs);
            return run(parameters, heads.get(task), mixed, training);
        }

        private int index(String task) {
            int k = tasks.indexOf(task);
            if (k < 0) {
                throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
            }
            return k;
        }

        /** Whether task gates at level l (0-based) reach every task: only when level l+1 has a shared gate. */
        private boolean taskGatesShared(int l) {
            return l + 1 < levels.size() - 1;
        }

        @Override
        public List<Parameter> sharedParameters() {
            List<Parameter> shared = new ArrayList<>();
            for (int l = 0; l < levels.size(); l++) {
                Level level = levels.get(l);
                if (l < levels.size() - 1) {
                    level.taskExperts.forEach(list -> list.forEach(e -> shared.addAll(e.getParameters().values())));
                    if (taskGatesShared(l)) {
                        level.taskGates.forEach(g -> shared.addAll(g.getParameters().values()));
                    }
                    shared.addAll(level.sharedGate.getParameters().values());
                }
                level.sharedExperts.forEach(e -> shared.addAll(e.getParameters().values()));
            }
            return shared;
        }

        @Override
        public List<Parameter> taskParameters(String task) {
            int k = index(task);
            List<Parameter> own = new ArrayList<>();
            for (int l = 0; l < levels.size() - 1; l++) {
                if (!taskGatesShared(l)) {
                    own.addAll(levels.get(l).taskGates.get(k).getParameters().values());
                }
            }
            Level last = levels.get(levels.size() - 1);
            last.taskExperts.get(k).forEach(e -> own.addAll(e.getParameters().values()));
            own.addAll(last.taskGates.get(k).getParameters().values());
            own.addAll(heads.get(task).getParameters().values());
            return own;
        }
    }
}
