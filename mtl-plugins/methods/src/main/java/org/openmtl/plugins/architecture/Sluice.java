package org.openmtl.plugins.architecture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
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
import java.util.Optional;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.architecture.RepresentationGradients;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.task.Task;
import org.openmtl.api.tensor.GraphScalars;

/**
 * Sluice networks (Ruder, Bingel, Augenstein &amp; Søgaard, <i>Latent Multi-task Architecture
 * Learning</i>, AAAI 2019): one column per task as in {@link CrossStitch}, each stage's output split
 * into {@code subspaces} equal parts along its feature or channel axis, and after every stage an α
 * of size (T·S)×(T·S) that mixes all subspaces of all columns (initialized near the identity:
 * {@code alpha.self} on the diagonal, the rest spread evenly). β: each task's head reads a learned
 * combination Σ_l β_{t,l} h_{t,l} of its column's stage outputs, over the stages whose output has
 * the representation's shape (for the mlp trunk every hidden layer of the last layer's width; for
 * lenet only the last stage, whose outputs are the only ones of that shape), initialized to the
 * last stage alone. β is a weighted sum, as in the paper (h̃_t = Σ_l β_{t,l} h_{t,l}) and the
 * authors' layer-stitch units; a weighted concatenation would change the head's input width. An
 * optional penalty ({@code orthogonality} λ) pushes the two subspaces of each column apart:
 * λ·Σ_{t,l} ‖G_{t,l,1}ᵀ G_{t,l,2}‖_F² over the subspace activations of the batch (before α mixes
 * them; with S subspaces, every pair). The penalty runs the columns again on the last encoded
 * batch, so that it has a graph of its own: the trainer may already have back-propagated the task
 * losses, releasing the graph of {@code encode}, when it back-propagates the penalty.
 *
 * <p>{@code encode} returns each task's β-combined representation; {@code decode(t)} runs head t.
 * Column stages are shared, α and β extra, heads their task's. With α = I and β on the last stage
 * alone it computes independent networks. {@code structure()} reports α per stage and β per task,
 * rounded.
 */
public final class Sluice implements Architecture {

    private final TrunkHeadDesign design;
    private final int subspaces;
    private final double alphaSelf;
    private final double orthogonality;
    private final String subspacesKey;

    Sluice(TrunkHeadDesign design, int subspaces, double alphaSelf, double orthogonality, String subspacesKey) {
        this.design = design;
        this.subspaces = subspaces;
        this.alphaSelf = alphaSelf;
        this.orthogonality = orthogonality;
        this.subspacesKey = subspacesKey;
    }

    /**
     * DISJOINT: each task reads its own β-combined representation.
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
        NDManager manager = context.manager();
        NetworkHolder holder = new NetworkHolder();
        List<List<Block>> columns = new ArrayList<>();
        Map<String, Block> heads = new LinkedHashMap<>();
        List<Shape> shapes = new ArrayList<>();
        for (Task task : tasks) {
            List<Block> stages = design.trunkStages(context.exampleShape());
            Shape shape = new Shape(1).addAll(context.exampleShape());
            shapes.clear();
            for (int j = 0; j < stages.size(); j++) {
                holder.child(task.name() + "_stage" + (j + 1), stages.get(j));
                shape = NetworkHolder.initializeChild(stages.get(j), manager, shape)[0];
                if (shape.get(1) % subspaces != 0) {
                    throw new PluginConfigException(subspacesKey, "is " + subspaces + ", but stage " + (j + 1)
                            + " has " + shape.get(1) + " features or channels, not a multiple of it");
                }
                shapes.add(shape);
            }
            columns.add(stages);
            Block head = holder.child(task.name() + "_head", design.head(context.exampleShape(), task.outputs()));
            NetworkHolder.initializeChild(head, manager, shape);
            heads.put(task.name(), head);
        }
        int n = t * subspaces;
        List<Parameter> alphas = new ArrayList<>();
        for (int j = 0; j < shapes.size(); j++) {
            alphas.add(holder.parameter("alpha_after_stage" + (j + 1), new Shape(n, n), CrossStitchUnit.nearIdentity(n, alphaSelf),
                    manager));
        }
        Shape last = shapes.get(shapes.size() - 1);
        List<Integer> mixed = new ArrayList<>();
        for (int j = 0; j < shapes.size(); j++) {
            if (shapes.get(j).equals(last)) {
                mixed.add(j);
            }
        }
        int layers = mixed.size();
        Map<String, Parameter> betas = new LinkedHashMap<>();
        for (Task task : tasks) {
            betas.put(task.name(), holder.parameter(task.name() + "_beta", new Shape(layers), lastOnly(layers), manager));
        }
        return new Network(holder, tasks.stream().map(Task::name).toList(), columns, heads, alphas, betas, mixed,
                subspaces, orthogonality);
    }

    private static Initializer lastOnly(int layers) {
        return (manager, shape, dataType) -> {
            float[] b = new float[layers];
            b[layers - 1] = 1f;
            return manager.create(b, shape).toType(dataType, false);
        };
    }

    /**
     * Σ over every pair of subspaces (a, b) of ‖G_aᵀ G_b‖_F², G the (batch × features) activations.
     *
     * @param subspaceActivations one column-stage's subspaces, each (batch, ...)
     * @return the unweighted penalty; null for fewer than two subspaces
     */
    static NDArray orthogonality(List<NDArray> subspaceActivations) {
        NDArray total = null;
        for (int a = 0; a < subspaceActivations.size(); a++) {
            for (int b = a + 1; b < subspaceActivations.size(); b++) {
                NDArray ga = subspaceActivations.get(a).reshape(subspaceActivations.get(a).getShape().get(0), -1);
                NDArray gb = subspaceActivations.get(b).reshape(subspaceActivations.get(b).getShape().get(0), -1);
                NDArray term = ga.transpose().matMul(gb).square().sum();
                total = total == null ? term : total.add(term);
            }
        }
        return total;
    }

