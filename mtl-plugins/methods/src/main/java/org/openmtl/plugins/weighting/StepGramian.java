package org.openmtl.plugins.weighting;

import java.util.Arrays;

/**
 * The K×K Gramian G_ij = g_i·g_j of one step's task gradients, checked and made exactly symmetric,
 * with the quantities the Gramian weightings ({@code nash-mtl}, {@code imtl}, {@code aligned-mtl},
 * {@code upgrad}) derive from it. The trainer computes the Gramian in single precision, so its two
 * triangles may differ in the last bits; the average of the two is used.
 */
final class StepGramian {

    /**
     * A task whose squared gradient norm is at most this fraction of the largest one counts as
     * having no gradient this step (its norm is a millionth of the largest, or less): methods that
     * need unit gradients u_i = g_i/‖g_i‖ leave it out rather than divide by almost zero.
     */
    static final double VANISHING = 1e-12;

    /**
     * Relative threshold under which an eigenvalue of a Gramian counts as zero: single-precision
     * machine epsilon, scaled by K and the largest eigenvalue where it is used, as the
     * Aligned-MTL reference code does for Gramians computed in single precision.
     */
    static final double FLOAT_EPSILON = Math.ulp(1.0f);

    private final double[][] entries;

    private StepGramian(double[][] entries) {
        this.entries = entries;
    }

    /**
     * Checks a step's Gramian and symmetrizes a copy of it.
     *
     * @param gramian the K×K Gramian as the trainer gives it
     * @param tasks K, the number of tasks of the step
     * @return the Gramian
     * @throws IllegalArgumentException if it is not K×K or not finite
     */
    static StepGramian of(double[][] gramian, int tasks) {
        if (gramian == null || gramian.length != tasks) {
            throw new IllegalArgumentException(
                    "expected the "
                            + tasks
                            + "×"
                            + tasks
                            + " Gramian of the step's task gradients, got "
                            + (gramian == null ? "none" : gramian.length + " rows"));
        }
        double[][] entries = new double[tasks][tasks];
        for (int i = 0; i < tasks; i++) {
            if (gramian[i] == null || gramian[i].length != tasks) {
                throw new IllegalArgumentException(
                        "row " + i + " of the Gramian does not have " + tasks + " entries");
            }
            for (int j = 0; j < tasks; j++) {
                double v = gramian[i][j];
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(
                            "the Gramian of the task gradients has a non-finite entry ("
                                    + i
                                    + ", "
                                    + j
                                    + "): the gradients overflowed or are NaN");
                }
            }
        }
        for (int i = 0; i < tasks; i++) {
            entries[i][i] = Math.max(0.0, gramian[i][i]);
            for (int j = 0; j < i; j++) {
                double v = 0.5 * (gramian[i][j] + gramian[j][i]);
                entries[i][j] = v;
                entries[j][i] = v;
            }
        }
        return new StepGramian(entries);
    }

    /**
     * The number of tasks K.
     *
     * @return K
     */
    int size() {
        return entries.length;
    }

    /**
     * One entry g_i·g_j.
     *
     * @param i a row
     * @param j a column
     * @return the entry
     */
    double get(int i, int j) {
        return entries[i][j];
    }

    /**
     * A copy of the entries.
     *
     * @return a new K×K array
     */
    double[][] toArray() {
        double[][] copy = new double[entries.length][];
        for (int i = 0; i < entries.length; i++) {
            copy[i] = entries[i].clone();
        }
        return copy;
    }

    /**
     * The trace Σ ‖g_i‖², the squared Frobenius norm of the gradient matrix.
     *
     * @return the trace
     */
    double trace() {
        double t = 0;
        for (int i = 0; i < entries.length; i++) {
            t += entries[i][i];
        }
        return t;
    }

    /**
     * The Frobenius norm of the Gramian itself.
     *
     * @return sqrt(Σ G_ij²)
     */
    double frobeniusNorm() {
        double s = 0;
        for (double[] row : entries) {
            for (double v : row) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }

    /**
     * The gradient norms ‖g_i‖.
     *
     * @return one norm per task
     */
    double[] norms() {
        double[] n = new double[entries.length];
        for (int i = 0; i < n.length; i++) {
            n[i] = Math.sqrt(entries[i][i]);
        }
        return n;
    }

    /**
     * The tasks whose gradient is not negligible (see {@link #VANISHING}).
     *
     * @return their positions, ascending; empty when every gradient is zero
     */
    int[] nonVanishing() {
        double largest = 0;
        for (int i = 0; i < entries.length; i++) {
            largest = Math.max(largest, entries[i][i]);
        }
        int[] kept = new int[entries.length];
        int count = 0;
        for (int i = 0; i < entries.length; i++) {
            if (largest > 0 && entries[i][i] > VANISHING * largest) {
                kept[count++] = i;
            }
        }
        return Arrays.copyOf(kept, count);
    }

    /**
     * The Gramian of some of the tasks.
     *
     * @param tasks positions, in the order wanted
     * @return their Gramian
     */
    StepGramian restrict(int[] tasks) {
        double[][] sub = new double[tasks.length][tasks.length];
        for (int a = 0; a < tasks.length; a++) {
            for (int b = 0; b < tasks.length; b++) {
                sub[a][b] = entries[tasks[a]][tasks[b]];
            }
        }
        return new StepGramian(sub);
    }

    /**
     * The Gramian of the unit gradients, C_ij = u_i·u_j = G_ij/(‖g_i‖‖g_j‖): unit diagonal,
     * independent of the scale of each task's loss.
     *
     * @return C
     * @throws IllegalStateException if a gradient is zero (restrict to {@link #nonVanishing()})
     */
    double[][] correlation() {
        double[] n = norms();
        int k = n.length;
        double[][] c = new double[k][k];
        for (int i = 0; i < k; i++) {
            if (!(n[i] > 0)) {
                throw new IllegalStateException("task " + i + " has a zero gradient");
            }
        }
        for (int i = 0; i < k; i++) {
            c[i][i] = 1.0;
            for (int j = 0; j < i; j++) {
                // |u_i·u_j| ≤ 1 exactly; rounding in the single-precision Gramian can exceed it
                double v = Math.max(-1.0, Math.min(1.0, entries[i][j] / (n[i] * n[j])));
                c[i][j] = v;
                c[j][i] = v;
            }
        }
        return c;
    }
}
