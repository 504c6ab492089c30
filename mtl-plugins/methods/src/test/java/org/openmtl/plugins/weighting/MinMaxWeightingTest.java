package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class MinMaxWeightingTest {

    private static final List<String> TASKS = List.of("a", "b", "c");

    private static LossWeighting initialized(NDManager manager, String... settings) {
        LossWeighting weighting =
                (LossWeighting) TestPlugins.create(new MinMaxWeightingFactory(), settings);
        weighting.initialize(
                WeightingTesting.context(manager, TASKS, Map.of("a", 1, "b", 1, "c", 1)));
        return weighting;
    }

    /** T·log Σ exp(L_i/T), straight from the definition (fine for moderate L/T). */
    private static double logSumExp(double t, double... losses) {
        double sum = 0;
        for (double l : losses) {
            sum += Math.exp(l / t);
        }
        return t * Math.log(sum);
    }

    @Test
    void hardModeIsTheLargestLossAndOnlyItGetsAGradient() {
        try (NDManager manager = ContractTensors.newManager()) {
            LossWeighting weighting = initialized(manager);
            ObjectiveProbe.Result result =
                    ObjectiveProbe.step(weighting, manager, 0, TASKS, 0.7, 2.5, 1.2);
            assertEquals(2.5, result.objective(), 1e-6);
            assertArrayEquals(new double[] {0, 1, 0}, result.lossGradients(), 0.0);
            assertArrayEquals(new double[] {0, 1, 0}, weighting.lastWeights(), 0.0);

            result = ObjectiveProbe.step(weighting, manager, 1, TASKS, 3.0, 2.5, 1.2);
            assertEquals(3.0, result.objective(), 1e-6);
            assertArrayEquals(new double[] {1, 0, 0}, weighting.lastWeights(), 0.0);
        }
    }

    @Test
    void hardModeBreaksATieForTheFirstTask() {
        try (NDManager manager = ContractTensors.newManager()) {
            LossWeighting weighting = initialized(manager);
            ObjectiveProbe.Result result =
                    ObjectiveProbe.step(weighting, manager, 0, TASKS, 1.0, 2.0, 2.0);
            assertEquals(2.0, result.objective(), 1e-6);
            assertArrayEquals(new double[] {0, 1, 0}, result.lossGradients(), 0.0);
        }
    }

    @Test
    void smoothModeIsTheLogSumExpAndItsGradientTheSoftmax() {
        try (NDManager manager = ContractTensors.newManager()) {
            for (double t : new double[] {0.3, 1.0, 4.0}) {
                LossWeighting weighting =
                        initialized(manager, "mode=smooth", "temperature=" + t);
                double[] l = {0.7, 2.5, 1.2};
                ObjectiveProbe.Result result = ObjectiveProbe.step(weighting, manager, 0, TASKS, l);
                assertEquals(logSumExp(t, l), result.objective(), 1e-5, "T = " + t);
                double total = Math.exp(l[0] / t) + Math.exp(l[1] / t) + Math.exp(l[2] / t);
                double[] softmax = {
                    Math.exp(l[0] / t) / total,
                    Math.exp(l[1] / t) / total,
                    Math.exp(l[2] / t) / total
                };
                assertArrayEquals(softmax, result.lossGradients(), 1e-6, "T = " + t);
                assertArrayEquals(softmax, weighting.lastWeights(), 1e-7, "T = " + t);
            }
        }
    }

    @Test
    void smoothModeTendsToTheMaximumAsTheTemperatureFalls() {
        try (NDManager manager = ContractTensors.newManager()) {
            double[] l = {0.7, 2.5, 1.2};
            double previousGap = Double.POSITIVE_INFINITY;
            for (double t : new double[] {2.0, 0.5, 0.1, 0.01, 0.001}) {
                LossWeighting weighting =
                        initialized(manager, "mode=smooth", "temperature=" + t);
                double value = WeightingTesting.objective(weighting, manager, TASKS, l);
                double gap = value - 2.5;
                // max <= T log sum exp(L/T) <= max + T log K
                assertTrue(gap >= -1e-6, "below the maximum at T = " + t);
                assertTrue(gap <= t * Math.log(3) + 1e-6, "too far above the maximum at T = " + t);
                assertTrue(gap <= previousGap + 1e-6, "not closer at T = " + t);
                previousGap = gap;
            }
            assertEquals(0.0, previousGap, 1e-5);
        }
    }

    @Test
    void smoothModeStaysFiniteForLargeLossesAndSmallTemperatures() {
        try (NDManager manager = ContractTensors.newManager()) {
            LossWeighting weighting = initialized(manager, "mode=smooth", "temperature=0.01");
            // exp(1000 / 0.01) would overflow; the shifted form gives 1001 + 0.01 log(1 + e^-100)
            assertEquals(
                    1001.0,
                    WeightingTesting.objective(weighting, manager, TASKS, 1000, 1001, 10),
                    1e-3);
            assertArrayEquals(new double[] {0, 1, 0}, weighting.lastWeights(), 1e-12);
        }
    }

    @Test
    void aStepOfSomeTasksReportsZeroForTheOthers() {
        try (NDManager manager = ContractTensors.newManager()) {
            LossWeighting weighting = initialized(manager, "mode=smooth");
            double value = WeightingTesting.objective(weighting, manager, List.of("c", "a"), 1, 2);
            assertEquals(logSumExp(1.0, 1, 2), value, 1e-5);
            double[] w = weighting.lastWeights();
            double e = Math.exp(1) + Math.exp(2);
            assertArrayEquals(new double[] {Math.exp(2) / e, 0, Math.exp(1) / e}, w, 1e-7);
        }
    }
}
