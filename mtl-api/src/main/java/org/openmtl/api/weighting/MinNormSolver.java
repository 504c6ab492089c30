package org.openmtl.api.weighting;

/**
 * The min-norm point of the convex hull of K vectors g_1, …, g_K, from their K×K Gramian G_ij =
 * g_i·g_j alone: the simplex weights α (α_i ≥ 0, Σ α_i = 1) that minimize ‖Σ α_i g_i‖² = αᵀGα.
 * This is the inner problem of MGDA (Sener &amp; Koltun, <i>Multi-Task Learning as Multi-Objective
 * Optimization</i>, NeurIPS 2018), and √(αᵀGα) is the Pareto-stationarity gap: zero exactly when
 * some convex combination of the task gradients vanishes.
 *
 * <p>The solver follows the authors' implementation: K = 1 gives α = (1); K = 2 is the closed
 * form α_1 = clip((g_2 − g_1)·g_2 / ‖g_1 − g_2‖², 0, 1); for K ≥ 3 Frank–Wolfe with exact line
 * search starts from the best pair (the pair whose two-vector min-norm point is smallest) and
 * stops when an iteration moves no weight by more than the tolerance, or after the iteration cap.
 * It adds <em>away steps</em> (Guélat &amp; Marcotte 1986; Lacoste-Julien &amp; Jaggi, NeurIPS
 * 2015): when it pays more to take weight off the worst vertex of the current support than to move
 * toward the best vertex, it does so, with the exact step. Plain Frank–Wolfe zigzags, converging
 * as 1/t, when the minimum lies on a face of the simplex (some α_i = 0 but more than two tasks
 * active); with away steps the convergence is linear, and a weight can return to exactly 0.
 *
 * <p>Robust to what training produces: the Gramian may come in single precision (its two
 * triangles are averaged), be singular (linearly dependent or duplicate gradients: any optimal α
 * is returned), have zero rows (a task with no gradient: the min-norm point is then 0, with all
 * the weight on such a task), or be of any scale (every test is relative; no absolute threshold).
 * Only non-finite entries are refused, since no weights would mean anything.
 */
public final class MinNormSolver {

    /**
     * Default Frank–Wolfe iteration cap. The authors used 250; an iteration here costs O(K), most
     * problems stop after a few dozen, and the cap only bounds the slow linear phase of minima on
     * ill-conditioned faces (measured on random instances: about 1.5 ms per call for K = 40 with
     * the optimality gap below 10⁻⁷ of the trace of G, far less for fewer tasks).
     */
    public static final int MAX_ITERATIONS = 100_000;

    /**
     * Default stopping tolerance: the largest change of a weight in one iteration (the authors
     * stopped at an L1 change of 10⁻⁵).
     */
    public static final double TOLERANCE = 1e-10;

    /** Iterations between full recomputations of Gα (kept up to date in O(K) in between). */
    private static final int REFRESH = 64;

    private MinNormSolver() {}

    /**
     * The min-norm weights with the default iteration cap and tolerance.
     *
     * @param gramian the K×K Gramian of the vectors, K ≥ 1 (symmetric positive semi-definite up to
     *     rounding)
     * @return K weights on the simplex
     * @throws IllegalArgumentException if the matrix is empty, not square or has a non-finite entry
     */
    public static double[] weights(double[][] gramian) {
        return weights(gramian, MAX_ITERATIONS, TOLERANCE);
    }

