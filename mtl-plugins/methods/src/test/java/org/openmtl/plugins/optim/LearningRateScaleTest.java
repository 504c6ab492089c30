package org.openmtl.plugins.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.openmtl.api.optim.ParameterUpdater;
import org.openmtl.testkit.ContractTensors;

/**
 * A parameter's learning-rate factor steps it as a PyTorch parameter group with learning rate
 * lr·factor: closed-form Adam and SGD sequences with the scaled rate, the other parameters unchanged.
 */
class LearningRateScaleTest {

    private static final double LR = 0.01;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    @Test
    void adamStepsAScaledParameterWithTheScaledRate() {
        double scale = 1000;
        double[] gradients = {0.3, -0.1, 0.2};
        try (NDManager manager = ContractTensors.newManager()) {
            ParameterUpdater updater = UpdateSequences.updater(new AdamFactory(), "lr=" + LR);
            NDArray scaled = manager.create(new float[] {0.5f});
            NDArray plain = manager.create(new float[] {0.5f});
            double m = 0;
            double v = 0;
            double expectedScaled = 0.5;
            double expectedPlain = 0.5;
            for (int t = 1; t <= gradients.length; t++) {
                double g = gradients[t - 1];
                updater.update("alpha", scaled, manager.create(new float[] {(float) g}), scale);
                updater.update("w", plain, manager.create(new float[] {(float) g}));
                updater.endStep();
                // Kingma & Ba, Algorithm 1, with the step size folded as DJL does
                m = BETA1 * m + (1 - BETA1) * g;
                v = BETA2 * v + (1 - BETA2) * g * g;
                double correction = Math.sqrt(1 - Math.pow(BETA2, t)) / (1 - Math.pow(BETA1, t));
                expectedScaled -= LR * scale * correction * m / (Math.sqrt(v) + EPSILON);
                expectedPlain -= LR * correction * m / (Math.sqrt(v) + EPSILON);
                assertEquals(expectedScaled, scaled.getFloat(), 1e-4 * Math.abs(expectedScaled) + 1e-6, "step " + t);
                assertEquals(expectedPlain, plain.getFloat(), 1e-6, "step " + t);
            }
        }
    }

    @Test
    void sgdStepsAScaledParameterWithTheScaledRate() {
        try (NDManager manager = ContractTensors.newManager()) {
            ParameterUpdater updater = UpdateSequences.updater(new SgdFactory(), "lr=" + LR);
            NDArray w = manager.create(new float[] {1f, -2f});
            updater.update("logits", w, manager.create(new float[] {0.5f, 0.25f}), 100);
            assertEquals(1 - LR * 100 * 0.5, w.getFloat(0), 1e-6);
            assertEquals(-2 - LR * 100 * 0.25, w.getFloat(1), 1e-6);
        }
    }

    @Test
    void aFactorThatIsNotPositiveIsRefused() {
        try (NDManager manager = ContractTensors.newManager()) {
            ParameterUpdater updater = UpdateSequences.updater(new SgdFactory(), "lr=" + LR);
            NDArray w = manager.create(new float[] {1f});
            assertThrows(IllegalArgumentException.class, () -> updater.update("w", w, manager.create(new float[] {1f}), 0));
        }
    }

    /**
     * Adam and AdamW say they normalize the step (a gradient 1000 times smaller moves the parameter
     * as far, up to ε), which is why a network may ask for another factor under them; SGD's step grows
     * with the gradient and it says so.
     */
    @Test
    void adamNormalizesTheStepSizeAndSgdDoesNot() {
        try (NDManager manager = ContractTensors.newManager()) {
            for (var factory : java.util.List.of(new AdamFactory(), new AdamWFactory())) {
                ParameterUpdater updater = UpdateSequences.updater(factory, "lr=" + LR);
                assertTrue(updater.normalizesStepSize(), factory.descriptor().name());
                NDArray small = manager.create(new float[] {0f});
                NDArray large = manager.create(new float[] {0f});
                updater.update("small", small, manager.create(new float[] {1e-3f}));
                updater.update("large", large, manager.create(new float[] {1f}));
                updater.endStep();
                assertEquals(large.getFloat(), small.getFloat(), 1e-3 * LR, factory.descriptor().name());
            }
            ParameterUpdater sgd = UpdateSequences.updater(new SgdFactory(), "lr=" + LR);
            assertFalse(sgd.normalizesStepSize());
        }
    }
}
