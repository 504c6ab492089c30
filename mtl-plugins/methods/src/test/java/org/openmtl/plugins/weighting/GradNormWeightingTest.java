package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.api.optim.Optimizer;
import org.openmtl.api.optim.OptimizerContext;
import org.openmtl.api.optim.ParameterUpdater;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.plugins.optim.AdamFactory;
import org.openmtl.testkit.ContractTensors;
import org.openmtl.testkit.MatrixTaskGradients;

class GradNormWeightingTest {

    private static final List<String> TWO = List.of("a", "b");

    private static GradNormWeighting initialized(
            NDManager manager, List<String> tasks, String... settings) {
        GradNormWeighting weighting =
                (GradNormWeighting) TestPlugins.create(new GradNormWeightingFactory(), settings);
        Map<String, Integer> sizes = new java.util.HashMap<>();
        tasks.forEach(t -> sizes.put(t, 10));
        weighting.initialize(WeightingTesting.context(manager, tasks, sizes));
        return weighting;
    }

    /** What one combine gave: the weights and the logits' gradient from its parameter objective. */
    private record Step(double[] weights, double[] logitGradient) {}

    private static Step combine(
            GradNormWeighting weighting, NDManager manager, List<String> tasks, float[][] gradients, double... losses) {
        try (NDManager step = manager.newSubManager();
                GradientCollector collector = ContractTensors.newGradientCollector()) {
            collector.zeroGradients();
            Combination combination =
                    weighting.combine(
                            new MatrixTaskGradients(
                                    weighting.requirement(),
                                    step.create(gradients),
                                    WeightingTesting.losses(step, tasks, losses)),
                            new StepContext(1, 0, step));
            double[] gradient = null;
            if (combination.parameterObjective().isPresent()) {
                collector.backward(combination.parameterObjective().get());
                try (NDArray g = weighting.parameters().get(0).getArray().getGradient()) {
                    gradient = ObjectiveProbe.toDoubles(g.toFloatArray());
                }
            }
            return new Step(combination.taskWeights(), gradient);
        }
    }

    /**
     * LibMTL's GradNorm (reference/gradnorm, see its README.md) on a small network's shared
     * gradients and losses, past the warm-up epoch, its logits in Adam (lr 0.01) as LibMTL's
     * trainer puts them: the weights, the logits' gradient and the logits after each step.
     */
    @Test
    void matchesLibMtlOnASmallNetwork() {
        JsonObject reference = ReferenceData.load("gradnorm", "expected.json");
        List<String> tasks = List.of("a", "b", "c");
        try (NDManager manager = ContractTensors.newManager()) {
            GradNormWeighting weighting =
                    initialized(manager, tasks, "alpha=" + reference.get("alpha").getAsDouble(), "gradients=parameters");
            weighting.onEpochEnd(1, ReferenceData.vector(reference.get("initial_losses")));
            Optimizer adam = TestPlugins.create(new AdamFactory(), "lr=" + reference.get("lr").getAsDouble(), "weight.decay=0");
            ParameterUpdater updater = adam.create(new OptimizerContext(10, 1));
            NDArray logits = weighting.parameters().get(0).getArray();
            int n = 0;
            for (JsonElement e : reference.getAsJsonArray("steps")) {
                JsonObject item = e.getAsJsonObject();
                double[][] g = ReferenceData.matrix(item.get("gradients"));
                float[][] rows = new float[g.length][];
                for (int i = 0; i < g.length; i++) {
                    rows[i] = new float[g[i].length];
                    for (int j = 0; j < g[i].length; j++) {
                        rows[i][j] = (float) g[i][j];
                    }
                }
                Step step = combine(weighting, manager, tasks, rows, ReferenceData.vector(item.get("losses")));
                assertTrue(weighting.parametersHaveGradients());
                ReferenceData.assertRelative(ReferenceData.vector(item.get("weights")), step.weights(), 1e-5, "weights " + n);
                ReferenceData.assertRelative(
                        ReferenceData.vector(item.get("loss_scale_gradient")), step.logitGradient(), 1e-5, "gradient " + n);
                try (NDManager stepManager = manager.newSubManager();
                        NDArray gradient = stepManager.create(ReferenceData.floats(step.logitGradient()))) {
                    updater.update("weighting_loss_scale", logits, gradient);
                }
                updater.endStep();
                ReferenceData.assertRelative(
                        ReferenceData.vector(item.get("loss_scale_after")),
                        ObjectiveProbe.toDoubles(logits.toFloatArray()),
                        1e-5,
                        "logits after step " + n);
                n++;
            }
        }
    }

