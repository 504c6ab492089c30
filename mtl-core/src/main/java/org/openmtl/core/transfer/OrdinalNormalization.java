package org.openmtl.core.transfer;

/**
 * Taskonomy's ordinal normalization of transfer results by the Analytic Hierarchy Process (Zamir
 * et al., CVPR 2018, section 3.3). For one target task and n sources, {@code w[i][j]} is the
 * fraction of test examples on which the readout from source i has a lower loss than the readout
 * from source j (a tie counts half to each, so {@code w[i][j] + w[j][i] = 1}); the fractions are
 * clipped to [0.001, 0.999] as in the paper; the tournament matrix is {@code W'[i][j] = w[i][j] /
 * w[j][i]}; the sources' transfer affinities onto the target are the principal (Perron) eigenvector
 * of W', scaled here to sum to 1. The scale is a free choice of this implementation: it changes no
 * ranking and no rank correlation.
 */
public final class OrdinalNormalization {

    /** The paper's clipping of the win fractions. */
    static final double CLIP = 0.001;

    private static final int MAX_ITERATIONS = 10_000;
    private static final double TOLERANCE = 1e-13;

    private OrdinalNormalization() {}

    /**
     * The pairwise win fractions of sources over the examples.
     *
     * @param losses per source, its readout's loss on each test example (every row the same length)
     * @return {@code w[i][j]}: the fraction of examples where source i's loss is lower than source
     *     j's, ties counting half; 0.5 on the diagonal
     * @throws IllegalArgumentException if the rows differ in length or are empty
     */
    public static double[][] winRates(double[][] losses) {
        int n = losses.length;
        int examples = n == 0 ? 0 : losses[0].length;
        for (double[] row : losses) {
            if (row.length != examples || examples == 0) {
                throw new IllegalArgumentException("every source needs a loss on the same, non-empty set of test examples");
            }
        }
        double[][] w = new double[n][n];
        for (int i = 0; i < n; i++) {
            w[i][i] = 0.5;
            for (int j = i + 1; j < n; j++) {
                double wins = 0;
                for (int x = 0; x < examples; x++) {
                    double a = losses[i][x];
                    double b = losses[j][x];
                    wins += a < b ? 1 : a == b ? 0.5 : 0;
                }
                w[i][j] = wins / examples;
                w[j][i] = 1 - w[i][j];
            }
        }
        return w;
    }

    /**
     * The tournament matrix of clipped win fractions: {@code W'[i][j] = clip(w[i][j]) / clip(w[j][i])}.
     *
     * @param wins the win fractions
     * @return the positive reciprocal matrix
     */
    public static double[][] tournament(double[][] wins) {
        int n = wins.length;
        double[][] t = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                t[i][j] = clip(wins[i][j]) / clip(wins[j][i]);
            }
        }
        return t;
    }

    /**
     * The principal eigenvector of a positive matrix by power iteration, scaled to sum to 1. A
     * positive matrix has a simple largest eigenvalue whose eigenvector is positive (Perron), so
     * the iteration converges from the uniform vector.
     *
     * @param matrix a square matrix with positive entries
     * @return the eigenvector, every entry positive, summing to 1
     */
    public static double[] principalEigenvector(double[][] matrix) {
        int n = matrix.length;
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1.0 / n);
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double[] next = new double[n];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    next[i] += matrix[i][j] * v[j];
                }
                sum += next[i];
            }
            double change = 0;
            for (int i = 0; i < n; i++) {
                next[i] /= sum;
                change = Math.max(change, Math.abs(next[i] - v[i]));
            }
            v = next;
            if (change < TOLERANCE) {
                break;
            }
        }
        return v;
    }

    /**
     * The normalized transfer affinities of the sources onto one target.
     *
     * @param losses per source, its readout's per-example test losses on the target
     * @return one affinity per source, positive, summing to 1
     */
    public static double[] affinities(double[][] losses) {
        return principalEigenvector(tournament(winRates(losses)));
    }

    private static double clip(double w) {
        return Math.min(1 - CLIP, Math.max(CLIP, w));
    }
}
