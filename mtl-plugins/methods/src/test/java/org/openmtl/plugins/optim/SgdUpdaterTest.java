package org.openmtl.plugins.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.openmtl.testkit.ContractTensors;

class SgdUpdaterTest {

    /**
     * Heavy-ball momentum in the velocity form of Sutskever et al. (2013), with L2 decay: v ← μv +
     * lr(g + λw), w ← w − v.
     */
    private static double[][] expected(double lr, double momentum, double decay) {
        double[] w = UpdateSequences.START.clone();
        double[] v = new double[w.length];
        double[][] trajectory = new double[3][];
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < w.length; i++) {
                v[i] = momentum * v[i] + lr * (UpdateSequences.GRADIENTS[t][i] + decay * w[i]);
                w[i] -= v[i];
            }
            trajectory[t] = w.clone();
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
    void momentumAndWeightDecayFollowThePublishedRule() {
        try (NDManager manager = ContractTensors.newManager()) {
            float[][] actual =
                    UpdateSequences.run(
                            manager,
                            UpdateSequences.updater(
                                    new SgdFactory(),
                                    "lr=0.1",
                                    "momentum=0.9",
                                    "weight.decay=0.01"));
            assertFollows(expected(0.1, 0.9, 0.01), actual);
        }
    }

    @Test
    void withoutMomentumItIsPlainGradientDescent() {
        try (NDManager manager = ContractTensors.newManager()) {
            float[][] actual =
                    UpdateSequences.run(
                            manager,
                            UpdateSequences.updater(new SgdFactory(), "lr=0.5", "momentum=0"));
            assertFollows(expected(0.5, 0, 0), actual);
        }
    }
}
