package org.openmtl.plugins.weighting;

import java.util.ArrayList;
import java.util.List;
import org.openmtl.api.weighting.MinNormSolver;

/**
 * The two problems Pareto MTL (Lin, Zhen, Li, Zhang &amp; Kwong, NeurIPS 2019) solves each step, on
 * the Gramian of the task gradients alone, and the reference vectors that split the loss space into
 * its subregions.
 *
 * <p>With u the run's reference vector, u_j the others, l the losses and g_k the task gradients,
 * the constraint of u_j is G_j(θ) = (u_j − u)·l/‖l‖ ≤ 0 (the losses are at least as close in angle
 * to u as to u_j); it is active when G_j &gt; 0. Its gradient with respect to the shared
 * parameters is, as in the authors' code, Σ_k (u_j − u)_k g_k (the factor 1/‖l‖ left out). Every
 * vector either problem combines is therefore a combination A g of the task gradients, whose
 * Gramian is A G Aᵀ, so the K×K Gramian G suffices.
 *
 * <ul>
 *   <li>Initial phase (finding a point in u's subregion): the min-norm point λ of the convex hull of
 *       the active constraints' gradients, and the loss weights Σ_j λ_j (u_j − u), which descend on
 *       every active constraint. No active constraint: the point is feasible.
 *   <li>Main phase: the min-norm point of the convex hull of the K task gradients and the active
 *       constraints' gradients, λ, and the loss weights w_k = λ_k + Σ_j λ_{K+j} (u_j − u)_k; with
 *       no active constraint this is MGDA.
 * </ul>
 *
 * <p>Min-norm points come from {@link MinNormSolver}, except for exactly two vectors, where the
 * authors' solver returns the pair's closed form with the weight clipped to [0.001, 0.999] rather
 * than [0, 1] (when one vector alone is the min-norm point it keeps 0.1% of the other): that rule is
 * kept here, since the initial phase meets it at most steps.
 */
final class ParetoMtlSubproblem {

    private ParetoMtlSubproblem() {}

