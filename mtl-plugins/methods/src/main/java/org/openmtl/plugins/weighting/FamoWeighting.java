package org.openmtl.plugins.weighting;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.openmtl.api.tensor.GraphScalars;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskLosses;
import org.openmtl.api.weighting.WeightingContext;

/**
 * FAMO, fast adaptive multitask optimization: O(1) per step, no per-task gradients. From Liu,
 * Liang, Stone &amp; Liu, <i>FAMO: Fast Adaptive Multitask Optimization</i>, NeurIPS 2023.
 *
 * <p>Task logits ξ (K numbers, starting at 0) give weights z = softmax(ξ). A step's objective is
 * Σ_i (z_i/c)·log(L_i + ε) with c = Σ_j z_j/(L_j + ε) held constant, whose gradient is the convex
 * combination Σ_i w_i ∇L_i with w_i = (z_i/c)/(L_i + ε): a step that tends to decrease every log
 * loss at the same rate. {@link #lastWeights()} reports these w_i (they sum to 1). ε = 1e-8 and the
 * losses' lower bounds are 0, as in the authors' code, so the losses must not be negative.
 *
 * <p>The logits learn from how much each log loss fell over a step, δ_i = log(L_i(t) + ε) −
 * log(L_i(t+1) + ε): their gradient is the vector-Jacobian product of the softmax with δ,
 * d = z ⊙ (δ − z·δ), and ξ takes one step with learning rate {@code lr} and L2 weight decay {@code gamma}
 * (gradient d + γξ): with Adam (β = 0.9, 0.999, ε = 1e-8) as in the authors' code ({@code
 * update=adam}), or a plain step ξ ← ξ − lr·(d + γξ) as in the paper's Algorithm 1 ({@code
 * update=sgd}). Tasks whose logits raise their weight are those whose loss fell least.
 *
 * <p>When the losses after the update are observed. As in the authors' code, by default ({@code
 * delta=same-batch}) the trainer evaluates the step's batch again after the optimizer's update (one
 * extra forward pass without gradients) and hands those losses to {@link #afterUpdate}, which updates
 * ξ from δ = log L(t) − log L'(t) on the same examples; the next step's objective uses the new
 * weights. The variant {@code delta=next-batch} saves that pass: L(t+1) is the next step's loss on
 * the next batch, seen when {@link #objective} is called for step t+1, which first updates ξ from
 * δ = log L(t) − log L(t+1) and then forms step t+1's objective with the new weights; δ then also
 * carries the difference between the two batches. When consecutive steps train different task
 * subsets, δ is known only for the tasks both trained; the other tasks are given the z-weighted mean
 * δ of those, which leaves their logits' gradient at 0.
 *
 * <p>Clipping. The authors' FAMO class clips the shared parameters' gradient to norm 1 when its
 * backward is handed them; their example does not hand them, and their experiments call the
 * clipping before the backward pass, on gradients just zeroed, where it has no effect. So FAMO here
 * does not clip; a run's {@code grad.clip.norm} clips every parameter's gradient if wanted.
 *
 * <p>{@link #state()} holds the logits ({@code logits}), with {@code update=adam} Adam's moments
 * and step count ({@code adam_m}, {@code adam_v}, {@code adam_steps}), and with {@code
 * delta=next-batch}, after the first step, the last step's losses ({@code previous_losses}, NaN for
 * the tasks it did not train), from which the next step's update is made; a run resumed from a
 * checkpoint with them continues exactly.
 */
public final class FamoWeighting implements LossWeighting {

    /** Keeps log finite for a zero loss (the authors' constant). */
    static final double EPSILON = 1e-8;

    private static final String LOGITS = "logits";
    private static final String ADAM_M = "adam_m";
    private static final String ADAM_V = "adam_v";
    private static final String ADAM_STEPS = "adam_steps";
    private static final String PREVIOUS_LOSSES = "previous_losses";

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double ADAM_EPSILON = 1e-8;

    /** How the logits take their step. */
    enum Update {
        /** Adam with L2 weight decay, as the authors' code. */
        ADAM,
        /** A plain gradient step with weight decay, as the paper's Algorithm 1. */
        SGD
    }

    private final double learningRate;
    private final double gamma;
    private final Update update;
    private final boolean sameBatch;
    private RunTaskOrder order;
    private double[] logits;
    private double[] firstMoment;
    private double[] secondMoment;
    private int adamSteps;
    private int[] previousPositions;
    private double[] previousLosses;
    private double[] last;

    FamoWeighting(double learningRate, double gamma, Update update, boolean sameBatch) {
        this.learningRate = learningRate;
        this.gamma = gamma;
        this.update = update;
        this.sameBatch = sameBatch;
    }

    /**
     * With {@code delta=same-batch}, the step's losses on the same batch after the update.
     *
     * @return true unless {@code delta=next-batch}
     */
    @Override
    public boolean needsLossesAfterUpdate() {
        return sameBatch;
    }

