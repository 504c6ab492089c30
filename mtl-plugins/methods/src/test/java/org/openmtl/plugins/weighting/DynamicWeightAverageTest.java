package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class DynamicWeightAverageTest {

    private static final List<String> TASKS = List.of("a", "b", "c");

    private static LossWeighting initialized(NDManager manager, String... settings) {
        LossWeighting weighting =
                (LossWeighting) TestPlugins.create(new DynamicWeightAverageFactory(), settings);
        weighting.initialize(
                WeightingTesting.context(manager, TASKS, Map.of("a", 1, "b", 1, "c", 1)));
        return weighting;
    }

    /** 3·exp(r_i/T)/Σ_j exp(r_j/T), written out. */
    private static double[] expected(double[] r, double t) {
        double total = Math.exp(r[0] / t) + Math.exp(r[1] / t) + Math.exp(r[2] / t);
        return new double[] {
            3 * Math.exp(r[0] / t) / total,
            3 * Math.exp(r[1] / t) / total,
            3 * Math.exp(r[2] / t) / total
        };
    }

    @Test
    void weightsAreOneInTheFirstTwoEpochsThenFollowTheLossRatios() {
        try (NDManager manager = ContractTensors.newManager()) {
            LossWeighting weighting = initialized(manager);
            assertArrayEquals(new double[] {1, 1, 1}, weighting.lastWeights());
            assertEquals(
                    1 + 2 + 3,
                    WeightingTesting.objective(weighting, manager, TASKS, 1, 2, 3),
                    1e-6);
            weighting.onEpochEnd(1, new double[] {1.0, 2.0, 4.0});
            assertArrayEquals(new double[] {1, 1, 1}, weighting.lastWeights(), "epoch 2");

            weighting.onEpochEnd(2, new double[] {0.5, 2.0, 5.0});
            // r = (0.5/1, 2/2, 5/4) = (0.5, 1, 1.25), T = 2
            double[] epoch3 = expected(new double[] {0.5, 1.0, 1.25}, 2.0);
            assertArrayEquals(new double[] {0.802350, 1.030238, 1.167412}, epoch3, 1e-6);
            assertArrayEquals(epoch3, weighting.lastWeights(), 1e-12);
            assertEquals(
                    epoch3[0] * 1 + epoch3[1] * 2 + epoch3[2] * 3,
                    WeightingTesting.objective(weighting, manager, TASKS, 1, 2, 3),
                    1e-5);

            weighting.onEpochEnd(3, new double[] {0.45, 1.0, 5.5});
            // r = (0.45/0.5, 1/2, 5.5/5) = (0.9, 0.5, 1.1)
            assertArrayEquals(
                    expected(new double[] {0.9, 0.5, 1.1}, 2.0), weighting.lastWeights(), 1e-12);
        }
    }

    @Test
    void theTemperatureSetsHowUnequalTheWeightsAre() {
        try (NDManager manager = ContractTensors.newManager()) {
            LossWeighting sharp = initialized(manager, "temperature=0.1");
            LossWeighting flat = initialized(manager, "temperature=1000");
            for (LossWeighting w : List.of(sharp, flat)) {
                w.onEpochEnd(1, new double[] {1, 1, 1});
                w.onEpochEnd(2, new double[] {0.5, 1, 2});
            }
            assertArrayEquals(
                    expected(new double[] {0.5, 1, 2}, 0.1), sharp.lastWeights(), 1e-12);
            assertEquals(3.0, sharp.lastWeights()[2], 1e-3, "T -> 0 puts all weight on c");
            assertArrayEquals(new double[] {1, 1, 1}, flat.lastWeights(), 1e-3);
        }
    }

    @Test
    void aTaskNotTrainedInAnEpochHasRatioOne() {
        try (NDManager manager = ContractTensors.newManager()) {
            LossWeighting weighting = initialized(manager);
            weighting.onEpochEnd(1, new double[] {1.0, Double.NaN, 2.0});
            weighting.onEpochEnd(2, new double[] {0.5, 3.0, 0.0});
            // a: 0.5, b: unknown -> 1, c: 0/2 = 0
            assertArrayEquals(
                    expected(new double[] {0.5, 1.0, 0.0}, 2.0), weighting.lastWeights(), 1e-12);
        }
    }

    @Test
    void aGapInTheEpochsRestartsWithWeightsOne() {
        try (NDManager manager = ContractTensors.newManager()) {
            LossWeighting weighting = initialized(manager);
            weighting.onEpochEnd(4, new double[] {1.0, 1.0, 1.0});
            assertArrayEquals(new double[] {1, 1, 1}, weighting.lastWeights());
            weighting.onEpochEnd(6, new double[] {0.1, 1.0, 1.0});
            assertArrayEquals(new double[] {1, 1, 1}, weighting.lastWeights());
            weighting.onEpochEnd(7, new double[] {0.2, 1.0, 1.0});
            assertArrayEquals(
                    expected(new double[] {2.0, 1.0, 1.0}, 2.0), weighting.lastWeights(), 1e-12);
        }
    }

    @Test
    void aStepOfSomeTasksUsesThoseTasksWeights() {
        try (NDManager manager = ContractTensors.newManager()) {
            LossWeighting weighting = initialized(manager);
            weighting.onEpochEnd(1, new double[] {1.0, 2.0, 4.0});
            weighting.onEpochEnd(2, new double[] {0.5, 2.0, 5.0});
            double[] w = weighting.lastWeights();
            assertEquals(
                    w[2] * 0.75 + w[0] * 4.0,
                    WeightingTesting.objective(weighting, manager, List.of("c", "a"), 0.75, 4.0),
                    1e-5);
        }
    }

    /**
     * LibMTL's DWA (reference/dwa) on tables of per-epoch mean losses: the weights of every epoch
     * and their gradient of the weighted sum, at 1e-5 relative.
     */
    @Test
    void matchesTheReferenceImplementationEpochByEpoch() {
        for (com.google.gson.JsonObject c : ReferenceValues.cases("dwa")) {
            String name = c.get("name").getAsString();
            double[][] means = ReferenceValues.matrix(c, "meanLosses");
            double[][] stepLosses = ReferenceValues.matrix(c, "stepLosses");
            double[][] weights = ReferenceValues.matrix(c, "weights");
            double[][] lossGradients = ReferenceValues.matrix(c, "lossGradients");
            int k = means[0].length;
            List<String> tasks = new java.util.ArrayList<>();
            Map<String, Integer> sizes = new java.util.HashMap<>();
            for (int i = 0; i < k; i++) {
                tasks.add("t" + i);
                sizes.put("t" + i, 1);
            }
            try (NDManager manager = ContractTensors.newManager()) {
                LossWeighting weighting =
                        (LossWeighting)
                                TestPlugins.create(
                                        new DynamicWeightAverageFactory(),
                                        "temperature=" + c.get("temperature").getAsDouble());
                weighting.initialize(WeightingTesting.context(manager, tasks, sizes));
                for (int epoch = 0; epoch < means.length; epoch++) {
                    String what = name + ", epoch " + epoch;
                    ReferenceValues.assertClose(weights[epoch], weighting.lastWeights(), what);
                    ObjectiveProbe.Result result =
                            ObjectiveProbe.step(weighting, manager, epoch, tasks, stepLosses[epoch]);
                    ReferenceValues.assertClose(
                            lossGradients[epoch], result.lossGradients(), what + ", loss gradients");
                    // the trainer reports each epoch's mean training losses at its end (epochs from 1)
                    weighting.onEpochEnd(epoch + 1, means[epoch]);
                }
            }
        }
    }
}
