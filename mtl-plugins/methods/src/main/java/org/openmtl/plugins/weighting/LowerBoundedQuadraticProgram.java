package org.openmtl.plugins.weighting;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Solves the small quadratic program min_x ½ xᵀQx subject to x ≥ l (componentwise), Q a symmetric
 * positive definite K×K matrix, exactly (up to rounding) in finitely many steps.
 *
 * <p>With x = l + y it is min_y ½ yᵀQy + (Ql)ᵀy subject to y ≥ 0, solved by a primal active-set
 * method in the manner of Lawson &amp; Hanson's non-negative least squares (<i>Solving Least
 * Squares Problems</i>, 1974, ch. 23): y starts at 0 with every bound active; the bound whose
 * multiplier (Qx)_j is most negative is freed; the problem restricted to the free variables is
 * solved by a Cholesky factorization; if that solution leaves the feasible set, the step stops at
 * the first bound it meets and that variable is fixed again. The objective decreases strictly
 * between distinct free sets, so no set repeats and the method ends; at the end the KKT conditions
 * hold: x ≥ l, multipliers μ = Qx ≥ 0, and μ_j (x_j − l_j) = 0.
 *
 * <p>A singular restricted system (Q only positive semidefinite) is solved in the least-squares
 * sense; callers add a small ridge to Q to make the solution unique.
 */
final class LowerBoundedQuadraticProgram {

    /** Relative size under which a multiplier counts as non-negative, a variable as at its bound. */
    private static final double TOLERANCE = 1e-12;

    /**
     * A solution.
     *
     * @param x the minimizer, x ≥ l
     * @param multipliers μ = Qx, the Lagrange multipliers of the bounds (≥ 0, zero where x_j &gt;
     *     l_j)
     * @param freed how many times a bound was released
     */
    record Solution(double[] x, double[] multipliers, int freed) {}

    private LowerBoundedQuadraticProgram() {}

    /**
     * Minimizes ½ xᵀQx subject to x ≥ l.
     *
     * @param q a symmetric positive definite K×K matrix (not modified)
     * @param lower the lower bounds l
     * @return the solution
     */
    static Solution minimize(double[][] q, double[] lower) {
        int k = lower.length;
        double scale = 0;
        for (int i = 0; i < k; i++) {
            scale = Math.max(scale, Math.abs(q[i][i]));
        }
        if (!(scale > 0)) {
            // Q = 0: every feasible point is optimal; the bound itself is the smallest
            return new Solution(lower.clone(), new double[k], 0);
        }
        double[] c = times(q, lower);
        double[] y = new double[k];
        boolean[] free = new boolean[k];
        int freed = 0;
        // each release strictly lowers the objective, so at most 2^K releases; in practice about K
        int maxReleases = 10 * k + 10;
        while (freed < maxReleases) {
            double[] gradient = plus(times(q, y), c);
            double threshold = -TOLERANCE * scale * Math.max(1.0, maxAbs(plus(y, lower)));
            int entering = -1;
            double mostNegative = threshold;
            for (int j = 0; j < k; j++) {
                if (!free[j] && gradient[j] < mostNegative) {
                    mostNegative = gradient[j];
                    entering = j;
                }
            }
            if (entering < 0) {
                break;
            }
            free[entering] = true;
            freed++;
            double[] before = y.clone();
            for (int inner = 0; inner <= k; inner++) {
                double[] z = solveFree(q, c, free);
                boolean feasible = true;
                for (int i = 0; i < k; i++) {
                    if (free[i] && !(z[i] > 0)) {
                        feasible = false;
                        break;
                    }
                }
                if (feasible) {
                    y = z;
                    break;
                }
                // move from y towards z until the first free variable reaches its bound
                double step = 1.0;
                for (int i = 0; i < k; i++) {
                    if (free[i] && !(z[i] > 0)) {
                        double denominator = y[i] - z[i];
                        step = Math.min(step, denominator > 0 ? y[i] / denominator : 0.0);
                    }
                }
                step = Math.max(0.0, step);
                for (int i = 0; i < k; i++) {
                    if (free[i]) {
                        y[i] += step * (z[i] - y[i]);
                    }
                }
                double atBound = TOLERANCE * Math.max(1.0, maxAbs(y));
                for (int i = 0; i < k; i++) {
                    if (free[i] && y[i] <= atBound) {
                        free[i] = false;
                        y[i] = 0.0;
                    }
                }
            }
            if (Arrays.equals(y, before)) {
                // rounding: the released variable could not move; y is optimal to working precision
                break;
            }
        }
        double[] x = plus(y, lower);
        return new Solution(x, times(q, x), freed);
    }

    /** Solves Q_FF z_F = −c_F with z = 0 off the free set F. */
    private static double[] solveFree(double[][] q, double[] c, boolean[] free) {
        int k = c.length;
        int n = 0;
        int[] index = new int[k];
        for (int i = 0; i < k; i++) {
            if (free[i]) {
                index[n++] = i;
            }
        }
        DMatrixRMaj a = new DMatrixRMaj(n, n);
        DMatrixRMaj b = new DMatrixRMaj(n, 1);
        for (int r = 0; r < n; r++) {
            b.set(r, 0, -c[index[r]]);
            for (int s = 0; s < n; s++) {
                a.set(r, s, q[index[r]][index[s]]);
            }
        }
        DMatrixRMaj solution = new DMatrixRMaj(n, 1);
        if (!CommonOps_DDRM.solveSPD(a.copy(), b.copy(), solution) || !finite(solution)) {
            DMatrixRMaj inverse = new DMatrixRMaj(n, n);
            CommonOps_DDRM.pinv(a, inverse);
            CommonOps_DDRM.mult(inverse, b, solution);
        }
        double[] z = new double[k];
        for (int r = 0; r < n; r++) {
            z[index[r]] = solution.get(r, 0);
        }
        return z;
    }

    private static boolean finite(DMatrixRMaj m) {
        for (int i = 0; i < m.getNumElements(); i++) {
            if (!Double.isFinite(m.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static double[] times(double[][] q, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double s = 0;
            for (int j = 0; j < x.length; j++) {
                s += q[i][j] * x[j];
            }
            y[i] = s;
        }
        return y;
    }

    private static double[] plus(double[] a, double[] b) {
        double[] s = new double[a.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = a[i] + b[i];
        }
        return s;
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