    /** The built network. */
    static final class Network implements MultiTaskNetwork {
        private final NetworkHolder holder;
        private final List<String> tasks;
        private final List<List<Block>> columns;
        private final Map<String, Block> heads;
        private final List<Parameter> alphas;
        private final Map<String, Parameter> betas;
        private final List<Integer> mixed;
        private final int subspaces;
        private final double orthogonality;
        /** The input of the last forward (a step-local array), from which the penalty runs again. */
        private NDArray lastInput;
        private boolean lastTraining;

        Network(NetworkHolder holder, List<String> tasks, List<List<Block>> columns, Map<String, Block> heads,
                List<Parameter> alphas, Map<String, Parameter> betas, List<Integer> mixed, int subspaces,
                double orthogonality) {
            this.holder = holder;
            this.tasks = List.copyOf(tasks);
            this.columns = columns;
            this.heads = heads;
            this.alphas = alphas;
            this.betas = betas;
            this.mixed = mixed;
            this.subspaces = subspaces;
            this.orthogonality = orthogonality;
        }

        @Override
        public Block block() {
            return holder;
        }

        /**
         * The columns' forward pass.
         *
         * @param stageOutputs per stage, each column's output after α
         * @param subspaces per stage and column, the subspaces of the stage output before α
         */
        private record Pass(List<NDList> stageOutputs, List<NDList> subspaces) {}

        private Pass columns(ParameterStore parameters, NDArray input, boolean training) {
            int t = tasks.size();
            NDList x = new NDList(t);
            for (int c = 0; c < t; c++) {
                x.add(input);
            }
            List<NDList> outputs = new ArrayList<>();
            List<NDList> split = new ArrayList<>();
            for (int j = 0; j < columns.get(0).size(); j++) {
                NDList parts = new NDList(t * subspaces);
                for (int c = 0; c < t; c++) {
                    NDArray y = columns.get(c).get(j).forward(parameters, new NDList(x.get(c)), training).singletonOrThrow();
                    NDList own = y.split(subspaces, 1);
                    split.add(own);
                    parts.addAll(own);
                }
                NDArray alpha = parameters.getValue(alphas.get(j), input.getDevice(), training);
                // rows and columns of α are task-major: subspace s of column t at t·S + s
                NDList mixedParts = CrossStitchUnit.mix(alpha, parts);
                NDList next = new NDList(t);
                for (int c = 0; c < t; c++) {
                    NDList own = new NDList(subspaces);
                    for (int s = 0; s < subspaces; s++) {
                        own.add(mixedParts.get(c * subspaces + s));
                    }
                    next.add(NDArrays.concat(own, 1));
                }
                x = next;
                outputs.add(next);
            }
            return new Pass(outputs, split);
        }

        @Override
        public NDList encode(ParameterStore parameters, NDArray input, boolean training) {
            lastInput = input;
            lastTraining = training;
            List<NDList> outputs = columns(parameters, input, training).stageOutputs();
            int t = tasks.size();
            NDList representation = new NDList(t);
            for (int c = 0; c < t; c++) {
                NDArray beta = parameters.getValue(betas.get(tasks.get(c)), input.getDevice(), training);
                NDArray combined = null;
                for (int i = 0; i < mixed.size(); i++) {
                    NDArray weight = beta.get(i);
                    // the slice of the parameter is made in the parameters' manager: move it to the step's
                    weight.attach(input.getManager());
                    NDArray term = outputs.get(mixed.get(i)).get(c).mul(weight);
                    combined = combined == null ? term : combined.add(term);
                }
                representation.add(combined);
            }
            return representation;
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
        public Optional<NDArray> penalty(ParameterStore parameters) {
            // one subspace has no pair to keep apart
            if (orthogonality == 0 || subspaces < 2 || lastInput == null) {
                return Optional.empty();
            }
            NDArray total = null;
            for (NDList parts : columns(parameters, lastInput, lastTraining).subspaces()) {
                NDArray term = orthogonality(parts);
                total = total == null ? term : total.add(term);
            }
            return Optional.of(GraphScalars.times(total, orthogonality, lastInput.getManager()));
        }

        @Override
        public List<Parameter> sharedParameters() {
            List<Parameter> shared = new ArrayList<>();
            columns.forEach(column -> column.forEach(stage -> shared.addAll(stage.getParameters().values())));
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
            List<Parameter> extra = new ArrayList<>(alphas);
            extra.addAll(betas.values());
            return extra;
        }

        /**
         * Each stage's α and each task's β, rounded to 4 decimals.
         *
         * @return {@code {"alpha": {"after_stage1": [[...], ...], ...}, "beta": {task: [...]},
         *     "beta_stages": [...]}}
         */
        @Override
        public Map<String, Object> structure() {
            Map<String, Object> beta = new LinkedHashMap<>();
            betas.forEach((task, p) -> {
                List<Double> values = new ArrayList<>();
                for (float v : p.getArray().toFloatArray()) {
                    values.add(Math.round(v * 1e4) / 1e4);
                }
                beta.put(task, values);
            });
            List<Integer> stages = mixed.stream().map(j -> j + 1).toList();
            Map<String, Object> alpha = new LinkedHashMap<>();
            for (int j = 0; j < alphas.size(); j++) {
                alpha.put("after_stage" + (j + 1), CrossStitchUnit.rounded(alphas.get(j).getArray()));
            }
            return Map.of("alpha", alpha, "beta", beta, "beta_stages", stages);
        }
    }
}
