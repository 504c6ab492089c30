package org.openmtl.plugins.weighting;

import java.util.Arrays;

/**
 * The inner problem of CAGrad (Liu, Liu, Jin, Stone &amp; Liu, <i>Conflict-Averse Gradient Descent
 * for Multi-task Learning</i>, NeurIPS 2021) on the heap:
 *
 * <pre>
 *     min over w in the simplex of   F(w) = wᵀq + r·√(wᵀAw),
 * </pre>
 *
 * with A the (scaled) Gramian, q = A·b for the weights b of the average gradient, and r = √φ ≥ 0. F
 * is convex (a linear term plus r times the norm ‖g_w‖ of g_w = Σ w_i g_i) and positively
 * homogeneous of degree 1.
 *
 * <p>Solved by projected gradient descent with a backtracking (Armijo-type) step: the step size
 * doubles before each iteration and halves until the quadratic upper bound holds, so it follows the
 * local curvature, which grows like r·λ_max(A)/‖g_w‖ where ‖g_w‖ gets small. The projection onto
 * the simplex is the exact sort-based one. The descent starts at the best of the centre of the
 * simplex and its vertices, and stops when an accepted step moves no weight by more than {@link
 * #TOLERANCE} or after {@link #MAX_ITERATIONS} steps. Where ‖g_w‖ = 0 exactly, F has no gradient
 * and q (the gradient of the linear part, a subgradient of F there) is used.
 */
final class ConflictAverseSolver {

    /** The iteration cap of the descent. */
    static final int MAX_ITERATIONS = 20_000;

    /** Stop when an accepted step moves every weight by less than this. */
    static final double TOLERANCE = 1e-13;

    /** Give up the backtracking below this step size (no descent is left to find). */
    private static final double SMALLEST_STEP = 1e-40;

    private ConflictAverseSolver() {}

    /**
     * Minimizes F over the simplex.
     *
     * @param a a symmetric positive semi-definite K×K matrix
     * @param q the linear term, K entries
     * @param r the weight of the norm term, ≥ 0
     * @return the minimizing weights, on the simplex
     */
    static double[] minimize(double[][] a, double[] q, double r) {
        int k = q.length;
        double[] w = start(a, q, r);
        if (k == 1) {
            return w;
        }
        double trace = 0;
        for (int i = 0; i < k; i++) {
            trace += a[i][i];
        }
        // the linear part has no curvature; the norm part's curvature is of order r·λ_max/‖g_w‖
        double step = 1.0 / (1.0 + trace + r * Math.sqrt(trace));
        double[] gradient = new double[k];
        double[] trial = new double[k];
        double[] shifted = new double[k];
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double value = gradient(a, q, r, w, gradient);
            step *= 2;
            double moved;
            double trialValue;
            while (true) {
                for (int i = 0; i < k; i++) {
                    shifted[i] = w[i] - step * gradient[i];
                }
                projectOntoSimplex(shifted, trial);
                double linear = 0;
                double squared = 0;
                moved = 0;
                for (int i = 0; i < k; i++) {
                    double d = trial[i] - w[i];
                    linear += gradient[i] * d;
                    squared += d * d;
                    moved = Math.max(moved, Math.abs(d));
                }
                trialValue = objective(a, q, r, trial);
                // the bound, with room for the rounding of values of the size of F's terms
                double slack = 1e-15 * (Math.abs(value) + Math.abs(linear));
                if (trialValue <= value + linear + squared / (2 * step) + slack) {
                    break;
                }
                step /= 2;
                if (step < SMALLEST_STEP) {
                    return w;
                }
            }
            System.arraycopy(trial, 0, w, 0, k);
            if (moved < TOLERANCE) {
                break;
            }
        }
        return w;
    }

    /**
     * F(w) = wᵀq + r·√(wᵀAw).
     *
     * @param a the matrix
     * @param q the linear term
     * @param r the weight of the norm
     * @param w the weights
     * @return F(w)
     */
    static double objective(double[][] a, double[] q, double r, double[] w) {
        double linear = 0;
        double quadratic = 0;
        for (int i = 0; i < w.length; i++) {
            linear += w[i] * q[i];
            double row = 0;
            for (int j = 0; j < w.length; j++) {
                row += a[i][j] * w[j];
            }
            quadratic += w[i] * row;
        }
        return linear + r * Math.sqrt(Math.max(0.0, quadratic));
    }

    /** Writes ∇F(w) = q + r·Aw/√(wᵀAw) (q where the norm vanishes) and returns F(w). */
    private static double gradient(double[][] a, double[] q, double r, double[] w, double[] out) {
        int k = w.length;
        double[] aw = new double[k];
        double linear = 0;
        double quadratic = 0;
        for (int i = 0; i < k; i++) {
            double row = 0;
            for (int j = 0; j < k; j++) {
                row += a[i][j] * w[j];
            }
            aw[i] = row;
            linear += w[i] * q[i];
            quadratic += w[i] * row;
        }
        double norm = Math.sqrt(Math.max(0.0, quadratic));
        for (int i = 0; i < k; i++) {
            out[i] = norm > 0 ? q[i] + r * aw[i] / norm : q[i];
        }
        return linear + r * norm;
    }

    /** The best of the simplex's centre and vertices. */
    private static double[] start(double[][] a, double[] q, double r) {
        int k = q.length;
        double[] best = new double[k];
        Arrays.fill(best, 1.0 / k);
        double bestValue = objective(a, q, r, best);
        double[] vertex = new double[k];
        for (int i = 0; i < k; i++) {
            Arrays.fill(vertex, 0.0);
            vertex[i] = 1.0;
            double value = objective(a, q, r, vertex);
            if (value < bestValue) {
                bestValue = value;
                best = vertex.clone();
            }
        }
        return best;
    }

    /**
     * The Euclidean projection onto the simplex {w ≥ 0, Σ w = 1}: w = max(v − θ, 0) with θ found
     * from the sorted entries (Held, Wolfe &amp; Crowder 1974; Duchi et al. 2008).
     *
     * @param v the point
     * @param out where the projection is written
     */
    static void projectOntoSimplex(double[] v, double[] out) {
        int k = v.length;
        double[] sorted = v.clone();
        Arrays.sort(sorted);
        double cumulative = 0;
        double theta = 0;
        for (int n = 1; n <= k; n++) {
            double u = sorted[k - n];
            cumulative += u;
            double candidate = (cumulative - 1.0) / n;
            if (u - candidate > 0) {
                theta = candidate;
            }
        }
        double sum = 0;
        for (int i = 0; i < k; i++) {
            out[i] = Math.max(0.0, v[i] - theta);
            sum += out[i];
        }
        // remove the rounding of θ so the weights sum to 1 to the last bit that matters
        for (int i = 0; i < k; i++) {
            out[i] /= sum;
        }
    }
}
