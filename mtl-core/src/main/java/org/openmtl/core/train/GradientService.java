package org.openmtl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
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
 *   <li>REPRESENTATION: per-task gradients w.r.t. a detached copy of the shared representation
 *       (task heads receive their own task's gradient), then one backward through the shared
 *       part with the combined gradient;
 *   <li>PARAMETERS and GRAMIAN: one forward, K backwards keeping the graph until the last; the
 *       shared parameters' per-task gradients are gathered into a (K, P) matrix and replaced by
 *       the combination; task parameters keep their own task's gradient.
 * </ul>
 *
 * An architecture's penalty is back-propagated once in every mode.
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
            StepLosses losses = losses(parameters, representation, batch);
            values = losses.values();
            NDArray objective = objectives(losses, context).weightedSum(reusable(batch.tasks()));
            Optional<NDArray> penalty = network.penalty(parameters);
            if (penalty.isPresent()) {
                objective = objective.add(penalty.get());
            }
            EngineOps.backward(objective, one, false);
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
        } else {
            values = parameterStep(parameters, representation, batch, context, one);
        }
        return values;
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
        for (int i = 0; i < k; i++) {
            EngineOps.backward(objectives.get(i), one, joined && i < k - 1);
            rows.add(flattenGradients(detached, context.manager()));
        }
        NDArray matrix = NDArrays.stack(rows);
        NDArray direction = direction(
                new StepGradients(GradientRequirement.REPRESENTATION, matrix, stepLosses, detached), context);
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
        for (int i = 0; i < k; i++) {
            EngineOps.backward(losses.get(i), one, i < k - 1);
            if (!sharedArrays.isEmpty()) {
                rows.add(flattenGradients(new NDList(sharedArrays), context.manager()));
            }
        }
        if (!sharedArrays.isEmpty()) {
            NDArray matrix = NDArrays.stack(rows);
            NDArray direction = direction(new StepGradients(weighting.requirement(), matrix, raw), context);
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

        private NDArray direction(StepGradients gradients, StepContext context) {
        Combination combination = ((GradientWeighting) weighting).combine(gradients, context);
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