    /**
     * Evenly spread unit reference vectors. For two tasks the authors' {@code circle_points}: n
     * vectors at the angles j·(π/2)/(n − 1), j = 0..n − 1, from (1, 0) to (0, 1). For more tasks,
     * which the authors' code does not handle, the vectors of the simplex grid with n − 1 divisions
     * (the values of a {@code simplex:K:(n−1)} sweep axis, in its order) scaled to unit length.
     *
     * @param tasks K ≥ 1
     * @param count n ≥ 2
     * @return the vectors, each of length K and norm 1
     */
    static double[][] referenceVectors(int tasks, int count) {
        if (tasks == 2) {
            double[][] vectors = new double[count][];
            double step = 0.5 * Math.PI / (count - 1);
            for (int j = 0; j < count; j++) {
                // numpy's linspace: j·step, with the last point exactly the end of the range
                double angle = j == count - 1 ? 0.5 * Math.PI : j * step;
                vectors[j] = new double[] {Math.cos(angle), Math.sin(angle)};
            }
            return vectors;
        }
        List<double[]> grid = new ArrayList<>();
        fill(new int[tasks], 0, count - 1, grid);
        double[][] vectors = new double[grid.size()][];
        for (int j = 0; j < vectors.length; j++) {
            double[] v = grid.get(j);
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < v.length; i++) {
                v[i] /= norm;
            }
            vectors[j] = v;
        }
        return vectors;
    }

    /**
     * How many vectors {@link #referenceVectors} gives, without making them.
     *
     * @param tasks K ≥ 1
     * @param count n ≥ 2
     * @return n for two tasks, else C(n − 2 + K, K − 1)
     */
    static double referenceCount(int tasks, int count) {
        if (tasks == 2) {
            return count;
        }
        double c = 1;
        for (int i = 1; i < tasks; i++) {
            c = c * (count - 1 + i) / i;
        }
        return c;
    }

    private static void fill(int[] counts, int task, int left, List<double[]> out) {
        if (task == counts.length - 1) {
            counts[task] = left;
            double[] v = new double[counts.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = counts[i];
            }
            out.add(v);
            return;
        }
        for (int c = 0; c <= left; c++) {
            counts[task] = c;
            fill(counts, task + 1, left - c, out);
        }
    }

    /**
     * The constraints active at these losses: (u_j − u)·l/‖l‖ &gt; 0.
     *
     * @param differences the rows u_j − u
     * @param losses l
     * @return the rows of the active ones; none when every loss is zero (or not finite)
     */
    static double[][] active(double[][] differences, double[] losses) {
        double norm = 0;
        for (double v : losses) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        List<double[]> active = new ArrayList<>();
        for (double[] w : differences) {
            double g = 0;
            for (int k = 0; k < losses.length; k++) {
                g += w[k] * (losses[k] / norm);
            }
            // NaN (all losses zero) is not > 0: no constraint, as in the authors' code
            if (g > 0) {
                active.add(w);
            }
        }
        return active.toArray(new double[0][]);
    }

    /**
     * The initial phase's loss weights.
     *
     * @param gramian the task gradients' Gramian G (K×K, symmetric)
     * @param active the active constraints' rows u_j − u, at least one
     * @return Σ_j λ_j (u_j − u), λ the min-norm weights of the vectors (u_j − u)·g
     */
    static double[] initialWeights(double[][] gramian, double[][] active) {
        double[] lambda = minNorm(congruence(active, gramian));
        int k = gramian.length;
        double[] w = new double[k];
        for (int j = 0; j < active.length; j++) {
            for (int t = 0; t < k; t++) {
                w[t] += lambda[j] * active[j][t];
            }
        }
        return w;
    }

    /**
     * The main phase's loss weights (before the authors' rescaling to Σ|w| = K).
     *
     * @param gramian the task gradients' Gramian G (K×K, symmetric)
     * @param active the active constraints' rows u_j − u, possibly none
     * @return w_k = λ_k + Σ_j λ_{K+j} (u_j − u)_k, λ the min-norm weights of g_1..g_K and the
     *     vectors (u_j − u)·g
     */
    static double[] mainWeights(double[][] gramian, double[][] active) {
        int k = gramian.length;
        double[][] rows = new double[k + active.length][];
        for (int t = 0; t < k; t++) {
            rows[t] = new double[k];
            rows[t][t] = 1;
        }
        System.arraycopy(active, 0, rows, k, active.length);
        double[] lambda = minNorm(congruence(rows, gramian));
        double[] w = new double[k];
        for (int t = 0; t < k; t++) {
            w[t] = lambda[t];
        }
        for (int j = 0; j < active.length; j++) {
            for (int t = 0; t < k; t++) {
                w[t] += lambda[k + j] * active[j][t];
            }
        }
        return w;
    }

    /** A G Aᵀ: the Gramian of the vectors Σ_k A_jk g_k. */
    static double[][] congruence(double[][] a, double[][] g) {
        int m = a.length;
        int k = g.length;
        double[][] ag = new double[m][k];
        for (int i = 0; i < m; i++) {
            for (int t = 0; t < k; t++) {
                double s = 0;
                for (int u = 0; u < k; u++) {
                    s += a[i][u] * g[u][t];
                }
                ag[i][t] = s;
            }
        }
        double[][] q = new double[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int t = 0; t < k; t++) {
                    s += ag[i][t] * a[j][t];
                }
                q[i][j] = s;
                q[j][i] = s;
            }
        }
        return q;
    }

    /**
     * The min-norm weights of the vectors with Gramian q, with the authors' rule for a pair.
     *
     * @param q the vectors' Gramian
     * @return simplex weights
     */
    static double[] minNorm(double[][] q) {
        if (q.length == 1) {
            return new double[] {1};
        }
        if (q.length == 2) {
            return authorsPair(q[0][0], q[0][1], q[1][1]);
        }
        return MinNormSolver.weights(q);
    }

    /**
     * The authors' min-norm point of two vectors v_1, v_2 from v_1·v_1, v_1·v_2 and v_2·v_2: γ on
     * v_1 and 1 − γ on v_2, with γ = 0.999 where v_1 alone is the min-norm point and 0.001 where
     * v_2 is.
     */
    static double[] authorsPair(double v11, double v12, double v22) {
        double gamma;
        if (v12 >= v11) {
            gamma = 0.999;
        } else if (v12 >= v22) {
            gamma = 0.001;
        } else {
            gamma = -1.0 * ((v12 - v22) / (v11 + v22 - 2 * v12));
        }
        return new double[] {gamma, 1 - gamma};
    }
}
