package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class CosmosWeightingTest {

    private static final List<String> TASKS = List.of("a", "b", "c");

    private static CosmosWeighting initialized(NDManager manager, long seed, String... settings) {
        CosmosWeightingFactory factory = new CosmosWeightingFactory();
        CosmosWeighting weighting = (CosmosWeighting) factory.create(TestPlugins.configWithSeed(factory, seed, settings));
        weighting.initialize(WeightingTesting.context(manager, TASKS, Map.of("a", 1, "b", 1, "c", 1)));
        return weighting;
    }

    @Test
    void drawsPreferencesThatAFunctionOfTheStepAndTheSeedAlone() {
        try (NDManager manager = ContractTensors.newManager()) {
            CosmosWeighting one = initialized(manager, 7);
            CosmosWeighting again = initialized(manager, 7);
            CosmosWeighting other = initialized(manager, 8);
            assertTrue(one.drawsPreferences());
            assertEquals(0, one.preference().length, "no single preference is reported");
            for (long step : new long[] {0, 1, 1000, 1L << 40}) {
                double[] p = one.preferenceForStep(step);
                assertEquals(1.0, Arrays.stream(p).sum(), 1e-12);
                assertTrue(Arrays.stream(p).allMatch(x -> x >= 0));
                assertArrayEquals(p, again.preferenceForStep(step), "same seed and step");
                assertArrayEquals(p, one.preferenceForStep(step), "drawn again");
                assertFalse(Arrays.equals(p, other.preferenceForStep(step)), "another seed");
            }
            assertFalse(Arrays.equals(one.preferenceForStep(3), one.preferenceForStep(4)));
        }
    }

    /**
     * Over 40,000 draws the mean and variance of each weight are those of Dirichlet(α): E p_i =
     * α_i/α_0, Var p_i = α_i(α_0 − α_i)/(α_0²(α_0 + 1)); the tolerance is 5 standard errors.
     */
    @Test
    void thePreferencesFollowTheDirichletDistribution() {
        try (NDManager manager = ContractTensors.newManager()) {
            for (String alpha : List.of("1.2", "0.3", "0.5,2,4")) {
                double[] a = Arrays.stream(alpha.split(",")).mapToDouble(Double::parseDouble).toArray();
                if (a.length == 1) {
                    a = new double[] {a[0], a[0], a[0]};
                }
                double a0 = Arrays.stream(a).sum();
                CosmosWeighting weighting = initialized(manager, 11, "alpha=" + alpha);
                int n = 40_000;
                List<double[]> draws = weighting.preferences(n);
                for (int i = 0; i < 3; i++) {
                    double mean = a[i] / a0;
                    double variance = a[i] * (a0 - a[i]) / (a0 * a0 * (a0 + 1));
                    int index = i;
                    double sampleMean = draws.stream().mapToDouble(p -> p[index]).sum() / n;
                    double sampleVariance = draws.stream().mapToDouble(p -> (p[index] - sampleMean) * (p[index] - sampleMean))
                            .sum() / (n - 1);
                    assertEquals(mean, sampleMean, 5 * Math.sqrt(variance / n), "alpha " + alpha + ", mean of p_" + i);
                    // the variance of the sample variance is below E(p − μ)^4 / n ≤ variance · max(μ, 1 − μ)² / n
                    assertEquals(variance, sampleVariance, 5 * Math.sqrt(variance / n), "alpha " + alpha + ", variance of p_" + i);
                }
            }
        }
    }

    /** Σ p_i L_i − λ Σ p_i L_i / (‖p‖ ‖L‖) with the step's own preference, computed here from its definition. */
    @Test
    void theObjectiveIsTheWeightedSumMinusLambdaTimesTheCosine() {
        try (NDManager manager = ContractTensors.newManager()) {
            double[] losses = {0.5, 2.0, 1.25};
            for (String lambda : List.of("0", "2", "8")) {
                CosmosWeighting weighting = initialized(manager, 5, "lambda=" + lambda);
                for (long step = 0; step < 4; step++) {
                    double[] p = weighting.preferenceForStep(step);
                    double dot = p[0] * losses[0] + p[1] * losses[1] + p[2] * losses[2];
                    double cosine = dot / (Math.sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2])
                            * Math.sqrt(losses[0] * losses[0] + losses[1] * losses[1] + losses[2] * losses[2]));
                    NDArray objective = weighting.objective(WeightingTesting.losses(manager, TASKS, losses),
                            new StepContext(1, step, manager));
                    double expected = dot - Double.parseDouble(lambda) * cosine;
                    assertEquals(expected, objective.getFloat(), 1e-5 * Math.max(1, Math.abs(expected)), "lambda " + lambda);
                    assertArrayEquals(p, weighting.lastWeights(), "the history records the step's preference");
                }
            }
        }
    }

    @Test
    void aStepOfSomeTasksUsesThePreferenceRestrictedToThem() {
        try (NDManager manager = ContractTensors.newManager()) {
            CosmosWeighting weighting = initialized(manager, 5, "lambda=1");
            double[] p = weighting.preferenceForStep(2);
            double dot = p[0] * 3 + p[2] * 4;
            double cosine = dot / (Math.hypot(p[0], p[2]) * 5);
            NDArray objective = weighting.objective(WeightingTesting.losses(manager, List.of("a", "c"), 3, 4),
                    new StepContext(1, 2, manager));
            assertEquals(dot - cosine, objective.getFloat(), 1e-5);
            assertArrayEquals(new double[] {p[0], 0, p[2]}, weighting.lastWeights());
        }
    }

    @Test
    void badConcentrationsAreRefusedNamingTheKey() {
        CosmosWeightingFactory factory = new CosmosWeightingFactory();
        for (String alpha : List.of("0", "-1", "1,0,2", "")) {
            PluginConfigException e = assertThrows(PluginConfigException.class,
                    () -> factory.create(TestPlugins.config(factory, "alpha=" + alpha)), alpha);
            assertEquals("weighting.cosmos.alpha", e.getKey(), alpha);
        }
        try (NDManager manager = ContractTensors.newManager()) {
            PluginConfigException e = assertThrows(PluginConfigException.class, () -> initialized(manager, 1, "alpha=1,2"));
            assertEquals("weighting.cosmos.alpha", e.getKey());
            assertTrue(e.getMessage().contains("2 values for 3 tasks"), e.getMessage());
        }
    }
}
