package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.task.Task;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class IndependentTest {

    private static final List<Task> TASKS =
            List.of(Task.classification("left", 10, 0), Task.classification("right", 5, 1));
    private static final Shape MNIST = new Shape(1, 28, 28);

    private static MultiTaskNetwork build(NDManager manager, Shape example) {
        ContractTensors.seedEngine(1);
        return TestPlugins.create(new IndependentFactory())
                .build(new NetworkContext(TASKS, example, manager, 1));
    }

    @Test
    void eachTaskHasAFullMultiLeNetOfItsOwn() {
        long trunk = (10 * 1 * 25 + 10) + (20 * 10 * 25 + 20) + (320 * 50 + 50);
        long left = trunk + (50 * 50 + 50) + (50 * 10 + 10);
        long right = trunk + (50 * 50 + 50) + (50 * 5 + 5);
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, MNIST);
            assertTrue(network.sharedParameters().isEmpty());
            assertEquals(left, HardSharingTest.count(network.taskParameters("left")));
            assertEquals(right, HardSharingTest.count(network.taskParameters("right")));
            assertEquals(
                    left + right, HardSharingTest.count(network.block().getParameters().values()));
        }
    }

    @Test
    void encodeReturnsTheInputUnchanged() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, new Shape(8));
            NDArray input = manager.randomNormal(new Shape(3, 8));
            NDList representation = network.encode(new ParameterStore(manager, false), input, true);
            assertSame(input, representation.singletonOrThrow());
        }
    }

    @Test
    void aTasksLossReachesOnlyItsOwnNetwork() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, new Shape(8));
            ParameterStore parameters = new ParameterStore(manager, false);
            try (GradientCollector collector = ContractTensors.newGradientCollector()) {
                NDList x = network.encode(parameters, manager.randomNormal(new Shape(3, 8)), true);
                collector.backward(network.decode(parameters, x, "left", true).sum());
            }
            for (Parameter p : network.taskParameters("left")) {
                assertTrue(ContractTensors.gradientReached(p.getArray()), p.getName());
            }
            for (Parameter p : network.taskParameters("right")) {
                assertFalse(ContractTensors.gradientReached(p.getArray()), p.getName());
            }
        }
    }
}