    /**
     * The min-norm weights.
     *
     * @param gramian the K×K Gramian of the vectors, K ≥ 1 (symmetric positive semi-definite up to
     *     rounding)
     * @param maxIterations the Frank–Wolfe iteration cap, ≥ 0 (K ≥ 3 only)
     * @param tolerance stop when an iteration changes no weight by more than this, ≥ 0
     * @return K weights on the simplex
     * @throws IllegalArgumentException if the matrix is empty, not square or has a non-finite
     *     entry, or an argument is negative
     */
    public static double[] weights(double[][] gramian, int maxIterations, double tolerance) {
        if (maxIterations < 0) {
            throw new IllegalArgumentException("maxIterations must be ≥ 0, got " + maxIterations);
        }
        if (!(tolerance >= 0)) {
            throw new IllegalArgumentException("tolerance must be ≥ 0, got " + tolerance);
        }
        double[][] g = symmetrized(gramian);
        int k = g.length;
        if (k == 1) {
            return new double[] {1};
        }
        double[] alpha = bestPair(g);
        if (k == 2) {
            return alpha;
        }
        double[] product = new double[k];
        double value = multiply(g, alpha, product);
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            // toward: the vertex of least slope; away: the support vertex of greatest slope
            int toward = 0;
            int away = -1;
            for (int i = 0; i < k; i++) {
                if (product[i] < product[toward]) {
                    toward = i;
                }
                if (alpha[i] > 0 && alpha[i] < 1 && (away < 0 || product[i] > product[away])) {
                    away = i;
                }
            }
            double towardGap = value - product[toward];
            double awayGap = away < 0 ? 0 : product[away] - value;
            if (!(towardGap > 0) && !(awayGap > 0)) {
                break; // the optimality conditions hold: no vertex has a smaller slope than α
            }
            double change;
            if (towardGap >= awayGap) {
                // α ← (1 − γ) α + γ e_t, γ by the two-point closed form between Σα_i g_i and g_t
                double gamma = 1 - pair(value, product[toward], g[toward][toward]);
                change = 0;
                for (int i = 0; i < k; i++) {
                    double next = (1 - gamma) * alpha[i] + (i == toward ? gamma : 0);
                    change = Math.max(change, Math.abs(next - alpha[i]));
                    alpha[i] = next;
                    product[i] = (1 - gamma) * product[i] + gamma * g[i][toward];
                }
            } else {
                // α ← (1 + γ) α − γ e_s, 0 ≤ γ ≤ α_s / (1 − α_s) so that α_s stays ≥ 0; along it
                // αᵀGα changes by 2γ·(value − (Gα)_s) + γ²·‖Σα_i g_i − g_s‖²
                double slope = value - product[away];
                double curvature = value - 2 * product[away] + g[away][away];
                double largest = alpha[away] / (1 - alpha[away]);
                double gamma = curvature > 0 ? Math.min(largest, -slope / curvature) : largest;
                change = 0;
                for (int i = 0; i < k; i++) {
                    double next = (1 + gamma) * alpha[i] - (i == away ? gamma : 0);
                    if (i == away && gamma == largest) {
                        next = 0; // the vertex leaves the support exactly
                    }
                    change = Math.max(change, Math.abs(next - alpha[i]));
                    alpha[i] = next;
                    product[i] = (1 + gamma) * product[i] - gamma * g[i][away];
                }
            }
            double sum = normalize(alpha);
            for (int i = 0; i < k; i++) {
                product[i] /= sum;
            }
            if (change <= tolerance) {
                break;
            }
            // Gα is updated in O(K) per iteration, and recomputed now and then against drift
            value = (iteration + 1) % REFRESH == 0 ? multiply(g, alpha, product) : dot(alpha, product);
        }
        return alpha;
    }

    /** A symmetric copy (the mean of the two triangles), after checking shape and finiteness. */
    private static double[][] symmetrized(double[][] gramian) {
        if (gramian == null || gramian.length == 0) {
            throw new IllegalArgumentException("the Gramian is empty: expected a K×K matrix, K ≥ 1");
        }
        int k = gramian.length;
        for (int i = 0; i < k; i++) {
            if (gramian[i] == null || gramian[i].length != k) {
                throw new IllegalArgumentException(
                        "the Gramian is not square: row " + i + " does not have " + k + " entries");
            }
            for (int j = 0; j < k; j++) {
                if (!Double.isFinite(gramian[i][j])) {
                    throw new IllegalArgumentException(
                            "the Gramian has a non-finite entry at ("
                                    + i
                                    + ", "
                                    + j
                                    + "): "
                                    + gramian[i][j]
                                    + "; the gradients overflowed or are NaN");
                }
            }
        }
        double[][] g = new double[k][k];
        for (int i = 0; i < k; i++) {
            g[i][i] = gramian[i][i];
            for (int j = 0; j < i; j++) {
                double v = 0.5 * (gramian[i][j] + gramian[j][i]);
                g[i][j] = v;
                g[j][i] = v;
            }
        }
        return g;
    }

    /** The min-norm point of the best pair, as simplex weights (the first pair wins ties). */
    private static double[] bestPair(double[][] g) {
        int k = g.length;
        double best = Double.POSITIVE_INFINITY;
        int first = 0;
        int second = 1;
        double gamma = 1;
        for (int i = 0; i < k; i++) {
            for (int j = i + 1; j < k; j++) {
                double a = pair(g[i][i], g[i][j], g[j][j]);
                double value =
                        a * a * g[i][i] + 2 * a * (1 - a) * g[i][j] + (1 - a) * (1 - a) * g[j][j];
                if (value < best) {
                    best = value;
                    first = i;
                    second = j;
                    gamma = a;
                }
            }
        }
        double[] alpha = new double[k];
        alpha[first] = gamma;
        alpha[second] += 1 - gamma;
        return alpha;
    }

    /**
     * The γ in [0, 1] minimizing ‖γ a + (1 − γ) b‖², from a·a, a·b and b·b: 1 when a is the
     * segment's closest point to the origin (a·b ≥ a·a, which covers a = 0 and a = b), 0 when b
     * is (a·b ≥ b·b), otherwise the interior point γ = (b·b − a·b)/‖a − b‖², whose denominator
     * (a·a − a·b) + (b·b − a·b) is then positive.
     */
    private static double pair(double aa, double ab, double bb) {
        if (ab >= aa) {
            return 1;
        }
        if (ab >= bb) {
            return 0;
        }
        return (bb - ab) / ((aa - ab) + (bb - ab));
    }

    /** Writes Gα into {@code out} and returns αᵀGα. */
    private static double multiply(double[][] g, double[] alpha, double[] out) {
        double value = 0;
        for (int i = 0; i < alpha.length; i++) {
            double s = 0;
            for (int j = 0; j < alpha.length; j++) {
                s += g[i][j] * alpha[j];
            }
            out[i] = s;
            value += alpha[i] * s;
        }
        return value;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /**
     * Clears rounding below zero and rescales to sum 1, so the weights stay on the simplex.
     *
     * @return the sum the weights were divided by
     */
    private static double normalize(double[] alpha) {
        double sum = 0;
        for (int i = 0; i < alpha.length; i++) {
            alpha[i] = Math.max(0, alpha[i]);
            sum += alpha[i];
        }
        for (int i = 0; i < alpha.length; i++) {
            alpha[i] /= sum;
        }
        return sum;
    }
}
