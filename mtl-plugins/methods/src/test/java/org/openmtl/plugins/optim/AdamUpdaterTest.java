package org.openmtl.plugins.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.openmtl.api.optim.ParameterUpdater;
import org.openmtl.testkit.ContractTensors;

class AdamUpdaterTest {

    private static final double LR = 0.05;
    private static final String RATE = "lr=" + LR;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    /**
     * Adam as Kingma &amp; Ba state it at the end of their Section 2 (bias correction folded into
     * the step size, ε̂ added to √v): m ← β1 m + (1 − β1) g, v ← β2 v + (1 − β2) g², w ← w − lr √(1
     * − β2^t)/(1 − β1^t) · m/(√v + ε̂). L2 decay adds λw to g; decoupled decay (Loshchilov &amp;
     * Hutter, Algorithm 2 with the schedule multiplier at lr) first sets w ← w − lr λ w.
     */
    private static double[][] expected(double decay, boolean decoupled) {
        double[] w = UpdateSequences.START.clone();
        double[] m = new double[w.length];
        double[] v = new double[w.length];
        double[][] trajectory = new double[3][];
        for (int t = 1; t <= 3; t++) {
            double stepSize = LR * Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
            for (int i = 0; i < w.length; i++) {
                double g = UpdateSequences.GRADIENTS[t - 1][i];
                if (decoupled) {
                    w[i] -= LR * decay * w[i];
                } else {
                    g += decay * w[i];
                }
                m[i] = BETA1 * m[i] + (1 - BETA1) * g;
                v[i] = BETA2 * v[i] + (1 - BETA2) * g * g;
                w[i] -= stepSize * m[i] / (Math.sqrt(v[i]) + EPSILON);
            }
            trajectory[t - 1] = w.clone();
        }
        return trajectory;
    }

    private static void assertFollows(double[][] expected, float[][] actual) {
        for (int t = 0; t < expected.length; t++) {
            assertArrayEquals(
                    UpdateSequences.toFloats(expected[t]),
                    actual[t],
                    1e-5f,
                    "after update " + (t + 1));
        }
    }

    @Test
    void adamFollowsThePublishedRule() {
        try (NDManager manager = ContractTensors.newManager()) {
            assertFollows(
                    expected(0, false),
                    UpdateSequences.run(manager, UpdateSequences.updater(new AdamFactory(), RATE)));
        }
    }

    @Test
    void adamWeightDecayIsAnL2TermInTheGradient() {
        try (NDManager manager = ContractTensors.newManager()) {
            float[][] actual =
                    UpdateSequences.run(
                            manager,
                            UpdateSequences.updater(new AdamFactory(), RATE, "weight.decay=0.1"));
            assertFollows(expected(0.1, false), actual);
        }
    }

    @Test
    void adamwDecaysTheWeightsOutsideTheMoments() {
        try (NDManager manager = ContractTensors.newManager()) {
            float[][] actual =
                    UpdateSequences.run(
                            manager,
                            UpdateSequences.updater(new AdamWFactory(), RATE, "weight.decay=0.1"));
            assertFollows(expected(0.1, true), actual);
        }
    }

    @Test
    void aParameterFirstUpdatedLateGetsTheBiasCorrectionOfAFirstUpdate() {
        try (NDManager manager = ContractTensors.newManager()) {
            ParameterUpdater updater = UpdateSequences.updater(new AdamFactory(), RATE);
            NDArray early = manager.create(new float[] {0f});
            for (int step = 0; step < 5; step++) {
                updater.update("early", early, manager.create(new float[] {1f}));
                updater.endStep();
            }
            NDArray late = manager.create(new float[] {0f});
            updater.update("late", late, manager.create(new float[] {2f}));
            // t = 1: lr sqrt(1-b2)/(1-b1) * (1-b1) g / (sqrt(1-b2) |g| + eps) = lr (up to eps)
            double first = LR * Math.sqrt(1 - BETA2) * 2 / (Math.sqrt(1 - BETA2) * 2 + EPSILON);
            assertEquals(-first, late.getFloat(), 1e-6);
        }
    }

    @Test
    void updatesCreateNoArraysOnceTheMomentsExist() {
        try (NDManager manager = ContractTensors.newManager()) {
            ParameterUpdater updater = UpdateSequences.updater(new AdamFactory(), RATE);
            NDArray weight = manager.create(new float[] {1f, 2f});
            NDArray gradient = manager.create(new float[] {0.5f, -0.5f});
            updater.update("w", weight, gradient);
            updater.endStep();
            int arrays = manager.getManagedArrays().size();
            for (int step = 0; step < 10; step++) {
                updater.update("w", weight, gradient);
                updater.endStep();
            }
            assertEquals(arrays, manager.getManagedArrays().size());
        }
    }
}
