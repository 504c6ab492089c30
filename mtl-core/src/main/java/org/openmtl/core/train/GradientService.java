package org.openmtl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.TaskTarget;
import org.openmtl.api.task.Task;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.Weighting;

/**
 * Computes, for one step, exactly the gradient work the weighting declared, and leaves every
 * trainable parameter's gradient in place for the optimizer:
 *
 * <ul>
 *   <li>LOSSES: one backward of the weighting's objective;
 *   <li>REPRESENTATION: per-task gradients w.r.t. a detached copy of the shared representation,
 *       then one backward through the shared part with the combined gradient;
 *   <li>PARAMETERS and GRAMIAN: one forward, K backwards keeping the graph until the last; the
 *       shared parameters' per-task gradients are gathered into a (K, P) matrix and replaced by
 *       the combination.
 * </ul>
 *
 * <p>Task-specific parameters (every trained network parameter that is not shared) follow one rule
 * on every step, the weighting's {@link GradientWeighting#weightsHeads()}: each task's gradient
 * scaled by its weight, or unscaled. On update steps the per-task head gradients are kept apart
 * (copied after each task's backward) when they are to be scaled. Between a gradient weighting's
 * updates one backward of Σ w_i L_i gives scaled heads; unscaled heads there take a second
 * backward, of Σ_i L_i, whose head gradients replace the scaled ones.
 *
 * <p>A weighting's {@link GradientWeighting#sharedGradientMaxNorm()} is applied last, to the
 * shared parameters' gradient. An architecture's penalty is back-propagated once in every mode.
 */
final class GradientService {

    private final MultiTaskNetwork network;
    private final Weighting weighting;
    private final Map<String, Task> tasks;
    private final Map<String, NDArray> predictions = new java.util.HashMap<>();

    GradientService(MultiTaskNetwork network, Weighting weighting, Map<String, Task> tasks) {
        this.network = network;
        this.weighting = weighting;
        this.tasks = tasks;
        boolean loss = weighting instanceof LossWeighting;
        boolean gradient = weighting instanceof GradientWeighting;
        if (loss == gradient || (loss && weighting.requirement() != GradientRequirement.LOSSES)
                || (gradient && weighting.requirement() == GradientRequirement.LOSSES)) {
            throw new IllegalArgumentException("weighting " + weighting.getClass().getName()
                    + " must implement exactly one of LossWeighting (requirement LOSSES) and"
                    + " GradientWeighting (requirement REPRESENTATION, PARAMETERS or GRAMIAN)");
        }
    }

    /**
     * Runs the forward and backward passes of one step.
     *
     * @return the task losses in the batch's task order
     */
    double[] step(ParameterStore parameters, MultiTaskBatch batch, StepContext context) {
        predictions.clear();
        NDManager manager = context.manager();
        NDArray one = manager.ones(new Shape());
        NDList representation = network.encode(parameters, batch.input(), true);
        GradientRequirement requirement = weighting.requirement();
        double[] values;
        if (requirement != GradientRequirement.LOSSES && reuseWeights(context, batch.tasks().size())) {
            // between a gradient weighting's updates: no per-task gradient, one backward of Σ w_i L_i
            StepLosses raw = losses(parameters, representation, batch);
            values = raw.values();
            StepLosses losses = objectives(raw, context);
            if (((GradientWeighting) weighting).weightsHeads()) {
                EngineOps.backward(losses.weightedSum(reusable(batch.tasks())), one, false);
            } else {
                // the heads' unscaled gradients come from a backward of Σ_i L_i, kept aside
                double[] ones = new double[batch.tasks().size()];
                java.util.Arrays.fill(ones, 1.0);
                EngineOps.backward(losses.weightedSum(ones), one, true);
                List<NDArray> heads = taskParameterArrays();
                List<NDArray> unscaled = copyAndZero(heads, context.manager());
                for (Parameter p : network.sharedParameters()) {
                    EngineOps.zeroGradient(p.getArray());
                }
                EngineOps.backward(losses.weightedSum(reusable(batch.tasks())), one, false);
                for (int h = 0; h < heads.size(); h++) {
                    EngineOps.zeroGradient(heads.get(h));
                    addToGradient(heads.get(h), unscaled.get(h));
                }
            }
            backwardPenalty(parameters, one);
            clipShared();
        } else if (requirement == GradientRequirement.LOSSES) {
            StepLosses losses = losses(parameters, representation, batch);
            values = losses.values();
            NDArray objective = ((LossWeighting) weighting).objective(losses, context);
            Optional<NDArray> penalty = network.penalty(parameters);
            if (penalty.isPresent()) {
                objective = objective.add(penalty.get());
            }
            EngineOps.backward(objective, one, false);
        } else if (requirement == GradientRequirement.REPRESENTATION) {
            values = representationStep(parameters, representation, batch, context, one);
            clipShared();
        } else {
            values = parameterStep(parameters, representation, batch, context, one);
            clipShared();
        }
        return values;
    }