    /**
     * Updates the logits from the fall of the step's log losses on its batch over the update.
     *
     * @param losses the same tasks' losses after the update
     * @param step the step
     */
    @Override
    public void afterUpdate(TaskLosses losses, StepContext step) {
        if (!sameBatch || previousPositions == null) {
            return;
        }
        int[] positions = order.positions(losses.tasks());
        double[] values = losses.values();
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] >= 0)) {
                throw new IllegalArgumentException(
                        "famo weighs log losses and needs losses >= 0, but task '"
                                + losses.tasks().get(i)
                                + "' has loss "
                                + values[i]
                                + " after the update of step "
                                + step.step());
            }
        }
        updateLogits(previousPositions, previousLosses, positions, values);
        previousPositions = null;
        previousLosses = null;
    }

    @Override
    public void initialize(WeightingContext context) {
        order = new RunTaskOrder(context.tasks());
        int k = order.size();
        logits = new double[k];
        firstMoment = new double[k];
        secondMoment = new double[k];
        adamSteps = 0;
        previousPositions = null;
        previousLosses = null;
        last = new double[k];
        Arrays.fill(last, 1.0 / k);
    }

    @Override
    public NDArray objective(TaskLosses losses, StepContext step) {
        if (logits == null) {
            throw new IllegalStateException("the weighting is used before initialize()");
        }
        int[] positions = order.positions(losses.tasks());
        double[] values = losses.values();
        for (int i = 0; i < values.length; i++) {
            if (!(values[i] >= 0)) {
                throw new IllegalArgumentException(
                        "famo weighs log losses and needs losses >= 0, but task '"
                                + losses.tasks().get(i)
                                + "' has loss "
                                + values[i]
                                + " at step "
                                + step.step());
            }
        }
        if (previousPositions != null && !sameBatch) {
            updateLogits(previousPositions, previousLosses, positions, values);
        }
        previousPositions = positions.clone();
        previousLosses = values.clone();

        double[] z = softmax(RunTaskOrder.pick(positions, logits));
        double c = 0;
        for (int i = 0; i < z.length; i++) {
            c += z[i] / (values[i] + EPSILON);
        }
        double[] coefficients = new double[z.length];
        double[] weights = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            coefficients[i] = z[i] / c;
            weights[i] = coefficients[i] / (values[i] + EPSILON);
        }
        last = order.spread(positions, weights, 0.0);
        NDArray vector = LossVector.of(losses);
        return GraphScalars.plus(vector, EPSILON, step.manager())
                .log()
                .mul(LossVector.coefficients(step.manager(), coefficients, vector.getDataType()))
                .sum();
    }

    /**
     * One step of the logits from the fall of the log losses between two consecutive steps.
     *
     * @param before the run positions of the earlier step's tasks
     * @param beforeLosses their losses L(t)
     * @param after the run positions of the later step's tasks
     * @param afterLosses their losses L(t+1)
     */
    void updateLogits(int[] before, double[] beforeLosses, int[] after, double[] afterLosses) {
        int k = logits.length;
        double[] delta = new double[k];
        boolean[] known = new boolean[k];
        double[] earlier = new double[k];
        boolean[] seen = new boolean[k];
        for (int i = 0; i < before.length; i++) {
            earlier[before[i]] = beforeLosses[i];
            seen[before[i]] = true;
        }
        for (int i = 0; i < after.length; i++) {
            int p = after[i];
            if (seen[p]) {
                delta[p] = Math.log(earlier[p] + EPSILON) - Math.log(afterLosses[i] + EPSILON);
                known[p] = true;
            }
        }
        double[] z = softmax(logits);
        double knownMass = 0;
        double knownDelta = 0;
        for (int i = 0; i < k; i++) {
            if (known[i]) {
                knownMass += z[i];
                knownDelta += z[i] * delta[i];
            }
        }
        if (knownMass == 0) {
            return;
        }
        double meanDelta = knownDelta / knownMass;
        double zDelta = 0;
        for (int i = 0; i < k; i++) {
            if (!known[i]) {
                delta[i] = meanDelta;
            }
            zDelta += z[i] * delta[i];
        }
        double[] gradient = new double[k];
        for (int i = 0; i < k; i++) {
            gradient[i] = z[i] * (delta[i] - zDelta) + gamma * logits[i];
        }
        step(gradient);
    }

    private void step(double[] gradient) {
        if (update == Update.SGD) {
            for (int i = 0; i < logits.length; i++) {
                logits[i] -= learningRate * gradient[i];
            }
            return;
        }
        adamSteps++;
        double correction1 = 1 - Math.pow(BETA1, adamSteps);
        double correction2 = 1 - Math.pow(BETA2, adamSteps);
        for (int i = 0; i < logits.length; i++) {
            firstMoment[i] = BETA1 * firstMoment[i] + (1 - BETA1) * gradient[i];
            secondMoment[i] = BETA2 * secondMoment[i] + (1 - BETA2) * gradient[i] * gradient[i];
            double m = firstMoment[i] / correction1;
            double v = secondMoment[i] / correction2;
            logits[i] -= learningRate * m / (Math.sqrt(v) + ADAM_EPSILON);
        }
    }

    /**
     * The logits, Adam's moments (with {@code update=adam}) and the last step's losses.
     *
     * @return {@code logits}, {@code adam_m}, {@code adam_v}, {@code adam_steps} and, after the
     *     first step, {@code previous_losses}; empty before initialize
     */
    @Override
    public Map<String, double[]> state() {
        if (logits == null) {
            return Map.of();
        }
        Map<String, double[]> state = new LinkedHashMap<>();
        state.put(LOGITS, logits.clone());
        if (update == Update.ADAM) {
            state.put(ADAM_M, firstMoment.clone());
            state.put(ADAM_V, secondMoment.clone());
            state.put(ADAM_STEPS, new double[] {adamSteps});
        }
        if (previousPositions != null) {
            // only which task had which loss matters to the update, not the step's task order
            double[] losses = new double[logits.length];
            Arrays.fill(losses, Double.NaN);
            for (int i = 0; i < previousPositions.length; i++) {
                losses[previousPositions[i]] = previousLosses[i];
            }
            state.put(PREVIOUS_LOSSES, losses);
        }
        return Collections.unmodifiableMap(state);
    }

    /**
     * Restores what {@link #state()} saved.
     *
     * @param state the saved state
     * @throws IllegalArgumentException if a key is unknown or missing (the Adam keys go with
     *     {@code update=adam} only), an array's length is not the number of tasks, or a value is out
     *     of range; nothing is restored then
     */
    @Override
    public void restore(Map<String, double[]> state) {
        if (logits == null) {
            throw new IllegalStateException("restore() is called before initialize()");
        }
        Set<String> required =
                update == Update.ADAM ? Set.of(LOGITS, ADAM_M, ADAM_V, ADAM_STEPS) : Set.of(LOGITS);
        SavedWeightingState saved =
                new SavedWeightingState(
                        FamoWeightingFactory.NAME,
                        order.tasks(),
                        state,
                        required,
                        Set.of(PREVIOUS_LOSSES));
        double[] restoredLogits = saved.finitePerTask(LOGITS);
        double[] m = new double[restoredLogits.length];
        double[] v = new double[restoredLogits.length];
        int steps = 0;
        if (update == Update.ADAM) {
            m = saved.finitePerTask(ADAM_M);
            v = saved.finitePerTask(ADAM_V);
            for (int i = 0; i < v.length; i++) {
                if (v[i] < 0) {
                    throw new IllegalArgumentException(
                            "cannot restore the state of weighting '"
                                    + FamoWeightingFactory.NAME
                                    + "': '"
                                    + ADAM_V
                                    + "' has "
                                    + v[i]
                                    + " for task '"
                                    + order.tasks().get(i)
                                    + "'; a second moment is never negative");
                }
            }
            steps = saved.integer(ADAM_STEPS, 0);
        }
        int[] positions = null;
        double[] losses = null;
        if (saved.has(PREVIOUS_LOSSES)) {
            double[] all = saved.perTaskWithGaps(PREVIOUS_LOSSES);
            int count = 0;
            for (double l : all) {
                if (!Double.isNaN(l)) {
                    count++;
                }
            }
            positions = new int[count];
            losses = new double[count];
            int next = 0;
            for (int p = 0; p < all.length; p++) {
                if (Double.isNaN(all[p])) {
                    continue;
                }
                if (all[p] < 0) {
                    throw new IllegalArgumentException(
                            "cannot restore the state of weighting '"
                                    + FamoWeightingFactory.NAME
                                    + "': '"
                                    + PREVIOUS_LOSSES
                                    + "' has "
                                    + all[p]
                                    + " for task '"
                                    + order.tasks().get(p)
                                    + "'; famo's losses are never negative");
                }
                positions[next] = p;
                losses[next] = all[p];
                next++;
            }
        }
        logits = restoredLogits;
        firstMoment = m;
        secondMoment = v;
        adamSteps = steps;
        previousPositions = positions;
        previousLosses = losses;
    }

    private static double[] softmax(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double total = 0;
        double[] e = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            e[i] = Math.exp(x[i] - max);
            total += e[i];
        }
        for (int i = 0; i < x.length; i++) {
            e[i] /= total;
        }
        return e;
    }

    /**
     * The weight w_i = (z_i/c)/(L_i + ε) each loss's gradient had in the most recent step (0 for
     * tasks it did not train); 1/K each before the first step, also the first after a {@link
     * #restore} (the next step sets them all, so they are not part of the state).
     *
     * @return K weights in run order, summing to 1
     */
    @Override
    public double[] lastWeights() {
        return last == null ? new double[0] : last.clone();
    }

    /**
     * The task logits ξ, for tests.
     *
     * @return K logits in run order
     */
    double[] logits() {
        return logits.clone();
    }
}
