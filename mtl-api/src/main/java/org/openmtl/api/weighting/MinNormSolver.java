package org.openmtl.api.weighting;

/**
 * The min-norm point of the convex hull of K vectors, from their K×K Gramian only: simplex weights
 * α minimizing αᵀGα (Sener &amp; Koltun, "Multi-Task Learning as Multi-Objective Optimization",
 * NeurIPS 2018). Exact for K ≤ 2; Frank–Wolfe with exact line search for K ≥ 3, started from the
 * best pair. The norm √(αᵀGα) is zero exactly at a Pareto-stationary point.
 */
public final class MinNormSolver {

    /** Default iteration cap of Frank–Wolfe. */
    public static final int MAX_ITERATIONS = 250;

    /** Default stopping tolerance on the change of the weights. */
    public static final double TOLERANCE = 1e-6;

    private MinNormSolver() {}

    /**
     * The min-norm weights with the default iteration cap and tolerance.
     *
     * @param gramian a symmetric positive semi-definite K×K matrix, K ≥ 1
     * @return weights on the simplex
     */
    public static double[] weights(double[][] gramian) {
        return weights(gramian, MAX_ITERATIONS, TOLERANCE);
    }

    /**
     * The min-norm weights.
     *
     * @param gramian a symmetric positive semi-definite K×K matrix, K ≥ 1
     * @param maxIterations the Frank–Wolfe iteration cap
     * @param tolerance stop when the weights change by less than this (max norm)
     * @return weights on the simplex
     */
    public static double[] weights(double[][] gramian, int maxIterations, double tolerance) {
        int k = gramian.length;
        if (k == 0) {
            throw new IllegalArgumentException("the Gramian is empty");
        }
        for (double[] row : gramian) {
            if (row.length != k) {
                throw new IllegalArgumentException("the Gramian is not square");
            }
        }
        if (k == 1) {
            return new double[] {1};
        }
        // best pair: the smallest two-vector min-norm point
        double best = Double.POSITIVE_INFINITY;
        double[] alpha = new double[k];
        for (int i = 0; i < k; i++) {
            for (int j = i + 1; j < k; j++) {
                double gamma = pair(gramian[i][i], gramian[i][j], gramian[j][j]);
                double value = gamma * gamma * gramian[i][i] + 2 * gamma * (1 - gamma) * gramian[i][j]
                        + (1 - gamma) * (1 - gamma) * gramian[j][j];
                if (value < best) {
                    best = value;
                    java.util.Arrays.fill(alpha, 0);
                    alpha[i] = gamma;
                    alpha[j] = 1 - gamma;
                }
            }
        }
        if (k == 2) {
            return alpha;
        }
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            double[] g = new double[k];
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    g[i] += gramian[i][j] * alpha[j];
                }
            }
            int t = 0;
            for (int i = 1; i < k; i++) {
                if (g[i] < g[t]) {
                    t = i;
                }
            }
            // line search between the current point u = Mᵀα and the vertex v = g_t
            double uu = 0;
            for (int i = 0; i < k; i++) {
                uu += alpha[i] * g[i];
            }
            double uv = g[t];
            double vv = gramian[t][t];
            double gamma = pair(vv, uv, uu);
            double change = 0;
            for (int i = 0; i < k; i++) {
                double next = (1 - gamma) * alpha[i] + (i == t ? gamma : 0);
                change = Math.max(change, Math.abs(next - alpha[i]));
                alpha[i] = next;
            }
            if (change < tolerance) {
                break;
            }
        }
        return alpha;
    }

    /**
     * The γ in [0, 1] minimizing ‖γ a + (1 − γ) b‖² given a·a, a·b and b·b.
     */
    private static double pair(double aa, double ab, double bb) {
        double denominator = aa - 2 * ab + bb;
        if (!(denominator > 1e-20)) {
            return aa <= bb ? 1 : 0;
        }
        double gamma = (bb - ab) / denominator;
        return Math.min(1, Math.max(0, gamma));
    }
}
