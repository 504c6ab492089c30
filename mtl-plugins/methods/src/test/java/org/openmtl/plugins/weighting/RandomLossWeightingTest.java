package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class RandomLossWeightingTest {

    private static final List<String> TASKS = List.of("a", "b", "c");

    private static RandomLossWeighting initialized(
            NDManager manager, long seed, String... settings) {
        RandomLossWeightingFactory factory = new RandomLossWeightingFactory();
        RandomLossWeighting weighting =
                (RandomLossWeighting)
                        factory.create(TestPlugins.configWithSeed(factory, seed, settings));
        weighting.initialize(
                WeightingTesting.context(manager, TASKS, Map.of("a", 1, "b", 1, "c", 1)));
        return weighting;
    }

    @Test
    void weightsArePositiveAndSumToOneOrToTheTaskCountWhenScaled() {
        try (NDManager manager = ContractTensors.newManager()) {
            for (String distribution : List.of("normal", "uniform", "dirichlet")) {
                RandomLossWeighting plain = initialized(manager, 1, "distribution=" + distribution);
                RandomLossWeighting scaled =
                        initialized(manager, 1, "distribution=" + distribution, "scaled=true");
                for (int step = 0; step < 50; step++) {
                    double[] w = plain.draw(step, 3);
                    assertEquals(1.0, Arrays.stream(w).sum(), 1e-12, distribution);
                    assertTrue(Arrays.stream(w).allMatch(x -> x > 0), distribution);
                    assertEquals(
                            3.0, Arrays.stream(scaled.draw(step, 3)).sum(), 1e-12, distribution);
                }
            }
        }
    }

    @Test
    void theObjectiveIsTheSumOfTheLossesWithTheReportedWeights() {
        try (NDManager manager = ContractTensors.newManager()) {
            RandomLossWeighting weighting = initialized(manager, 3);
            for (int step = 0; step < 5; step++) {
                double objective = WeightingTesting.objective(weighting, manager, TASKS, 1, 2, 4);
                double[] w = weighting.lastWeights();
                assertEquals(1.0, w[0] + w[1] + w[2], 1e-12);
                assertEquals(w[0] * 1 + w[1] * 2 + w[2] * 4, objective, 1e-5);
            }
        }
    }

    @Test
    void theSameSeedGivesTheSameWeightsAndAnotherSeedOthers() {
        try (NDManager manager = ContractTensors.newManager()) {
            RandomLossWeighting first = initialized(manager, 11);
            RandomLossWeighting second = initialized(manager, 11);
            RandomLossWeighting other = initialized(manager, 12);
            for (int step = 0; step < 10; step++) {
                double[] a = first.draw(step, 3);
                assertArrayEquals(a, second.draw(step, 3));
                assertFalse(Arrays.equals(a, other.draw(step, 3)));
                assertFalse(Arrays.equals(a, first.draw(step + 1, 3)));
            }
        }
    }

    @Test
    void aStepsWeightsDependOnlyOnTheSeedAndTheStepSoAResumedRunDrawsTheSame() {
        try (NDManager manager = ContractTensors.newManager()) {
            RandomLossWeighting uninterrupted = initialized(manager, 11);
            for (int step = 0; step < 7; step++) {
                WeightingTesting.objective(uninterrupted, manager, TASKS, 1, 2, 3);
            }
            RandomLossWeighting resumed = initialized(manager, 11);
            double a = stepObjective(uninterrupted, manager, 7);
            double b = stepObjective(resumed, manager, 7);
            assertEquals(a, b, 0.0);
            assertArrayEquals(uninterrupted.lastWeights(), resumed.lastWeights(), 0.0);
        }
    }

    private static double stepObjective(
            RandomLossWeighting weighting, NDManager manager, long step) {
        return weighting
                .objective(
                        WeightingTesting.losses(manager, TASKS, 1, 2, 3),
                        new StepContext(1, step, manager))
                .getFloat();
    }

    /**
     * log(w_i / w_j) = x_i − x_j for w = softmax(x), so its variance identifies the distribution of
     * x: 2 for N(0, 1), 1/6 for U(0, 1) (twice 1/12), and 2/(K(K+1)) = 1/6 for a flat Dirichlet of
     * K = 3 (var p_i = (K−1)/(K²(K+1)), cov(p_i, p_j) = −1/(K²(K+1))).
     */
    @Test
    void logRatiosHaveTheVarianceOfTheSampledDistribution() {
        try (NDManager manager = ContractTensors.newManager()) {
            assertLogRatioVariance(initialized(manager, 5, "distribution=normal"), 2.0, 0.06);
            assertLogRatioVariance(
                    initialized(manager, 5, "distribution=uniform"), 1.0 / 6, 0.006);
            assertLogRatioVariance(
                    initialized(manager, 5, "distribution=dirichlet"), 1.0 / 6, 0.006);
        }
    }

    private static void assertLogRatioVariance(
            RandomLossWeighting weighting, double variance, double tolerance) {
        int n = 20_000;
        double[] d = new double[n];
        double sum = 0;
        double squares = 0;
        for (int i = 0; i < n; i++) {
            double[] w = weighting.draw(i, 3);
            d[i] = Math.log(w[0] / w[1]);
            sum += d[i];
            squares += d[i] * d[i];
        }
        double mean = sum / n;
        double sampleVariance = squares / n - mean * mean;
        assertEquals(0.0, mean, 0.05, "symmetric");
        assertEquals(variance, sampleVariance, tolerance);
        // consecutive steps draw independently: no lag-1 correlation (|r| < 4 standard errors)
        double lagged = 0;
        for (int i = 1; i < n; i++) {
            lagged += (d[i] - mean) * (d[i - 1] - mean);
        }
        double correlation = lagged / (n - 1) / sampleVariance;
        assertEquals(0.0, correlation, 4 / Math.sqrt(n));
    }

    @Test
    void aStepOfSomeTasksWeighsOnlyThoseAndReportsZeroForTheOthers() {
        try (NDManager manager = ContractTensors.newManager()) {
            RandomLossWeighting weighting = initialized(manager, 3, "scaled=true");
            double objective =
                    WeightingTesting.objective(weighting, manager, List.of("c", "a"), 2, 5);
            double[] w = weighting.lastWeights();
            assertEquals(0.0, w[1]);
            assertEquals(2.0, w[0] + w[2], 1e-12, "scaled by the step's two tasks");
            assertEquals(w[2] * 2 + w[0] * 5, objective, 1e-5);
        }
    }

    /**
     * LibMTL's RLW (reference/rlw) weighs the losses by softmax(λ̃) of its draw λ̃; for the same
     * draws, the map from a draw to the weights (unscaled) matches it to 1e-5 relative, far-apart
     * draws included. That the draws are standard normal is {@link
     * #logRatiosHaveTheVarianceOfTheSampledDistribution}.
     */
    @Test
    void mapsADrawToTheReferenceImplementationsWeights() {
        for (com.google.gson.JsonObject c : ReferenceValues.cases("rlw")) {
            String name = c.get("name").getAsString();
            double[] draw = ReferenceValues.vector(c, "draw");
            ReferenceValues.assertClose(
                    ReferenceValues.vector(c, "weights"),
                    RandomLossWeighting.softmax(draw, 1.0),
                    name + ", weights");
        }
    }
}
