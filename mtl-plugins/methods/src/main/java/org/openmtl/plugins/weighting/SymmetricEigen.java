package org.openmtl.plugins.weighting;

import java.util.Arrays;
import java.util.Comparator;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * The eigendecomposition A = V Λ Vᵀ of a small symmetric matrix (EJML's symmetric QR algorithm),
 * eigenvalues in descending order, with the rank and pseudo-inverse the Gramian weightings need.
 */
final class SymmetricEigen {

    private final double[] values;
    private final double[][] vectors;

    private SymmetricEigen(double[] values, double[][] vectors) {
        this.values = values;
        this.vectors = vectors;
    }

    /**
     * Decomposes a symmetric matrix.
     *
     * @param a a K×K symmetric matrix (not modified)
     * @return its decomposition
     * @throws IllegalStateException if EJML's algorithm does not converge
     */
    static SymmetricEigen of(double[][] a) {
        int k = a.length;
        DMatrixRMaj matrix = new DMatrixRMaj(a);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(k, true, true);
        if (!eig.decompose(matrix)) {
            throw new IllegalStateException(
                    "the eigendecomposition of the " + k + "×" + k + " Gramian did not converge");
        }
        Integer[] order = new Integer[k];
        for (int i = 0; i < k; i++) {
            order[i] = i;
        }
        Arrays.sort(
                order,
                Comparator.comparingDouble((Integer i) -> eig.getEigenvalue(i).real).reversed());
        double[] values = new double[k];
        double[][] vectors = new double[k][];
        for (int r = 0; r < k; r++) {
            values[r] = eig.getEigenvalue(order[r]).real;
            DMatrixRMaj v = eig.getEigenVector(order[r]);
            vectors[r] = new double[k];
            double norm = 0;
            for (int i = 0; i < k; i++) {
                vectors[r][i] = v.get(i, 0);
                norm += vectors[r][i] * vectors[r][i];
            }
            // EJML's symmetric algorithm returns orthonormal vectors; normalize against drift
            norm = Math.sqrt(norm);
            for (int i = 0; i < k; i++) {
                vectors[r][i] /= norm;
            }
        }
        return new SymmetricEigen(values, vectors);
    }

    /**
     * The eigenvalues, largest first.
     *
     * @return a copy
     */
    double[] values() {
        return values.clone();
    }

    /**
     * One unit eigenvector.
     *
     * @param r its rank in the descending order of eigenvalues
     * @return a copy of v_r
     */
    double[] vector(int r) {
        return vectors[r].clone();
    }

    /**
     * The numerical rank: the number of eigenvalues above {@code relativeTolerance · K · λ_max}
     * (none when λ_max ≤ 0).
     *
     * @param relativeTolerance the tolerance, e.g. {@link StepGramian#FLOAT_EPSILON}
     * @return the rank
     */
    int rank(double relativeTolerance) {
        double largest = values.length == 0 ? 0 : values[0];
        if (!(largest > 0)) {
            return 0;
        }
        double threshold = largest * values.length * relativeTolerance;
        int rank = 0;
        while (rank < values.length && values[rank] > threshold) {
            rank++;
        }
        return rank;
    }

    /**
     * The minimum-norm least-squares solution x = A⁺b, eigenvalues at or below the {@link
     * #rank(double)} threshold treated as zero.
     *
     * @param b the right-hand side
     * @param relativeTolerance the rank tolerance
     * @return x
     */
    double[] pseudoInverseTimes(double[] b, double relativeTolerance) {
        int k = b.length;
        double[] x = new double[k];
        int rank = rank(relativeTolerance);
        for (int r = 0; r < rank; r++) {
            double[] v = vectors[r];
            double c = 0;
            for (int i = 0; i < k; i++) {
                c += v[i] * b[i];
            }
            c /= values[r];
            for (int i = 0; i < k; i++) {
                x[i] += c * v[i];
            }
        }
        return x;
    }
}
