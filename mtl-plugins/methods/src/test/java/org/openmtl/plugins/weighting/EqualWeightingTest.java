package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class EqualWeightingTest {

    private static final List<String> TASKS = List.of("a", "b", "c");

    private static LossWeighting initialized(NDManager manager) {
        LossWeighting weighting = (LossWeighting) TestPlugins.create(new EqualWeightingFactory());
        weighting.initialize(
                WeightingTesting.context(manager, TASKS, Map.of("a", 1, "b", 2, "c", 3)));
        return weighting;
    }

    @Test
    void objectiveIsTheSumOfTheLosses() {
        try (NDManager manager = ContractTensors.newManager()) {
            LossWeighting weighting = initialized(manager);
            assertEquals(
                    0.5 + 1.25 + 2.0,
                    WeightingTesting.objective(weighting, manager, TASKS, 0.5, 1.25, 2.0),
                    1e-6);
            assertArrayEquals(new double[] {1, 1, 1}, weighting.lastWeights());
        }
    }

    @Test
    void aStepOfSomeTasksSumsTheirLosses() {
        try (NDManager manager = ContractTensors.newManager()) {
            LossWeighting weighting = initialized(manager);
            assertEquals(
                    0.75 + 4.0,
                    WeightingTesting.objective(weighting, manager, List.of("c", "a"), 0.75, 4.0),
                    1e-6);
        }
    }

    @Test
    void objectiveBeforeInitializeIsAnError() {
        try (NDManager manager = ContractTensors.newManager()) {
            LossWeighting weighting =
                    (LossWeighting) TestPlugins.create(new EqualWeightingFactory());
            assertThrows(
                    IllegalStateException.class,
                    () -> WeightingTesting.objective(weighting, manager, TASKS, 1, 1, 1));
        }
    }
}
