package org.openmtl.plugins.weighting;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskGradients;
import org.openmtl.api.weighting.WeightingContext;

/**
 * GradNorm: task weights w adapted so that the weighted gradient norms G_i = w_i‖g_i‖ move towards
 * a common scale set by each task's relative training rate. From Chen, Badrinarayanan, Lee &amp;
 * Rabinovich, <i>GradNorm: Gradient Normalization for Adaptive Loss Balancing in Deep Multitask
 * Networks</i>, ICML 2018.
 *
 * <p>Each update, with L̃_i = L_i(t)/L_i(0) (L_i(0) the task's loss in the first step that trained
 * it) and r_i = L̃_i / mean_j L̃_j, the GradNorm loss is Σ_i |G_i − Ḡ·r_i^α|, Ḡ = mean_j G_j, with
 * the target Ḡ·r_i^α held constant (as in the paper). Its gradient with respect to w_i is
 * sign(G_i − Ḡ·r_i^α)·‖g_i‖; one step of size {@code lr} is taken on w, weights are clamped at
 * {@code min.weight}, then rescaled so that their sum is unchanged (Σ w = K over the run's tasks).
 * The norms ‖g_i‖ are read off the Gramian's diagonal.
 *
 * <p>As in the paper's algorithm, a step is combined with the weights w(t) it started with, and the
 * update gives w(t+1) for the next one; {@link #lastWeights()} reports w(t), the weights used, and
 * the trainer reuses them between updates when {@code update.every} &gt; 1.
 *
 * <p>Departures from the paper, by design of this framework: the gradients are those the trainer
 * gives, by default with respect to the shared representation (the last shared layer's output,
 * LibMTL's rep-grad variant) rather than the last shared layer's weights, or with respect to all
 * shared parameters ({@code gradients=parameters}); w has its own plain gradient step rather than
 * the network's optimizer. When a step trains some tasks only, the norms, means and ratios are over
 * those tasks, only their weights move, and their sum is kept.
 *
 * <p>{@link #state()} holds the weights of the next update ({@code weights}), those of the last one
 * ({@code last_weights}, which the trainer reuses until the next update) and each task's first loss
 * ({@code initial_losses}, NaN for a task not trained yet); a run resumed from a checkpoint with
 * them continues exactly.
 */
public final class GradNormWeighting implements GradientWeighting {

    private static final String WEIGHTS = "weights";
    private static final String LAST_WEIGHTS = "last_weights";
    private static final String INITIAL_LOSSES = "initial_losses";

    private final double alpha;
    private final double learningRate;
    private final double minWeight;
    private final GradientRequirement requirement;
    private final int updateEvery;
    private RunTaskOrder order;
    private double[] weights;
    private double[] used;
    private double[] initialLosses;

    GradNormWeighting(
            double alpha,
            double learningRate,
            double minWeight,
            GradientRequirement requirement,
            int updateEvery) {
        this.alpha = alpha;
        this.learningRate = learningRate;
        this.minWeight = minWeight;
        this.requirement = requirement;
        this.updateEvery = updateEvery;
    }

    @Override
    public GradientRequirement requirement() {
        return requirement;
    }

    @Override
    public int updateEvery() {
        return updateEvery;
    }

    @Override
    public void initialize(WeightingContext context) {
        order = new RunTaskOrder(context.tasks());
        weights = new double[order.size()];
        Arrays.fill(weights, 1.0);
        used = weights.clone();
        initialLosses = new double[order.size()];
        Arrays.fill(initialLosses, Double.NaN);
    }