    @Test
    void theFirstEpochTrainsWithEqualWeightsAndLeavesTheLogitsAlone() {
        try (NDManager manager = ContractTensors.newManager()) {
            GradNormWeighting weighting = initialized(manager, TWO);
            Step warmUp = combine(weighting, manager, TWO, new float[][] {{3, 0}, {0, 1}}, 2.0, 1.0);
            assertArrayEquals(new double[] {1, 1}, warmUp.weights(), 0.0);
            assertEquals(null, warmUp.logitGradient(), "no parameter objective in the warm-up");
            assertFalse(weighting.parametersHaveGradients(), "the optimizer skips the logits");
            weighting.onEpochEnd(1, new double[] {2.0, 1.0});
            // L~ = (1, 2)/(2, 1) = (0.5, 2), r = (0.4, 1.6); w = (1, 1), norms (3, 1): G = (3, 1), mean 2,
            // targets 2·0.4^1.5 = 0.506, 2·1.6^1.5 = 4.05: slopes (+3, −1); the logits' gradient is
            // K·z ⊙ (u − z·u) with z = (1/2, 1/2), u = (3, −1): 2·(1/2)(3 − 1) = 2 and −2
            Step first = combine(weighting, manager, TWO, new float[][] {{3, 0}, {0, 1}}, 1.0, 2.0);
            assertArrayEquals(new double[] {1, 1}, first.weights(), 1e-7);
            assertArrayEquals(new double[] {2, -2}, first.logitGradient(), 1e-6);
            assertTrue(weighting.parametersHaveGradients());
        }
    }

    @Test
    void thePapersInitialLossIsTheFirstStepsAndGradNormRunsAtOnce() {
        try (NDManager manager = ContractTensors.newManager()) {
            GradNormWeighting weighting = initialized(manager, TWO, "initial.loss=first-step", "alpha=0");
            // L(0) = this step's losses; alpha 0: targets are the mean norm 2, slopes (+3, −1)
            Step first = combine(weighting, manager, TWO, new float[][] {{3, 0}, {0, 1}}, 2.0, 1.0);
            assertArrayEquals(new double[] {2, -2}, first.logitGradient(), 1e-6);
            assertArrayEquals(new double[] {2.0, 1.0}, weighting.state().get("initial_losses"), 0.0);
        }
    }

    @Test
    void declaresTheGradientsItNeedsItsUpdateIntervalAndHeads() {
        GradientWeighting byDefault =
                (GradientWeighting) TestPlugins.create(new GradNormWeightingFactory());
        assertEquals(GradientRequirement.REPRESENTATION, byDefault.requirement());
        assertEquals(1, byDefault.updateEvery());
        assertTrue(byDefault.weightsHeads(), "the paper back-propagates sum w_i L_i");
        GradientWeighting variant =
                (GradientWeighting)
                        TestPlugins.create(
                                new GradNormWeightingFactory(),
                                "gradients=parameters",
                                "update.every=5",
                                "heads=unweighted");
        assertEquals(GradientRequirement.GRAMIAN, variant.requirement());
        assertEquals(5, variant.updateEvery());
        assertFalse(variant.weightsHeads());
    }
}
