package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class StaticWeightingTest {

    private static final List<String> TASKS = List.of("a", "b", "c");
    private static final Map<String, Integer> SIZES = Map.of("a", 600, "b", 300, "c", 100);

    private static LossWeighting initialized(NDManager manager, String... settings) {
        Weighting weighting = TestPlugins.create(new StaticWeightingFactory(), settings);
        weighting.initialize(WeightingTesting.context(manager, TASKS, SIZES));
        return (LossWeighting) weighting;
    }

    @Test
    void proportionalWeightsAreTaskCountTimesShareOfExamples() {
        try (NDManager manager = ContractTensors.newManager()) {
            LossWeighting weighting = initialized(manager, "mode=proportional");
            // K * n_i / sum(n) with K = 3, n = (600, 300, 100), sum = 1000
            double[] expected = {3 * 600 / 1000.0, 3 * 300 / 1000.0, 3 * 100 / 1000.0};
            assertArrayEquals(expected, weighting.lastWeights(), 1e-12);
            double objective = WeightingTesting.objective(weighting, manager, TASKS, 1.0, 2.0, 3.0);
            assertEquals(expected[0] * 1 + expected[1] * 2 + expected[2] * 3, objective, 1e-5);
        }
    }

    @Test
    void explicitWeightsWeighTheLosses() {
        try (NDManager manager = ContractTensors.newManager()) {
            LossWeighting weighting = initialized(manager, "weights=0.5,2,0");
            assertArrayEquals(new double[] {0.5, 2, 0}, weighting.lastWeights());
            assertEquals(
                    0.5 * 4 + 2 * 1.5 + 0 * 7,
                    WeightingTesting.objective(weighting, manager, TASKS, 4, 1.5, 7),
                    1e-5);
        }
    }

    @Test
    void noWeightsMeansAllOnes() {
        try (NDManager manager = ContractTensors.newManager()) {
            LossWeighting weighting = initialized(manager);
            assertArrayEquals(new double[] {1, 1, 1}, weighting.lastWeights());
        }
    }

    @Test
    void explicitWeightsAreThePreferenceOtherModesHaveNone() {
        try (NDManager manager = ContractTensors.newManager()) {
            assertArrayEquals(new double[] {0.5, 2, 0}, initialized(manager, "weights=0.5,2,0").preference());
            assertEquals(0, initialized(manager).preference().length, "all ones by default: no preference was given");
            assertEquals(0, initialized(manager, "mode=proportional").preference().length);
        }
    }

    @Test
    void aStepOfSomeTasksUsesThoseTasksWeights() {
        try (NDManager manager = ContractTensors.newManager()) {
            LossWeighting weighting = initialized(manager, "weights=1,2,3");
            assertEquals(
                    3 * 0.5,
                    WeightingTesting.objective(weighting, manager, List.of("c"), 0.5),
                    1e-6);
            assertEquals(
                    3 * 1.0 + 1 * 2.0,
                    WeightingTesting.objective(weighting, manager, List.of("c", "a"), 1, 2),
                    1e-6);
        }
    }

    @Test
    void weightsOfTheWrongLengthFailAtInitializeNamingTheKey() {
        try (NDManager manager = ContractTensors.newManager()) {
            Weighting weighting = TestPlugins.create(new StaticWeightingFactory(), "weights=1,2");
            PluginConfigException e =
                    assertThrows(
                            PluginConfigException.class,
                            () ->
                                    weighting.initialize(
                                            WeightingTesting.context(manager, TASKS, SIZES)));
            assertEquals("weighting.static.weights", e.getKey());
            assertTrue(
                    e.getMessage()
                            .startsWith("weighting.static.weights: has 2 weights for 3 tasks"),
                    e.getMessage());
        }
    }

    @Test
    void aNegativeWeightFailsNamingTheKey() {
        PluginConfigException e =
                assertThrows(
                        PluginConfigException.class,
                        () -> TestPlugins.create(new StaticWeightingFactory(), "weights=1,-0.5,1"));
        assertEquals("weighting.static.weights", e.getKey());
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }

    @Test
    void allZeroWeightsFailNamingTheKey() {
        try (NDManager manager = ContractTensors.newManager()) {
            PluginConfigException e =
                    assertThrows(
                            PluginConfigException.class,
                            () -> initialized(manager, "weights=0,0,0"));
            assertEquals("weighting.static.weights", e.getKey());
        }
    }

    @Test
    void weightsAndProportionalModeTogetherFail() {
        PluginConfigException e =
                assertThrows(
                        PluginConfigException.class,
                        () ->
                                TestPlugins.create(
                                        new StaticWeightingFactory(),
                                        "weights=1,1,1",
                                        "mode=proportional"));
        assertEquals("weighting.static.weights", e.getKey());
    }

    @Test
    void proportionalWithoutExamplesFailsNamingTheMode() {
        try (NDManager manager = ContractTensors.newManager()) {
            Weighting weighting =
                    TestPlugins.create(new StaticWeightingFactory(), "mode=proportional");
            PluginConfigException e =
                    assertThrows(
                            PluginConfigException.class,
                            () ->
                                    weighting.initialize(
                                            WeightingTesting.context(
                                                    manager,
                                                    TASKS,
                                                    Map.of("a", 0, "b", 0, "c", 0))));
            assertEquals("weighting.static.mode", e.getKey());
        }
    }
}