    /**
     * The losses of the batch's tasks under the current parameters, without gradients (for a
     * weighting that observes them after the optimizer's update). BatchNorm running statistics
     * are put back as they were: the step's own forward has updated them once.
     *
     * @return the losses, arrays of the step's manager
     */
    StepLosses lossesWithoutGradient(ParameterStore parameters, MultiTaskBatch batch) {
        boolean recording = EngineOps.isGradMode();
        EngineOps.setGradMode(false);
        // a training forward moves BatchNorm running statistics; the step's own forward already did
        Map<NDArray, NDArray> running = new IdentityHashMap<>();
        for (Pair<String, Parameter> p : network.block().getParameters()) {
            Parameter.Type type = p.getValue().getType();
            if (type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR) {
                NDArray a = p.getValue().getArray();
                running.put(a, a.duplicate());
            }
        }
        try {
            NDList representation = network.encode(parameters, batch.input(), true);
            List<String> names = batch.tasks();
            List<NDArray> losses = new ArrayList<>(names.size());
            for (String name : names) {
                NDArray prediction = network.decode(parameters, representation, name, true);
                TaskTarget target = batch.target(name);
                losses.add(tasks.get(name).loss().compute(prediction, target.labels(), target.mask()));
            }
            return new StepLosses(names, losses);
        } finally {
            running.forEach((a, kept) -> {
                a.set(kept.toByteBuffer());
                kept.close();
            });
            EngineOps.setGradMode(recording);
        }
    }

    /** Scales the shared parameters' gradient to the weighting's bound when its norm exceeds it. */
    private void clipShared() {
        double max = ((GradientWeighting) weighting).sharedGradientMaxNorm();
        if (max > 0) {
            List<NDArray> shared = new ArrayList<>();
            for (Parameter p : network.sharedParameters()) {
                shared.add(p.getArray());
            }
            clipGradientNorm(shared, max);
        }
    }

    /**
     * Scales the gradients of {@code arrays} together by max/(‖g‖ + 1e-6) when that is below 1, ‖g‖
     * the norm of all of them as one vector: the rule of {@code torch.nn.utils.clip_grad_norm_}.
     *
     * @param arrays arrays with gradients
     * @param max the bound
     * @return ‖g‖ before clipping
     */
    static double clipGradientNorm(List<NDArray> arrays, double max) {
        double squares = 0;
        for (NDArray a : arrays) {
            if (!a.hasGradient()) {
                continue;
            }
            try (NDArray g = a.getGradient(); NDArray s = g.square().sum()) {
                squares += s.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            }
        }
        double norm = Math.sqrt(squares);
        double coefficient = max / (norm + 1e-6);
        if (coefficient < 1) {
            for (NDArray a : arrays) {
                if (!a.hasGradient()) {
                    continue;
                }
                try (NDArray g = a.getGradient();
                        NDArray factor = g.getManager().full(new Shape(), (float) coefficient, g.getDataType())) {
                    g.muli(factor);
                }
            }
        }
        return norm;
    }