    @Override
    public Combination combine(TaskGradients gradients, StepContext step) {
        if (weights == null) {
            throw new IllegalStateException("the weighting is used before initialize()");
        }
        int[] positions = order.positions(gradients.losses().tasks());
        double[] losses = gradients.losses().values();
        double[][] gramian = gradients.gramian();
        int k = positions.length;
        double[] norms = new double[k];
        for (int i = 0; i < k; i++) {
            norms[i] = Math.sqrt(Math.max(0.0, gramian[i][i]));
            if (Double.isNaN(initialLosses[positions[i]])) {
                initialLosses[positions[i]] = losses[i];
            }
        }
        double[] stepWeights = RunTaskOrder.pick(positions, weights);
        used = weights.clone();
        double[] updated =
                update(stepWeights, norms, losses, RunTaskOrder.pick(positions, initialLosses));
        for (int i = 0; i < k; i++) {
            weights[positions[i]] = updated[i];
        }
        return Combination.weights(stepWeights);
    }

    /**
     * The next and the last weights, and each task's first loss.
     *
     * @return {@code weights}, {@code last_weights} and {@code initial_losses}; empty before
     *     initialize
     */
    @Override
    public Map<String, double[]> state() {
        if (weights == null) {
            return Map.of();
        }
        Map<String, double[]> state = new LinkedHashMap<>();
        state.put(WEIGHTS, weights.clone());
        state.put(LAST_WEIGHTS, used.clone());
        state.put(INITIAL_LOSSES, initialLosses.clone());
        return Collections.unmodifiableMap(state);
    }

    /**
     * Restores what {@link #state()} saved.
     *
     * @param state the saved state
     * @throws IllegalArgumentException if a key is unknown or missing, an array's length is not the
     *     number of tasks, or a value is not finite; nothing is restored then
     */
    @Override
    public void restore(Map<String, double[]> state) {
        if (weights == null) {
            throw new IllegalStateException("restore() is called before initialize()");
        }
        SavedWeightingState saved =
                new SavedWeightingState(
                        GradNormWeightingFactory.NAME,
                        order.tasks(),
                        state,
                        Set.of(WEIGHTS, LAST_WEIGHTS, INITIAL_LOSSES),
                        Set.of());
        double[] next = saved.finitePerTask(WEIGHTS);
        double[] last = saved.finitePerTask(LAST_WEIGHTS);
        double[] initial = saved.perTaskWithGaps(INITIAL_LOSSES);
        weights = next;
        used = last;
        initialLosses = initial;
    }

    /**
     * One GradNorm step on the weights of a step's tasks.
     *
     * @param w the weights the step was combined with
     * @param norms ‖g_i‖
     * @param losses L_i(t)
     * @param initial L_i(0)
     * @return the next weights, clamped and rescaled to the sum of {@code w}
     */
    double[] update(double[] w, double[] norms, double[] losses, double[] initial) {
        int k = w.length;
        double[] ratios = new double[k];
        double meanRatio = 0;
        for (int i = 0; i < k; i++) {
            // a task whose first loss was zero has no training rate to compare: count it as on pace
            ratios[i] = initial[i] > 0 ? losses[i] / initial[i] : 1.0;
            meanRatio += ratios[i] / k;
        }
        double meanNorm = 0;
        double[] weightedNorms = new double[k];
        for (int i = 0; i < k; i++) {
            weightedNorms[i] = w[i] * norms[i];
            meanNorm += weightedNorms[i] / k;
        }
        double[] next = new double[k];
        double before = 0;
        double after = 0;
        for (int i = 0; i < k; i++) {
            double relative = meanRatio > 0 ? ratios[i] / meanRatio : 1.0;
            double target = meanNorm * Math.pow(relative, alpha);
            double gradient = Math.signum(weightedNorms[i] - target) * norms[i];
            next[i] = Math.max(minWeight, w[i] - learningRate * gradient);
            before += w[i];
            after += next[i];
        }
        for (int i = 0; i < k; i++) {
            next[i] *= before / after;
        }
        return next;
    }

    /**
     * The weights the most recent step was combined with (all ones before the first step).
     *
     * @return K weights in run order, summing to K
     */
    @Override
    public double[] lastWeights() {
        return used == null ? new double[0] : used.clone();
    }

    /**
     * The weights the next update will combine with, for tests.
     *
     * @return K weights in run order
     */
    double[] nextWeights() {
        return weights.clone();
    }
}
