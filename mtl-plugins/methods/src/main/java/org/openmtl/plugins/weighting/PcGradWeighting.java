package org.openmtl.plugins.weighting;

import java.util.List;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskGradients;

/**
 * PCGrad (projecting conflicting gradients): Yu, Kumar, Gupta, Levine, Hausman &amp; Finn,
 * <i>Gradient Surgery for Multi-Task Learning</i>, NeurIPS 2020.
 *
 * <p>For each task i, g_i^PC starts as g_i and visits the other tasks j in a random order; whenever
 * g_i^PC·g_j &lt; 0 it is projected onto the normal plane of the original g_j, g_i^PC ← g_i^PC −
 * (g_i^PC·g_j / ‖g_j‖²) g_j. The update is Σ_i g_i^PC (key {@code reduction=sum}, the paper's
 * Algorithm 1) or its mean ({@code reduction=mean}, as some re-implementations do).
 *
 * <p>Every projection subtracts a multiple of an original gradient, so g_i^PC = Σ_m c_im g_m stays
 * a linear combination of the originals. The coefficients are tracked instead of the vectors: each
 * dot product g_i^PC·g_j = Σ_m c_im G_mj comes from the Gramian, and the update is returned as the
 * task weights w_m = Σ_i c_im (divided by K for the mean). The result is the paper's update; each
 * of the K(K − 1) visits costs O(K) operations on the heap instead of a pass over the D-long
 * gradients.
 *
 * <p>Key {@code gradients}: {@code parameters} (the default, the paper's setting) works on the
 * shared-parameter gradients and declares requirement GRAMIAN, since only their inner products
 * are used: the trainer runs the same K backwards as for PARAMETERS and hands over G = MMᵀ alone.
 * {@code representation} works on the gradients with respect to the shared representation
 * (requirement REPRESENTATION, K backwards through the heads only, as LibMTL's {@code rep_grad}),
 * and takes their Gramian from the matrix. Either way the result is weights, never a direction:
 * the weights are exact, so no vector-based path is needed.
 *
 * <p>The orders are drawn from a generator seeded with the plugin's seed and the step's global
 * index ({@link StepRandom}), one shuffle per task: a run is reproducible and a resumed run draws
 * the same orders. As in the paper's description, task i is projected on the other tasks only. A
 * task whose gradient is zero this step is never projected on (its normal plane is undefined; the
 * dot product is zero anyway). When no pair conflicts the weights are all 1 (sum) or 1/K (mean).
 * Between updates ({@code update.every} &gt; 1) the trainer reuses the last weights as loss
 * weights.
 */
public final class PcGradWeighting extends RecordedWeighting {

    /** How the projected gradients are combined. */
    enum Reduction {
        /** Σ_i g_i^PC, the paper's update. */
        SUM,
        /** (1/K) Σ_i g_i^PC. */
        MEAN
    }

    private final Reduction reduction;
    private final GradientRequirement requirement;
    private final long seed;

    PcGradWeighting(int updateEvery, Reduction reduction, GradientRequirement requirement, long seed) {
        super("pcgrad", updateEvery);
        if (requirement != GradientRequirement.GRAMIAN
                && requirement != GradientRequirement.REPRESENTATION) {
            throw new IllegalArgumentException(
                    "PCGrad works on the Gramian of the shared-parameter gradients or on the"
                            + " representation gradients, not " + requirement);
        }
        this.reduction = reduction;
        this.requirement = requirement;
        this.seed = seed;
    }

    @Override
    public GradientRequirement requirement() {
        return requirement;
    }

    @Override
    public Combination combine(TaskGradients gradients, StepContext step) {
        List<String> tasks = gradients.losses().tasks();
        int[] positions = history().positions(tasks);
        StepGramian gramian = StepGramian.of(gradients.gramian(), tasks.size());
        double[][] coefficients = projectedCoefficients(gramian, orders(step.step(), tasks.size()));
        double[] weights = reduce(coefficients, reduction);
        history().set(positions, weights);
        return Combination.weights(weights);
    }

    /**
     * The orders in which each task of a step visits the others.
     *
     * @param step the step's global index
     * @param k the number of tasks of the step
     * @return row i: the other tasks, in the order task i is projected on them
     */
    int[][] orders(long step, int k) {
        return StepRandom.otherTaskOrders(StepRandom.of(seed, step), k);
    }

    /**
     * The coefficients of the projected gradients in the original ones.
     *
     * @param gramian the step's Gramian
     * @param orders row i: the order in which task i visits the other tasks
     * @return C with g_i^PC = Σ_m C[i][m] g_m
     */
    static double[][] projectedCoefficients(StepGramian gramian, int[][] orders) {
        int k = gramian.size();
        double[][] c = new double[k][k];
        for (int i = 0; i < k; i++) {
            c[i][i] = 1.0;
            for (int j : orders[i]) {
                double normSquared = gramian.get(j, j);
                if (!(normSquared > 0)) {
                    continue;
                }
                double dot = 0;
                for (int m = 0; m < k; m++) {
                    dot += c[i][m] * gramian.get(m, j);
                }
                if (dot < 0) {
                    c[i][j] -= dot / normSquared;
                }
            }
        }
        return c;
    }

    /** w_m = Σ_i C[i][m], divided by K for the mean. */
    static double[] reduce(double[][] coefficients, Reduction reduction) {
        int k = coefficients.length;
        double factor = reduction == Reduction.MEAN ? 1.0 / k : 1.0;
        double[] weights = new double[k];
        for (double[] row : coefficients) {
            for (int m = 0; m < k; m++) {
                weights[m] += row[m];
            }
        }
        for (int m = 0; m < k; m++) {
            weights[m] *= factor;
        }
        return weights;
    }

}
