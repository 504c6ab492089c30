package org.openmtl.api.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * The noise-aware loss: softmax cross-entropy against soft labels is the expected cross-entropy
 * Σ_c p_c · −log softmax(z)_c, checked against values computed here in double precision.
 */
class SoftLabelLossTest {

    private static final float[][] LOGITS = {{1f, 2f, 3f}, {0.5f, -1f, 2f}, {0f, 0f, 0f}};
    private static final float[][] SOFT = {{0.2f, 0.3f, 0.5f}, {1f, 0f, 0f}, {0.1f, 0.6f, 0.3f}};

    private static double expected(float[] z, float[] p) {
        double max = Math.max(z[0], Math.max(z[1], z[2]));
        double norm = 0;
        for (float v : z) {
            norm += Math.exp(v - max);
        }
        double logNorm = max + Math.log(norm);
        double loss = 0;
        for (int c = 0; c < z.length; c++) {
            loss += p[c] * -(z[c] - logNorm);
        }
        return loss;
    }

    private static NDArray matrix(NDManager m, float[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return m.create(flat, new Shape(rows.length, rows[0].length));
    }

    @Test
    void theSoftLossIsTheExpectedCrossEntropyUnderTheLabelsMaskedMean() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = matrix(m, LOGITS);
            NDArray p = matrix(m, SOFT);
            assertTrue(Losses.isSoft(z, p));
            double all = (expected(LOGITS[0], SOFT[0]) + expected(LOGITS[1], SOFT[1]) + expected(LOGITS[2], SOFT[2])) / 3;
            assertEquals(all, Losses.softmaxCrossEntropy().compute(z, p, null).getFloat(), 1e-6);
            // the closed form for uniform logits: −log(1/3) whatever the distribution
            assertEquals(Math.log(3), expected(LOGITS[2], SOFT[2]), 1e-6);
            NDArray mask = m.create(new float[] {1f, 0f, 1f});
            double masked = (expected(LOGITS[0], SOFT[0]) + expected(LOGITS[2], SOFT[2])) / 2;
            assertEquals(masked, Losses.softmaxCrossEntropy().compute(z, p, mask).getFloat(), 1e-6);
            assertEquals(all, Metrics.crossEntropy().accumulate(z, p, null)[0] / 3, 1e-6);
        }
    }

    @Test
    void aOneHotSoftLabelGivesTheIntegerLabelLossAndAccuracy() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = matrix(m, LOGITS);
            NDArray oneHot = matrix(m, new float[][] {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}});
            NDArray hard = m.create(new long[] {2, 0, 1});
            assertFalse(Losses.isSoft(z, hard));
            assertEquals(Losses.softmaxCrossEntropy().compute(z, hard, null).getFloat(),
                    Losses.softmaxCrossEntropy().compute(z, oneHot, null).getFloat(), 1e-6);
            // logits pick classes 2, 2, 0; the most probable soft classes are 2, 0, 1
            assertArrayEquals(new double[] {1, 3}, Metrics.accuracy().accumulate(z, matrix(m, SOFT), null), 1e-9);
            assertArrayEquals(new double[] {1, 3}, Metrics.accuracy().accumulate(z, hard, null), 1e-9);
        }
    }

    @Test
    void theGradientIsSoftmaxMinusTheLabelsOverTheBatch() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray z = matrix(m, LOGITS);
            z.setRequiresGradient(true);
            NDArray p = matrix(m, SOFT);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(Losses.softmaxCrossEntropy().compute(z, p, null));
            }
            float[] grad = z.getGradient().toFloatArray();
            for (int i = 0; i < 3; i++) {
                double max = Math.max(LOGITS[i][0], Math.max(LOGITS[i][1], LOGITS[i][2]));
                double norm = 0;
                for (float v : LOGITS[i]) {
                    norm += Math.exp(v - max);
                }
                for (int c = 0; c < 3; c++) {
                    double softmax = Math.exp(LOGITS[i][c] - max) / norm;
                    assertEquals((softmax - SOFT[i][c]) / 3, grad[i * 3 + c], 1e-6, "example " + i + " class " + c);
                }
            }
        }
    }
}
