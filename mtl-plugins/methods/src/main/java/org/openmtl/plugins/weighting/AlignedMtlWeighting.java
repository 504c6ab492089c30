package org.openmtl.plugins.weighting;

import java.util.Arrays;
import java.util.List;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskGradients;
import org.openmtl.api.weighting.WeightingContext;

/**
 * Aligned-MTL: Senushkin, Patakin, Kuznetsov &amp; Konushin, <i>Independent Component Alignment for
 * Multi-Task Learning</i>, CVPR 2023.
 *
 * <p>The task gradients, the rows of M (K×D), are replaced by an aligned set B·M whose Gramian has
 * condition number 1 on its range, so no principal direction of the gradients dominates. With the
 * Gramian's eigendecomposition G = M Mᵀ = V Λ Vᵀ (the paper's M = GᵀG for the matrix G of gradient
 * columns), keeping the R eigenvalues above K·λ_max·ε (ε the single-precision machine epsilon,
 * as in the authors' code; {@code rank.tolerance} sets ε),
 *
 * <pre>
 *     B = σ · V_R Λ_R^{-1/2} V_Rᵀ,   α = B w,   update = Mᵀα = Σ_i α_i g_i,
 * </pre>
 *
 * where w are the pre-set task weights (key {@code weights}, ones by default, as the authors' and
 * LibMTL's code sum the aligned gradients) and σ the scale: √λ_R, the smallest kept eigenvalue,
 * in the paper's Algorithm 1 ({@code scale=min}); the authors' code also offers the (lower) median
 * and the mean of the kept eigenvalues ({@code median}, {@code rmse}). Then B G B = σ² V_R V_Rᵀ:
 * the aligned gradients' Gramian is σ² times the projection onto the gradients' span. For
 * orthogonal gradients α_i = σ w_i/‖g_i‖. When every gradient is zero, B = I.
 *
 * <p>The authors' option to rescale the task-specific (decoder) gradients by α is not offered: the
 * trainer gives task parameters their own task's gradient (the option is off by default in the
 * authors' code too). Between updates ({@code update.every} &gt; 1) the trainer reuses the last α
 * as loss weights.
 */
public final class AlignedMtlWeighting extends RecordedWeighting {

    /** The scale σ of the aligned gradients. */
    enum Scale {
        /** √ of the smallest kept eigenvalue (the paper). */
        MIN,
        /** √ of the lower median of the kept eigenvalues. */
        MEDIAN,
        /** √ of the mean of the kept eigenvalues. */
        RMSE
    }

    private final List<Double> configuredWeights;
    private final Scale scale;
    private final double rankTolerance;
    private final String weightsKey;
    private double[] preset;

    AlignedMtlWeighting(
            int updateEvery,
            List<Double> configuredWeights,
            Scale scale,
            double rankTolerance,
            String weightsKey) {
        super("aligned-mtl", updateEvery);
        this.configuredWeights = List.copyOf(configuredWeights);
        this.scale = scale;
        this.rankTolerance = rankTolerance;
        this.weightsKey = weightsKey;
    }

    @Override
    public GradientRequirement requirement() {
        return GradientRequirement.GRAMIAN;
    }

    /**
     * Fixes the pre-set task weights.
     *
     * @param context the run's tasks
     * @throws PluginConfigException naming {@code weighting.aligned-mtl.weights} when the list's
     *     length is not the number of tasks or every weight is zero
     */
    @Override
    void initialized(WeightingContext context) {
        int k = context.tasks().size();
        preset = new double[k];
        if (configuredWeights.isEmpty()) {
            Arrays.fill(preset, 1.0);
        } else {
            if (configuredWeights.size() != k) {
                throw new PluginConfigException(
                        weightsKey,
                        "has "
                                + configuredWeights.size()
                                + " weights for "
                                + k
                                + " tasks "
                                + context.tasks()
                                + "; expected one non-negative weight per task, in task order");
            }
            boolean positive = false;
            for (int i = 0; i < k; i++) {
                preset[i] = configuredWeights.get(i);
                positive |= preset[i] > 0;
            }
            if (!positive) {
                throw new PluginConfigException(
                        weightsKey,
                        "every weight is zero, so nothing would be trained; expected at least"
                                + " one positive weight");
            }
        }
    }

    @Override
    public Combination combine(TaskGradients gradients, StepContext step) {
        List<String> tasks = gradients.losses().tasks();
        int[] positions = history().positions(tasks);
        StepGramian gramian = StepGramian.of(gradients.gramian(), tasks.size());
        double[] w = new double[tasks.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = preset[positions[i]];
        }
        double[] alpha = align(gramian.toArray(), w);
        history().set(positions, alpha);
        return Combination.weights(alpha);
    }

    /**
     * α = B w for a Gramian.
     *
     * @param gramian a symmetric K×K Gramian
     * @param w the pre-set weights of its tasks
     * @return α
     */
    double[] align(double[][] gramian, double[] w) {
        int k = w.length;
        SymmetricEigen eigen = SymmetricEigen.of(gramian);
        int rank = eigen.rank(rankTolerance);
        if (rank == 0) {
            return w.clone();
        }
        double[] lambda = Arrays.copyOf(eigen.values(), rank);
        double sigma = Math.sqrt(scaleEigenvalue(lambda));
        double[] alpha = new double[k];
        for (int r = 0; r < rank; r++) {
            double[] v = eigen.vector(r);
            double projection = 0;
            for (int i = 0; i < k; i++) {
                projection += v[i] * w[i];
            }
            double c = sigma * projection / Math.sqrt(lambda[r]);
            for (int i = 0; i < k; i++) {
                alpha[i] += c * v[i];
            }
        }
        return alpha;
    }

    private double scaleEigenvalue(double[] kept) {
        switch (scale) {
            case MEDIAN:
                // kept is in descending order; torch.median returns the lower of two middles
                return kept[kept.length / 2];
            case RMSE:
                double mean = 0;
                for (double l : kept) {
                    mean += l;
                }
                return mean / kept.length;
            case MIN:
            default:
                return kept[kept.length - 1];
        }
    }

}
