package org.openmtl.plugins.weighting;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.MinNormSolver;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskGradients;
import org.openmtl.api.weighting.WeightingContext;

/**
 * MGDA (Sener &amp; Koltun, "Multi-Task Learning as Multi-Objective Optimization", NeurIPS 2018):
 * the task weights are the min-norm point α of the convex hull of the (normalized) task gradients,
 * found from their Gramian by {@link MinNormSolver} (exact for two tasks, Frank–Wolfe beyond).
 *
 * <p>Gradients are first scaled by c_i: {@code none} 1, {@code l2} ‖g_i‖, {@code loss} L_i,
 * {@code loss+} L_i‖g_i‖; the normalized Gramian is G_ij/(c_i c_j). As in the authors' code, α
 * then weights the original losses (the update is Σ α_i g_i, not Σ α_i g_i/c_i): the
 * normalization only changes which point of the simplex is chosen.
 *
 * <p>With requirement GRAMIAN the gradients are those of the shared
 * parameters ({@code mgda}); with REPRESENTATION they are those of the shared representation, the
 * cheaper "upper bound" variant MGDA-UB ({@code mgda-ub}).
 */
final class MgdaWeighting implements GradientWeighting {

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
    private final int updateEvery;
    private TaskWeightHistory history;

    MgdaWeighting(String name, GradientRequirement requirement, Normalization normalization, int updateEvery) {
        this.name = name;
        this.requirement = requirement;
        this.normalization = normalization;
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
        history = new TaskWeightHistory(context.tasks());
    }

    @Override
    public Combination combine(TaskGradients gradients, StepContext step) {
        if (history == null) {
            throw new IllegalStateException("the weighting is used before initialize()");
        }
        List<String> tasks = gradients.losses().tasks();
        double[][] gramian = gradients.gramian();
        double[] alpha = minNormWeights(gramian, scales(gramian, gradients.losses().values()));
        history.set(history.positions(tasks), alpha);
        return Combination.weights(alpha);
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

    @Override
    public double[] lastWeights() {
        return history == null ? new double[0] : history.values();
    }

    @Override
    public Map<String, double[]> state() {
        return history == null ? Map.of() : history.state();
    }

    @Override
    public void restore(Map<String, double[]> state) {
        if (history == null) {
            throw new IllegalStateException("restore() is called before initialize()");
        }
        history.restore(name, state);
    }
}
