package org.openmtl.plugins.weighting;

import java.util.List;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskGradients;

/**
 * UPGrad (unconflicting projection of gradients): Quinton &amp; Rey, <i>Jacobian Descent for
 * Multi-Objective Optimization</i>, arXiv:2406.16232, 2024 (torchjd's {@code UPGrad}).
 *
 * <p>Each task gradient g_i (a row of the Jacobian J) is projected onto the dual cone of the rows,
 * {v : J v ≥ 0}, the directions that conflict with no task; the projections are averaged. By the
 * paper's Proposition 1 the projection of Jᵀu onto that cone is Jᵀw with
 *
 * <pre>
 *     w = argmin_v ½ vᵀ G v   subject to   v ≥ u   (componentwise),   G = J Jᵀ,
 * </pre>
 *
 * so for g_i = Jᵀe_i the weights w_i solve that quadratic program with u = e_i, and UPGrad's
 * weights are their mean (1/K) Σ_i w_i (key {@code reduction=mean}, the paper's default uniform
 * preference) or their sum ({@code reduction=sum}). Every w_i satisfies G w_i ≥ 0, hence so does
 * the combination: the update d = Jᵀw has d·g_j ≥ 0 for every task. When no two gradients conflict
 * (G ≥ 0 entrywise) w_i = e_i and UPGrad is the mean of the gradients.
 *
 * <p>The K programs are solved exactly by {@link LowerBoundedQuadraticProgram} (an active-set
 * method) on the heap. As in torchjd the Gramian is divided by its trace and a ridge ρ·I is added
 * (key {@code ridge}, default torchjd's 1e-4), i.e. G + ρ·tr(G)·I: it makes each program strictly
 * convex when gradients are linearly dependent (more tasks than dimensions, duplicated or zero
 * gradients, rounding of the single-precision Gramian). It leaves the agreeing-gradients case
 * unchanged and weakens the non-conflict guarantee to d·g_j ≥ −ρ·tr(G)·w_j; {@code ridge=0}
 * solves the exact programs. When every gradient is zero the weights are those of agreeing
 * gradients. Between updates ({@code update.every} &gt; 1) the trainer reuses the last weights as
 * loss weights.
 */
public final class UpgradWeighting extends RecordedWeighting {

    /** How the projected gradients are combined. */
    enum Reduction {
        /** Their mean (weights sum to 1 when gradients agree). */
        MEAN,
        /** Their sum. */
        SUM
    }

    private final Reduction reduction;
    private final double ridge;

    UpgradWeighting(int updateEvery, Reduction reduction, double ridge) {
        super("upgrad", updateEvery);
        this.reduction = reduction;
        this.ridge = ridge;
    }

    @Override
    public GradientRequirement requirement() {
        return GradientRequirement.GRAMIAN;
    }

    @Override
    public Combination combine(TaskGradients gradients, StepContext step) {
        List<String> tasks = gradients.losses().tasks();
        int[] positions = history().positions(tasks);
        StepGramian gramian = StepGramian.of(gradients.gramian(), tasks.size());
        double[] weights = weights(gramian);
        history().set(positions, weights);
        return Combination.weights(weights);
    }

    /**
     * UPGrad's weights for a Gramian.
     *
     * @param gramian the Gramian
     * @return the mean (or sum) of the projection weights w_i
     */
    double[] weights(StepGramian gramian) {
        int k = gramian.size();
        double[][] q = regularized(gramian);
        double factor = reduction == Reduction.MEAN ? 1.0 / k : 1.0;
        double[] weights = new double[k];
        for (int i = 0; i < k; i++) {
            double[] lower = new double[k];
            lower[i] = 1.0;
            double[] w = LowerBoundedQuadraticProgram.minimize(q, lower).x();
            for (int j = 0; j < k; j++) {
                weights[j] += factor * w[j];
            }
        }
        return weights;
    }

    /**
     * G/tr(G) + ρI, or ρI when every gradient is zero (as torchjd).
     *
     * @param gramian the Gramian
     * @return the matrix of the programs
     */
    double[][] regularized(StepGramian gramian) {
        int k = gramian.size();
        double trace = gramian.trace();
        double[][] q = gramian.toArray();
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                q[i][j] = trace > 0 ? q[i][j] / trace : 0.0;
            }
            q[i][i] += ridge;
        }
        return q;
    }

}
