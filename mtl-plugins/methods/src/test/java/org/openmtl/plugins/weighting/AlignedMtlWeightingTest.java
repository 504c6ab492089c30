package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class AlignedMtlWeightingTest {

    private static GradientWeighting initialized(NDManager manager, int k, String... settings) {
        GradientWeighting weighting =
                (GradientWeighting) TestPlugins.create(new AlignedMtlWeightingFactory(), settings);
        weighting.initialize(GramianTesting.context(manager, GramianTesting.tasks(k)));
        return weighting;
    }

    /** Singular values of a matrix given by rows, descending (by SVD, not the code's path). */
    private static double[] singularValues(double[][] rows) {
        DMatrixRMaj m = new DMatrixRMaj(rows);
        SingularValueDecomposition_F64<DMatrixRMaj> svd =
                DecompositionFactory_DDRM.svd(m.numRows, m.numCols, false, false, true);
        assertTrue(svd.decompose(m));
        double[] s = svd.getSingularValues().clone();
        Arrays.sort(s);
        double[] descending = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            descending[i] = s[s.length - 1 - i];
        }
        return descending;
    }

    @Test
    void orthogonalGradientsOfDifferentNormsGetEqualComponentsAlongEachGradient() {
        Random random = new Random(9);
        double[] norms = {0.5, 2.0, 8.0, 30.0};
        double[][] g = GramianTesting.orthogonalVectors(random, 7, norms);
        try (NDManager manager = ContractTensors.newManager()) {
            double[] alpha =
                    GramianTesting.combine(
                            initialized(manager, 4), manager, GramianTesting.tasks(4), g, 0);
            // B = √λ_min · V Λ^{-1/2} Vᵀ with Λ = diag(n_i²): α_i = n_min / n_i
            for (int i = 0; i < 4; i++) {
                assertEquals(0.5 / norms[i], alpha[i], 1e-12 / norms[i], "task " + i);
            }
            double[] d = GramianTesting.combined(alpha, g);
            for (int i = 0; i < 4; i++) {
                assertEquals(0.5, GramianTesting.dot(d, g[i]) / norms[i], 1e-10, "task " + i);
            }
        }
    }

    @Test
    void theScaleModesUseTheMedianOrMeanEigenvalue() {
        Random random = new Random(10);
        double[] norms = {1.0, 2.0, 3.0, 4.0};
        double[][] g = GramianTesting.orthogonalVectors(random, 4, norms);
        // eigenvalues 1, 4, 9, 16: lower median 4, mean 7.5
        try (NDManager manager = ContractTensors.newManager()) {
            double[] median =
                    GramianTesting.combine(
                            initialized(manager, 4, "scale=median"),
                            manager,
                            GramianTesting.tasks(4),
                            g,
                            0);
            double[] rmse =
                    GramianTesting.combine(
                            initialized(manager, 4, "scale=rmse"),
                            manager,
                            GramianTesting.tasks(4),
                            g,
                            0);
            for (int i = 0; i < 4; i++) {
                assertEquals(2.0 / norms[i], median[i], 1e-12);
                assertEquals(Math.sqrt(7.5) / norms[i], rmse[i], 1e-12);
            }
        }
    }

    /**
     * The aligned gradients ĝ_t = Σ_j B_tj g_j are recovered one by one through the public
     * behaviour (pre-set weights e_t give α = B e_t); their matrix must have all its non-zero
     * singular values equal to √λ_R, the smallest non-zero singular value of the gradient matrix.
     */
    private static void assertAlignedGramianHasConditionNumberOne(
            NDManager manager, double[][] g, int rank) {
        int k = g.length;
        double[][] aligned = new double[k][];
        double[] sum = new double[k];
        for (int t = 0; t < k; t++) {
            double[] unit = new double[k];
            unit[t] = 1.0;
            String weights =
                    Arrays.toString(unit).replace("[", "").replace("]", "").replace(" ", "");
            double[] column =
                    GramianTesting.combine(
                            initialized(manager, k, "weights=" + weights),
                            manager,
                            GramianTesting.tasks(k),
                            g,
                            0);
            aligned[t] = GramianTesting.combined(column, g);
            for (int i = 0; i < k; i++) {
                sum[i] += column[i];
            }
        }
        double[] original = singularValues(g);
        double smallest = original[rank - 1];
        assertTrue(
                rank == original.length || original[rank] < 1e-6 * original[0],
                "test setup: rank");
        double[] s = singularValues(aligned);
        for (int r = 0; r < rank; r++) {
            assertEquals(smallest, s[r], 1e-9 * smallest, "singular value " + r);
        }
        for (int r = rank; r < s.length; r++) {
            assertEquals(0.0, s[r], 1e-9 * smallest, "singular value " + r);
        }
        // the default weights (all ones) are the sum of the aligned gradients
        double[] defaults =
                GramianTesting.combine(
                        initialized(manager, k), manager, GramianTesting.tasks(k), g, 0);
        assertArrayEquals(sum, defaults, 1e-9 * Arrays.stream(sum).map(Math::abs).max().orElse(1));
    }

    @Test
    void theAlignedGradientsHaveConditionNumberOneOnTheirSpan() {
        Random random = new Random(2023);
        try (NDManager manager = ContractTensors.newManager()) {
            // full rank, norms spread over two orders of magnitude
            assertAlignedGramianHasConditionNumberOne(
                    manager, GramianTesting.randomVectors(random, 4, 9, 1.0), 4);
            // more tasks than dimensions: rank 3, the null direction of the Gramian is dropped
            assertAlignedGramianHasConditionNumberOne(
                    manager, GramianTesting.randomVectors(random, 5, 3, 0.5), 3);
            // a duplicated gradient: rank 2
            double[][] g = GramianTesting.randomVectors(random, 3, 6, 0.5);
            g[2] = g[0].clone();
            assertAlignedGramianHasConditionNumberOne(manager, g, 2);
        }
    }

    @Test
    void zeroGradientsKeepThePresetWeights() {
        double[][] g = new double[3][4];
        try (NDManager manager = ContractTensors.newManager()) {
            double[] alpha =
                    GramianTesting.combine(
                            initialized(manager, 3, "weights=1,2,0.5"),
                            manager,
                            GramianTesting.tasks(3),
                            g,
                            0);
            assertArrayEquals(new double[] {1, 2, 0.5}, alpha, 0.0);
        }
    }

    @Test
    void aStepOfSomeTasksUsesTheirPresetWeightsInTheStepsOrder() {
        double[][] g = {{4.0, 0.0}, {0.0, 1.0}};
        try (NDManager manager = ContractTensors.newManager()) {
            GradientWeighting weighting = initialized(manager, 3, "weights=1,2,3");
            double[] alpha = GramianTesting.combine(weighting, manager, List.of("t2", "t0"), g, 0);
            // orthogonal, n = (4, 1): α_i = n_min w_i / n_i with w = (3, 1)
            assertArrayEquals(new double[] {3 / 4.0, 1.0}, alpha, 1e-12);
            assertArrayEquals(new double[] {1.0, 1.0, 0.75}, weighting.lastWeights(), 1e-12);
        }
    }

    @Test
    void presetWeightsOfTheWrongLengthFailNamingTheKey() {
        try (NDManager manager = ContractTensors.newManager()) {
            PluginConfigException e =
                    assertThrows(
                            PluginConfigException.class,
                            () -> initialized(manager, 3, "weights=1,2"));
            assertEquals("weighting.aligned-mtl.weights", e.getKey());
            assertThrows(PluginConfigException.class, () -> initialized(manager, 2, "weights=0,0"));
        }
    }

    @Test
    void rankToleranceDropsSmallEigenvalues() {
        // eigenvalues 1 and 1e-6: kept at the default tolerance (threshold 2·1.19e-7), dropped
        // at 1e-6 (threshold 2e-6)
        double[][] g = {{1.0, 0.0}, {0.0, 1e-3}};
        try (NDManager manager = ContractTensors.newManager()) {
            double[] kept =
                    GramianTesting.combine(
                            initialized(manager, 2), manager, GramianTesting.tasks(2), g, 0);
            assertArrayEquals(new double[] {1e-3, 1.0}, kept, 1e-12);
            double[] dropped =
                    GramianTesting.combine(
                            initialized(manager, 2, "rank.tolerance=1e-6"),
                            manager,
                            GramianTesting.tasks(2),
                            g,
                            0);
            // only the first component remains, with scale √1: α = e_1 e_1ᵀ w
            assertArrayEquals(new double[] {1.0, 0.0}, dropped, 1e-12);
        }
    }

    /**
     * LibMTL's Aligned_MTL (single precision, as trained) on fixed task gradients, one set of rank
     * K − 1 among them: α and the update Σ_i α_i g_i at the defaults (unit pre-set weights, σ the
     * smallest kept eigenvalue's root).
     */
    @Test
    void matchesTheReferenceImplementationOnFixedInputs() {
        for (JsonObject c : ReferenceValues.cases("aligned-mtl")) {
            String name = c.get("name").getAsString();
            double[][] g = ReferenceValues.matrix(c, "gradients");
            int k = g.length;
            try (NDManager manager = ContractTensors.newManager()) {
                double[] alpha =
                        GramianTesting.combine(
                                initialized(manager, k), manager, GramianTesting.tasks(k), g, 0);
                ReferenceValues.assertClose(ReferenceValues.vector(c, "alpha"), alpha, name + ", alpha");
                ReferenceValues.assertClose(
                        ReferenceValues.vector(c, "sharedGradient"),
                        GramianTesting.combined(alpha, g),
                        name + ", update");
            }
        }
    }
}