    /** The trained network parameters that are not shared: the task-specific ones. */
    private List<NDArray> taskParameterArrays() {
        java.util.Set<NDArray> shared = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Parameter p : network.sharedParameters()) {
            shared.add(p.getArray());
        }
        java.util.Set<NDArray> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        List<NDArray> heads = new ArrayList<>();
        List<Parameter> all = new ArrayList<>();
        network.block().getParameters().forEach(p -> all.add(p.getValue()));
        all.addAll(network.extraParameters());
        for (Parameter p : all) {
            NDArray a = p.getArray();
            if (p.requiresGradient() && a.hasGradient() && !shared.contains(a) && seen.add(a)) {
                heads.add(a);
            }
        }
        return heads;
    }

    /** Copies the arrays' gradients into the step's manager and zeroes them. */
    private static List<NDArray> copyAndZero(List<NDArray> arrays, NDManager stepManager) {
        List<NDArray> copies = new ArrayList<>(arrays.size());
        for (NDArray a : arrays) {
            try (NDArray g = a.getGradient()) {
                NDArray copy = g.duplicate();
                copy.attach(stepManager);
                copies.add(copy);
            }
            EngineOps.zeroGradient(a);
        }
        return copies;
    }

    private static void addToGradient(NDArray array, NDArray value) {
        try (NDArray g = array.getGradient()) {
            g.addi(value);
        }
    }

    /**
     * Sets the heads' gradients after per-task backwards that left task i's head gradients in
     * {@code perTask.get(i)}: Σ_i w_i·copy_i when the heads are scaled by a combination's weights,
     * Σ_i copy_i otherwise.
     */
    private void restoreHeads(List<NDArray> heads, List<List<NDArray>> perTask, Combination combination,
            NDManager manager) {
        boolean scaled = combination.hasWeights();
        double[] w = scaled ? combination.taskWeights() : null;
        for (int h = 0; h < heads.size(); h++) {
            for (int i = 0; i < perTask.size(); i++) {
                NDArray part = perTask.get(i).get(h);
                if (scaled) {
                    NDArray factor = manager.full(new Shape(), (float) w[i], part.getDataType());
                    addToGradient(heads.get(h), part.mul(factor));
                } else {
                    addToGradient(heads.get(h), part);
                }
            }
        }
    }

    private boolean reuseWeights(StepContext context, int taskCount) {
        int every = ((GradientWeighting) weighting).updateEvery();
        return every > 1 && context.step() % every != 0 && weighting.lastWeights().length == tasks.size();
    }

    /** The last weights of the batch's tasks, in the batch's order. */
    private double[] reusable(List<String> batchTasks) {
        double[] all = weighting.lastWeights();
        List<String> order = new ArrayList<>(tasks.keySet());
        double[] w = new double[batchTasks.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = all[order.indexOf(batchTasks.get(i))];
        }
        return w;
    }

    /**
     * The task predictions of the last step (arrays of the step's manager, valid until it closes).
     */
    NDArray prediction(String task) {
        return predictions.get(task);
    }

    private StepLosses losses(ParameterStore parameters, NDList representation, MultiTaskBatch batch) {
        List<String> names = batch.tasks();
        List<NDArray> losses = new ArrayList<>(names.size());
        for (String name : names) {
            losses.add(loss(parameters, representation, batch, name));
        }
        return new StepLosses(names, losses);
    }

    private NDArray loss(ParameterStore parameters, NDList representation, MultiTaskBatch batch, String name) {
        NDArray prediction = network.decode(parameters, representation, name, true);
        predictions.put(name, prediction);
        TaskTarget target = batch.target(name);
        return tasks.get(name).loss().compute(prediction, target.labels(), target.mask());
    }

    private double[] representationStep(
            ParameterStore parameters, NDList representation, MultiTaskBatch batch, StepContext context, NDArray one) {
        NDList detached = new NDList(representation.size());
        for (NDArray r : representation) {
            NDArray d = r.stopGradient();
            d.setRequiresGradient(true);
            detached.add(d);
        }
        StepLosses stepLosses = losses(parameters, detached, batch);
        double[] values = stepLosses.values();
        StepLosses objectives = objectives(stepLosses, context);
        // the heads' graphs are separate unless the weighting's objectives join them
        boolean joined = objectives != stepLosses;
        int k = objectives.tasks().size();
        NDList rows = new NDList(k);
        boolean keepApart = ((GradientWeighting) weighting).weightsHeads();
        List<NDArray> heads = keepApart ? taskParameterArrays() : List.of();
        List<List<NDArray>> perTask = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            EngineOps.backward(objectives.get(i), one, joined && i < k - 1);
            rows.add(flattenGradients(detached, context.manager()));
            if (keepApart) {
                perTask.add(copyAndZero(heads, context.manager()));
            }
        }
        NDArray matrix = NDArrays.stack(rows);
        StepGradients stepGradients =
                new StepGradients(GradientRequirement.REPRESENTATION, matrix, stepLosses, detached);
        Combination combination = combine(stepGradients, context, one);
        if (keepApart) {
            restoreHeads(heads, perTask, combination, context.manager());
        }
        NDArray direction = direction(combination, stepGradients, context);
        // nothing is shared (independent networks): the representation is the input, no trunk to reach
        if (!network.sharedParameters().isEmpty()) {
            int offset = 0;
            // the raw input, handed on beside computed features, has no graph to go back through:
            // it is skipped; the graph is kept until the last entry that is differentiated
            NDArray input = batch.input();
            int last = -1;
            for (int i = 0; i < representation.size(); i++) {
                if (representation.get(i) != input) {
                    last = i;
                }
            }
            for (int i = 0; i <= last; i++) {
                NDArray r = representation.get(i);
                int n = (int) r.size();
                if (r != input) {
                    NDArray part = direction.get(new NDIndex("{}:{}", offset, offset + n)).reshape(r.getShape());
                    EngineOps.backward(r, part, i < last);
                }
                offset += n;
            }
        }
        backwardPenalty(parameters, one);
        return values;
    }

    private double[] parameterStep(
            ParameterStore parameters, NDList representation, MultiTaskBatch batch, StepContext context, NDArray one) {
        StepLosses raw = losses(parameters, representation, batch);
        double[] values = raw.values();
        StepLosses losses = objectives(raw, context);
        List<Parameter> shared = network.sharedParameters();
        List<NDArray> sharedArrays = new ArrayList<>(shared.size());
        for (Parameter p : shared) {
            sharedArrays.add(p.getArray());
        }
        int k = losses.tasks().size();
        NDList rows = new NDList(k);
        boolean keepApart = ((GradientWeighting) weighting).weightsHeads() && !sharedArrays.isEmpty();
        List<NDArray> heads = keepApart ? taskParameterArrays() : List.of();
        List<List<NDArray>> perTask = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            EngineOps.backward(losses.get(i), one, i < k - 1);
            if (!sharedArrays.isEmpty()) {
                rows.add(flattenGradients(new NDList(sharedArrays), context.manager()));
            }
            if (keepApart) {
                perTask.add(copyAndZero(heads, context.manager()));
            }
        }
        if (!sharedArrays.isEmpty()) {
            NDArray matrix = NDArrays.stack(rows);
            StepGradients stepGradients = new StepGradients(weighting.requirement(), matrix, raw);
            Combination combination = combine(stepGradients, context, one);
            if (keepApart) {
                restoreHeads(heads, perTask, combination, context.manager());
            }
            NDArray direction = direction(combination, stepGradients, context);
            int offset = 0;
            for (NDArray array : sharedArrays) {
                int n = (int) array.size();
                try (NDArray gradient = array.getGradient()) {
                    gradient.addi(direction.get(new NDIndex("{}:{}", offset, offset + n)).reshape(array.getShape()));
                }
                offset += n;
            }
        }
        backwardPenalty(parameters, one);
        return values;
    }

    /**
     * The objectives a gradient weighting differentiates in place of the losses; the losses
     * themselves (the same object) when it keeps them.
     */
    private StepLosses objectives(StepLosses losses, StepContext context) {
        List<NDArray> objectives = ((GradientWeighting) weighting).taskObjectives(losses, context);
        if (objectives.size() != losses.tasks().size()) {
            throw new IllegalStateException("weighting returned " + objectives.size() + " task objectives for "
                    + losses.tasks().size() + " tasks");
        }
        for (int i = 0; i < objectives.size(); i++) {
            if (objectives.get(i) != losses.get(i)) {
                return new StepLosses(losses.tasks(), objectives);
            }
        }
        return losses;
    }

    /** The weighting's combination; its parameter objective, if any, is back-propagated at once. */
    private Combination combine(StepGradients gradients, StepContext context, NDArray one) {
        Combination combination = ((GradientWeighting) weighting).combine(gradients, context);
        Optional<NDArray> objective = combination.parameterObjective();
        if (objective.isPresent()) {
            EngineOps.backward(objective.get(), one, false);
        }
        return combination;
    }

    private NDArray direction(Combination combination, StepGradients gradients, StepContext context) {
        if (!combination.hasWeights()) {
            return combination.direction();
        }
        double[] w = combination.taskWeights();
        NDArray matrix = gradients.rows();
        if (w.length != matrix.getShape().get(0)) {
            throw new IllegalStateException("weighting returned " + w.length + " weights for "
                    + matrix.getShape().get(0) + " tasks");
        }
        float[] weights = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            weights[i] = (float) w[i];
        }
        NDArray column = context.manager().create(weights).reshape(1, w.length);
        return column.matMul(matrix).reshape(-1);
    }

    /**
     * Copies the gradients of the given arrays into one flat vector (in the step's manager) and
     * zeroes them, so the next task's backward starts from zero.
     */
    private static NDArray flattenGradients(NDList arrays, NDManager stepManager) {
        NDList parts = new NDList(arrays.size());
        for (NDArray a : arrays) {
            // a parameter's gradient lives in the parameters' manager: copy it into the step's
            try (NDArray g = a.getGradient(); NDArray flat = g.reshape(-1)) {
                NDArray copy = flat.duplicate();
                copy.attach(stepManager);
                parts.add(copy);
            }
            EngineOps.zeroGradient(a);
        }
        return parts.size() == 1 ? parts.singletonOrThrow() : NDArrays.concat(parts);
    }

    private void backwardPenalty(ParameterStore parameters, NDArray one) {
        Optional<NDArray> penalty = network.penalty(parameters);
        if (penalty.isPresent()) {
            EngineOps.backward(penalty.get(), one, false);
        }
    }
}
