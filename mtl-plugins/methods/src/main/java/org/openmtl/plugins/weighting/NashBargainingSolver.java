package org.openmtl.plugins.weighting;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

/**
 * Solves the Nash bargaining condition A β = 1/β (elementwise), β &gt; 0, for a symmetric positive
 * definite K×K matrix A.
 *
 * <p>The condition is the stationarity of the strictly convex function φ(β) = ½ βᵀAβ − Σ_i
 * log β_i on the positive orthant (∇φ = Aβ − 1/β, ∇²φ = A + diag(1/β²) ≻ 0), so its solution is
 * unique and is φ's minimizer. φ is self-concordant (a convex quadratic plus logarithmic
 * barriers), so Newton's method with a backtracking line search converges from any positive start,
 * quadratically near the solution. Each Newton step solves one K×K positive definite system
 * (Cholesky). Steps are limited to keep β strictly positive; once the Newton decrement λ² =
 * ∇φᵀ(∇²φ)⁻¹∇φ is below 1/16 the full step is taken (it stays inside the Dikin ellipsoid, hence
 * positive), which also avoids comparing values of φ that agree to machine precision.
 *
 * <p>Used by {@link NashMtlWeighting} in place of the authors' sequence of convex programs solved
 * with cvxpy (Navon et al., <i>Multi-Task Learning as a Bargaining Game</i>, ICML 2022), which
 * approximate the same fixed point.
 */
final class NashBargainingSolver {

    /** Newton decrement below which β is taken as the solution (φ within 1e-14 of its minimum). */
    private static final double DECREMENT_TOLERANCE = 1e-14;

    /** Armijo sufficient-decrease fraction of the line search. */
    private static final double ARMIJO = 0.25;

    /** Fraction of the distance to the orthant's boundary a step may go. */
    private static final double TO_BOUNDARY = 0.99;

    /**
     * The outcome of a solve.
     *
     * @param beta the last iterate, strictly positive
     * @param iterations the Newton steps taken
     * @param converged whether the Newton decrement fell below the tolerance
     */
    record Solution(double[] beta, int iterations, boolean converged) {}

    private NashBargainingSolver() {}

    /**
     * Solves A β = 1/β.
     *
     * @param a a symmetric positive definite K×K matrix (not modified)
     * @param maxIterations the most Newton steps to take
     * @return the solution, or the best iterate found within {@code maxIterations}
     */
    static Solution solve(double[][] a, int maxIterations) {
        int k = a.length;
        // start on the ray through (1, …, 1) at the point that minimizes φ along it: c² = K / 1ᵀA1;
        // exact when A = I (orthogonal unit gradients)
        double sum = 0;
        for (double[] row : a) {
            for (double v : row) {
                sum += v;
            }
        }
        double start = sum > 0 ? Math.sqrt(k / sum) : 1.0;
        double[] beta = new double[k];
        Arrays.fill(beta, start);
        DMatrixRMaj hessian = new DMatrixRMaj(k, k);
        DMatrixRMaj rightSide = new DMatrixRMaj(k, 1);
        DMatrixRMaj step = new DMatrixRMaj(k, 1);
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            double[] ab = times(a, beta);
            double[] descent = new double[k];
            for (int i = 0; i < k; i++) {
                descent[i] = 1.0 / beta[i] - ab[i];
                rightSide.set(i, 0, descent[i]);
                for (int j = 0; j < k; j++) {
                    hessian.set(i, j, a[i][j]);
                }
                hessian.add(i, i, 1.0 / (beta[i] * beta[i]));
            }
            if (!CommonOps_DDRM.solveSPD(hessian, rightSide, step)) {
                return new Solution(beta, iteration, false);
            }
            double decrement = 0;
            for (int i = 0; i < k; i++) {
                decrement += descent[i] * step.get(i, 0);
            }
            if (!(decrement >= 0) || !Double.isFinite(decrement)) {
                return new Solution(beta, iteration, false);
            }
            double t = 1.0;
            for (int i = 0; i < k; i++) {
                double d = step.get(i, 0);
                if (d < 0) {
                    t = Math.min(t, TO_BOUNDARY * beta[i] / -d);
                }
            }
            if (decrement >= 1.0 / 16) {
                double current = objective(a, beta);
                while (objective(a, moved(beta, step, t)) > current - ARMIJO * t * decrement) {
                    t *= 0.5;
                    if (t < 1e-12) {
                        return new Solution(beta, iteration, false);
                    }
                }
            }
            beta = moved(beta, step, t);
            if (decrement <= DECREMENT_TOLERANCE) {
                return new Solution(beta, iteration + 1, true);
            }
        }
        return new Solution(beta, maxIterations, false);
    }

    private static double[] moved(double[] beta, DMatrixRMaj step, double t) {
        double[] next = new double[beta.length];
        for (int i = 0; i < next.length; i++) {
            next[i] = beta[i] + t * step.get(i, 0);
        }
        return next;
    }

    private static double objective(double[][] a, double[] beta) {
        double[] ab = times(a, beta);
        double value = 0;
        for (int i = 0; i < beta.length; i++) {
            if (!(beta[i] > 0)) {
                return Double.POSITIVE_INFINITY;
            }
            value += 0.5 * beta[i] * ab[i] - Math.log(beta[i]);
        }
        return value;
    }

    private static double[] times(double[][] a, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double s = 0;
            for (int j = 0; j < x.length; j++) {
                s += a[i][j] * x[j];
            }
            y[i] = s;
        }
        return y;
    }
}
