package org.openmtl.plugins.weighting;

import java.util.List;
import java.util.Locale;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.MinNormSolver;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskGradients;

/**
 * MGDA (Sener &amp; Koltun, "Multi-Task Learning as Multi-Objective Optimization", NeurIPS 2018):
 * the task weights are the min-norm point α of the convex hull of the (normalized) task gradients,
 * found from their Gramian by {@link MinNormSolver} (exact for two tasks, Frank–Wolfe beyond).
 *
 * <p>Gradients are first scaled by 1/c_i (key {@code normalization}, the authors'
 * {@code gradient_normalizers}): {@code none} c_i = 1, {@code l2} ‖g_i‖, {@code loss} L_i, {@code
 * loss+} L_i‖g_i‖. Each c_i is a per-task scalar, so the normalized Gramian is G_ij/(c_i c_j) and
 * the Gramian suffices. A scale that is zero, negative or not finite (a zero gradient, a zero loss)
 * is replaced by 1: that task's gradient is left as it is rather than divided by zero.
 *
 * <p>What is returned (key {@code normalized.update}; both coincide for {@code normalization=none},
 * the default):
 *
 * <ul>
 *   <li>{@code false} (default): the weights α_i, which the trainer applies to the original
 *       gradients, Σ α_i g_i. This is what the authors' code does (it scales the original losses by
 *       α_i), so results with a normalization reproduce theirs; the normalization then only chooses
 *       the point of the simplex, and Σ α_i g_i is not in general the min-norm point of anything.
 *   <li>{@code true}: the weights α_i/c_i, so the update Σ (α_i/c_i) g_i is exactly the min-norm
 *       point of the convex hull of the normalized gradients g_i/c_i, the direction MGDA's theory
 *       is about: with d that point, d·g_i ≥ c_i‖d‖² &gt; 0 for every task unless d = 0.
 * </ul>
 *
 * <p>{@link #lastWeights()} reports the weights returned, per task in run order (a task a step did
 * not train keeps its previous weight).
 *
 * <p>With requirement GRAMIAN the gradients are those of the shared
 * parameters ({@code mgda}); with REPRESENTATION they are those of the shared representation, the
 * cheaper "upper bound" variant MGDA-UB ({@code mgda-ub}).
 */
final class MgdaWeighting extends RecordedWeighting {

    /** How task gradients are scaled before the min-norm problem. */
    enum Normalization {
        NONE, L2, LOSS, LOSS_PLUS;

        static Normalization of(String key) {
            return key.equals("loss+") ? LOSS_PLUS : valueOf(key.toUpperCase(Locale.ROOT));
        }
    }

    private final String name;
    private final GradientRequirement requirement;
    private final Normalization normalization;
    private final boolean normalizedUpdate;
    private final boolean weightsHeads;

    MgdaWeighting(
            String name,
            GradientRequirement requirement,
            Normalization normalization,
            boolean normalizedUpdate,
            int updateEvery,
            boolean weightsHeads) {
        super(name, updateEvery);
        this.name = name;
        this.requirement = requirement;
        this.normalization = normalization;
        this.normalizedUpdate = normalizedUpdate;
        this.weightsHeads = weightsHeads;
    }

    /**
     * Sener &amp; Koltun's code back-propagates Σ α_i L_i through the whole network after solving
     * for α, so by default ({@code heads=weighted}) the heads get α_i times their gradient.
     */
    @Override
    public boolean weightsHeads() {
        return weightsHeads;
    }

    @Override
    public GradientRequirement requirement() {
        return requirement;
    }

    @Override
    public Combination combine(TaskGradients gradients, StepContext step) {
        List<String> tasks = gradients.losses().tasks();
        double[][] gramian = gradients.gramian();
        double[] c = scales(gramian, gradients.losses().values());
        double[] weights = minNormWeights(gramian, c);
        if (normalizedUpdate) {
            for (int i = 0; i < weights.length; i++) {
                weights[i] /= c[i];
            }
        }
        history().set(history().positions(tasks), weights);
        return Combination.weights(weights);
    }

    /** The per-task scales c_i of the chosen normalization (zero scales are treated as 1). */
    double[] scales(double[][] gramian, double[] losses) {
        int k = gramian.length;
        double[] c = new double[k];
        for (int i = 0; i < k; i++) {
            double norm = Math.sqrt(Math.max(0, gramian[i][i]));
            switch (normalization) {
                case L2 -> c[i] = norm;
                case LOSS -> c[i] = losses[i];
                case LOSS_PLUS -> c[i] = losses[i] * norm;
                default -> c[i] = 1;
            }
            if (!(c[i] > 0) || !Double.isFinite(c[i])) {
                c[i] = 1;
            }
        }
        return c;
    }

    /** The min-norm weights of the gradients scaled by 1/c. */
    static double[] minNormWeights(double[][] gramian, double[] c) {
        int k = gramian.length;
        double[][] scaled = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                // symmetrize: the trainer's Gramian is single precision
                scaled[i][j] = 0.5 * (gramian[i][j] + gramian[j][i]) / (c[i] * c[j]);
            }
        }
        return MinNormSolver.weights(scaled);
    }

}
