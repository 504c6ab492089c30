package org.openmtl.plugins.weighting;

import java.util.Arrays;
import java.util.List;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskGradients;

/**
 * CAGrad (conflict-averse gradient descent): Liu, Liu, Jin, Stone &amp; Liu, <i>Conflict-Averse
 * Gradient Descent for Multi-task Learning</i>, NeurIPS 2021.
 *
 * <p>The update maximizes the worst local improvement min_i g_iᵀd over the ball ‖d − g₀‖ ≤ c‖g₀‖
 * around the average gradient g₀ = (1/K) Σ g_i. With φ = c²‖g₀‖² its dual is
 *
 * <pre>
 *     w* = argmin over w in the simplex of  F(w) = g_wᵀg₀ + √φ ‖g_w‖,   g_w = Σ_i w_i g_i,
 *     d  = g₀ + (√φ / ‖g_w*‖) g_w*,
 * </pre>
 *
 * and min_i g_iᵀd = F(w*) ≥ min_i g_iᵀg₀. Everything is computed from the Gramian: g_wᵀg₀ = wᵀG1/K,
 * ‖g_w‖² = wᵀGw, ‖g₀‖² = 1ᵀG1/K². The inner problem is solved by {@link ConflictAverseSolver}
 * (projected gradient descent on the simplex, in place of the authors' call to SciPy's SLSQP), on G
 * divided by its mean diagonal, which leaves w* and d unchanged. d is a combination of the task
 * gradients, returned as the weights 1/K + λw*_i, λ = √φ/‖g_w*‖.
 *
 * <p>Key {@code c} (default 0.4, the value of the authors' NYUv2 experiments; c = 0 is plain
 * gradient averaging) and key {@code rescale} as in the authors' code ({@code cagrad(grads, alpha,
 * rescale)} in github.com/Cranial-XIX/CAGrad, also LibMTL): 0 returns d, 1 (the default there and
 * here) returns d/(1 + c²), 2 returns d/(1 + c).
 *
 * <p>Deviations: where ‖g_w*‖² is below a millionth of the mean squared gradient norm, finer than
 * the single-precision Gramian resolves, the optimum is Pareto-stationary (g_w* ≈ 0), λ has no
 * meaningful value and the max–min problem has many solutions; d = g₀ is taken then (the authors'
 * code divides by ‖g_w‖ + 10⁻⁸ there, which makes an arbitrary choice). When every gradient is
 * zero, or g₀ = 0, the weights are 1/K (before the rescaling). Between updates ({@code
 * update.every} &gt; 1) the trainer reuses the last weights as loss weights.
 */
public final class CaGradWeighting extends RecordedWeighting {

    /**
     * ‖g_w‖² below this fraction of the mean ‖g_i‖² counts as zero: the Gramian comes in single
     * precision, so its quadratic forms carry relative errors of order K·2⁻²³ of the trace.
     */
    static final double UNRESOLVED = 1e-6;

    private final double c;
    private final int rescale;

    CaGradWeighting(int updateEvery, double c, int rescale) {
        super("cagrad", updateEvery);
        if (!(c >= 0) || !Double.isFinite(c)) {
            throw new IllegalArgumentException("c must be a finite number ≥ 0, got " + c);
        }
        if (rescale < 0 || rescale > 2) {
            throw new IllegalArgumentException("rescale must be 0, 1 or 2, got " + rescale);
        }
        this.c = c;
        this.rescale = rescale;
    }

    @Override
    public GradientRequirement requirement() {
        return GradientRequirement.GRAMIAN;
    }

    @Override
    public Combination combine(TaskGradients gradients, StepContext step) {
        List<String> tasks = gradients.losses().tasks();
        int[] positions = history().positions(tasks);
        double[] weights = weights(StepGramian.of(gradients.gramian(), tasks.size()));
        history().set(positions, weights);
        return Combination.weights(weights);
    }

    /**
     * CAGrad's weights for one step: (1/K + λw*_i) divided by the rescaling.
     *
     * @param gramian the step's Gramian
     * @return the weights of d in the task gradients
     */
    double[] weights(StepGramian gramian) {
        int k = gramian.size();
        double[] weights = new double[k];
        Arrays.fill(weights, 1.0 / k);
        double meanSquaredNorm = gramian.trace() / k;
        if (c > 0 && meanSquaredNorm > 0) {
            double[][] a = gramian.toArray();
            double[] q = new double[k];
            double averageSquared = 0;
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    a[i][j] /= meanSquaredNorm;
                    q[i] += a[i][j] / k;
                }
                averageSquared += q[i] / k;
            }
            if (averageSquared > 0) {
                double r = c * Math.sqrt(averageSquared);
                double[] w = ConflictAverseSolver.minimize(a, q, r);
                double combinedSquared = 0;
                for (int i = 0; i < k; i++) {
                    for (int j = 0; j < k; j++) {
                        combinedSquared += w[i] * a[i][j] * w[j];
                    }
                }
                if (combinedSquared > UNRESOLVED) {
                    double lambda = r / Math.sqrt(combinedSquared);
                    for (int i = 0; i < k; i++) {
                        weights[i] += lambda * w[i];
                    }
                }
            }
        }
        double divisor =
                switch (rescale) {
                    case 1 -> 1 + c * c;
                    case 2 -> 1 + c;
                    default -> 1;
                };
        for (int i = 0; i < k; i++) {
            weights[i] /= divisor;
        }
        return weights;
    }

}
