package org.openmtl.plugins.weighting;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.ConstantInitializer;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
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
 * <p>As LibMTL implements it: the weights are w = K·softmax(s) of K logits s (the parameter {@code
 * loss_scale}, starting at 1, so w = 1), trained by the run's optimizer together with the network
 * (same optimizer, learning rate and weight decay). Each update, with L̃_i = L_i(t)/L_i(0) and r_i
 * = L̃_i / mean_j L̃_j, the GradNorm loss Σ_i |G_i − Ḡ·r_i^α|, Ḡ = mean_j G_j, with the target
 * Ḡ·r_i^α held constant, is back-propagated to s (through the softmax); the step is combined with
 * the weights w(t) it started with, and the optimizer's step gives the next ones. The norms ‖g_i‖
 * are read off the Gramian's diagonal.
 *
 * <p>L_i(0). By default ({@code initial.loss=first-epoch}, LibMTL's) it is the task's mean training
 * loss over the first epoch, which trains with equal weights and leaves s untouched (no gradient, so
 * the optimizer skips it, as PyTorch's does a parameter without one). With {@code
 * initial.loss=first-step} (the paper's L_i(0)) it is the loss of the first step that trained the
 * task, and GradNorm runs from that step on.
 *
 * <p>Heads. The paper back-propagates Σ w_i L_i through the whole network, so the task-specific
 * parameters get w_i times their gradient ({@code heads=weighted}, the default); LibMTL leaves them
 * their unweighted gradient ({@code heads=unweighted}).
 *
 * <p>Gradients. By default w.r.t. the shared representation ({@code gradients=representation}):
 * the norm is that of the whole (batch × features) representation gradient. LibMTL's rep-grad mode
 * sums that gradient over the batch before taking the norm, and its default uses all shared
 * parameters ({@code gradients=parameters} here). When a step trains some tasks only, the norms,
 * means and ratios are over those tasks.
 *
 * <p>{@link #state()} holds the weights of the last step ({@code last_weights}) and each task's L(0)
 * ({@code initial_losses}, NaN while unknown); the logits are a parameter the trainer saves.
 */
public final class GradNormWeighting implements GradientWeighting {

    /** The parameter's name (recorded in checkpoints, so it must not change). */
    static final String PARAMETER_NAME = "loss_scale";

    private static final String LAST_WEIGHTS = "last_weights";
    private static final String INITIAL_LOSSES = "initial_losses";

    private final double alpha;
    private final GradientRequirement requirement;
    private final int updateEvery;
    private final boolean weightsHeads;
    private final boolean firstEpoch;
    private RunTaskOrder order;
    private Parameter logits;
    private double[] used;
    private double[] initialLosses;
    private boolean stepped;

    GradNormWeighting(
            double alpha,
            GradientRequirement requirement,
            int updateEvery,
            boolean weightsHeads,
            boolean firstEpoch) {
        this.alpha = alpha;
        this.requirement = requirement;
        this.updateEvery = updateEvery;
        this.weightsHeads = weightsHeads;
        this.firstEpoch = firstEpoch;
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
    public boolean weightsHeads() {
        return weightsHeads;
    }

    @Override
    public void initialize(WeightingContext context) {
        order = new RunTaskOrder(context.tasks());
        int k = order.size();
        logits =
                Parameter.builder()
                        .setName(PARAMETER_NAME)
                        .setType(Parameter.Type.OTHER)
                        .optShape(new Shape(k))
                        .optInitializer(new ConstantInitializer(1.0f))
                        .build();
        logits.initialize(context.manager(), DataType.FLOAT32);
        used = new double[k];
        Arrays.fill(used, 1.0);
        initialLosses = new double[k];
        Arrays.fill(initialLosses, Double.NaN);
        stepped = false;
    }

    @Override
    public List<Parameter> parameters() {
        return logits == null ? List.of() : List.of(logits);
    }

    @Override
    public boolean parametersHaveGradients() {
        return stepped;
    }

    /**
     * With {@code initial.loss=first-epoch}, takes each task's mean loss of the first epoch that
     * trained it as its L(0).
     */
    @Override
    public void onEpochEnd(int epoch, double[] meanLosses) {
        if (firstEpoch) {
            for (int t = 0; t < initialLosses.length; t++) {
                if (Double.isNaN(initialLosses[t]) && Double.isFinite(meanLosses[t])) {
                    initialLosses[t] = meanLosses[t];
                }
            }
        }
    }

    @Override
    public Combination combine(TaskGradients gradients, StepContext step) {
        if (logits == null) {
            throw new IllegalStateException("the weighting is used before initialize()");
        }
        int[] positions = order.positions(gradients.losses().tasks());
        double[] losses = gradients.losses().values();
        int k = positions.length;
        boolean known = true;
        for (int i = 0; i < k; i++) {
            if (!firstEpoch && Double.isNaN(initialLosses[positions[i]])) {
                initialLosses[positions[i]] = losses[i];
            }
            known &= !Double.isNaN(initialLosses[positions[i]]);
        }
        if (!known) {
            // LibMTL's first epoch: equal weights, the logits untouched
            stepped = false;
            double[] ones = new double[k];
            Arrays.fill(ones, 1.0);
            used = order.spread(positions, ones, 1.0);
            return Combination.weights(ones);
        }
        double[][] gramian = gradients.gramian();
        double[] norms = new double[k];
        for (int i = 0; i < k; i++) {
            norms[i] = Math.sqrt(Math.max(0.0, gramian[i][i]));
        }
        double[] all = weights(logitValues());
        double[] w = RunTaskOrder.pick(positions, all);
        double[] slopes =
                slopes(w, norms, losses, RunTaskOrder.pick(positions, initialLosses));
        // Σ_i slope_i · K·softmax(s)_i has the GradNorm loss's gradient with respect to s
        double[] coefficients = new double[all.length];
        for (int i = 0; i < k; i++) {
            coefficients[positions[i]] = all.length * slopes[i];
        }
        NDManager manager = step.manager();
        long[] index = new long[all.length];
        for (int i = 0; i < index.length; i++) {
            index[i] = i;
        }
        NDArray s = logits.getArray().take(manager, manager.create(index));
        NDArray objective =
                s.softmax(0)
                        .mul(LossVector.coefficients(manager, coefficients, s.getDataType()))
                        .sum();
        stepped = true;
        used = all;
        return Combination.weights(w).withParameterObjective(objective);
    }

    /**
     * w = K·softmax(s).
     *
     * @param s the logits
     * @return the weights
     */
    static double[] weights(double[] s) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : s) {
            max = Math.max(max, v);
        }
        double total = 0;
        double[] e = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            e[i] = Math.exp(s[i] - max);
            total += e[i];
        }
        for (int i = 0; i < s.length; i++) {
            e[i] = s.length * e[i] / total;
        }
        return e;
    }

    /**
     * ∂/∂w_i of the GradNorm loss Σ_i |w_i‖g_i‖ − Ḡ·r_i^α| with its target held constant:
     * sign(G_i − Ḡ·r_i^α)·‖g_i‖.
     *
     * @param w the step tasks' weights
     * @param norms ‖g_i‖
     * @param losses L_i(t)
     * @param initial L_i(0)
     * @return the slopes
     */
    double[] slopes(double[] w, double[] norms, double[] losses, double[] initial) {
        int k = w.length;
        double[] ratios = new double[k];
        double meanRatio = 0;
        for (int i = 0; i < k; i++) {
            // a task whose L(0) was zero has no training rate to compare: count it as on pace
            ratios[i] = initial[i] > 0 ? losses[i] / initial[i] : 1.0;
            meanRatio += ratios[i] / k;
        }
        double meanNorm = 0;
        double[] weighted = new double[k];
        for (int i = 0; i < k; i++) {
            weighted[i] = w[i] * norms[i];
            meanNorm += weighted[i] / k;
        }
        double[] slopes = new double[k];
        for (int i = 0; i < k; i++) {
            double relative = meanRatio > 0 ? ratios[i] / meanRatio : 1.0;
            double target = meanNorm * Math.pow(relative, alpha);
            slopes[i] = Math.signum(weighted[i] - target) * norms[i];
        }
        return slopes;
    }

    private double[] logitValues() {
        float[] f = logits.getArray().toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /**
     * The last weights and each task's L(0).
     *
     * @return {@code last_weights} and {@code initial_losses}; empty before initialize
     */
    @Override
    public Map<String, double[]> state() {
        if (used == null) {
            return Map.of();
        }
        Map<String, double[]> state = new LinkedHashMap<>();
        state.put(LAST_WEIGHTS, used.clone());
        state.put(INITIAL_LOSSES, initialLosses.clone());
        return Collections.unmodifiableMap(state);
    }

    /**
     * Restores what {@link #state()} saved (the logits are restored by the trainer).
     *
     * @param state the saved state
     * @throws IllegalArgumentException if a key is unknown or missing, an array's length is not the
     *     number of tasks, or a weight is not finite; nothing is restored then
     */
    @Override
    public void restore(Map<String, double[]> state) {
        if (used == null) {
            throw new IllegalStateException("restore() is called before initialize()");
        }
        SavedWeightingState saved =
                new SavedWeightingState(
                        GradNormWeightingFactory.NAME,
                        order.tasks(),
                        state,
                        Set.of(LAST_WEIGHTS, INITIAL_LOSSES),
                        Set.of());
        double[] last = saved.finitePerTask(LAST_WEIGHTS);
        double[] initial = saved.perTaskWithGaps(INITIAL_LOSSES);
        used = last;
        initialLosses = initial;
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
}
