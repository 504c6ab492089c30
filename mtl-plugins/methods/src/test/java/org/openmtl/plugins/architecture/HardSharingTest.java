package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.task.Task;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class HardSharingTest {

    private static final List<Task> MULTI_MNIST =
            List.of(Task.classification("left", 10, 0), Task.classification("right", 10, 1));
    private static final Shape MNIST = new Shape(1, 28, 28);

    static MultiTaskNetwork build(
            NDManager manager, List<Task> tasks, Shape example, String... settings) {
        ContractTensors.seedEngine(1);
        return TestPlugins.create(new HardSharingFactory(), settings)
                .build(new NetworkContext(tasks, example, manager, 1));
    }

    static long count(List<Parameter> parameters) {
        return parameters.stream().mapToLong(p -> p.getArray().size()).sum();
    }

    @Test
    void multiLeNetHasTheReferenceModelsParameterCount() {
        long conv1 = 10 * 1 * 25 + 10;
        long conv2 = 20 * 10 * 25 + 20;
        long fc = 320 * 50 + 50;
        long head = (50 * 50 + 50) + (50 * 10 + 10);
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, MULTI_MNIST, MNIST);
            assertEquals(conv1 + conv2 + fc, count(network.sharedParameters()));
            assertEquals(head, count(network.taskParameters("left")));
            assertEquals(head, count(network.taskParameters("right")));
            assertEquals(
                    conv1 + conv2 + fc + 2 * head, count(network.block().getParameters().values()));
        }
    }

    @Test
    void multiLeNetLayersHaveTheReferenceShapes() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, MULTI_MNIST, MNIST);
            List<Shape> shared =
                    network.sharedParameters().stream().map(p -> p.getArray().getShape()).toList();
            assertEquals(
                    List.of(
                            new Shape(10, 1, 5, 5),
                            new Shape(10),
                            new Shape(20, 10, 5, 5),
                            new Shape(20),
                            new Shape(50, 320),
                            new Shape(50)),
                    shared);
            List<Shape> head =
                    network.taskParameters("left").stream()
                            .map(p -> p.getArray().getShape())
                            .toList();
            assertEquals(
                    List.of(new Shape(50, 50), new Shape(50), new Shape(10, 50), new Shape(10)),
                    head);
        }
    }

    @Test
    void parametersStartUniformWithinPyTorchsFanInBound() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, MULTI_MNIST, MNIST);
            // fan-in of each layer of the reference: conv1 1*5*5, conv2 10*5*5, fc 320
            double[] fanIn = {25, 25, 250, 250, 320, 320};
            List<Parameter> shared = network.sharedParameters();
            for (int i = 0; i < shared.size(); i++) {
                float bound = (float) (1 / Math.sqrt(fanIn[i]));
                float[] values = shared.get(i).getArray().toFloatArray();
                float max = 0;
                for (float v : values) {
                    max = Math.max(max, Math.abs(v));
                }
                assertTrue(max <= bound, shared.get(i).getName() + " exceeds " + bound);
                if (values.length > 100) {
                    // uniform on [-b, b]: the largest of many draws is close to b
                    assertTrue(
                            max > 0.9f * bound,
                            shared.get(i).getName() + " max " + max + " bound " + bound);
                }
            }
        }
    }

    @Test
    void vectorTasksGetTheMlpDesign() {
        List<Task> tasks = List.of(Task.classification("a", 3, 0), Task.regression("b", 2, 1));
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, tasks, new Shape(8));
            assertEquals((8 * 64 + 64) + (64 * 64 + 64), count(network.sharedParameters()));
            assertEquals((64 * 32 + 32) + (32 * 3 + 3), count(network.taskParameters("a")));
            assertEquals((64 * 32 + 32) + (32 * 2 + 2), count(network.taskParameters("b")));

            MultiTaskNetwork custom =
                    build(manager, tasks, new Shape(8), "mlp.hidden=16", "head.hidden=");
            assertEquals(8 * 16 + 16, count(custom.sharedParameters()));
            assertEquals(16 * 3 + 3, count(custom.taskParameters("a")));
        }
    }

    @Test
    void mlpTrunkFlattensImages() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network =
                    build(manager, MULTI_MNIST, MNIST, "trunk=mlp", "mlp.hidden=20");
            assertEquals(784 * 20 + 20, count(network.sharedParameters()));
            NDList z =
                    network.encode(
                            new ParameterStore(manager, false),
                            manager.ones(new Shape(3, 1, 28, 28)),
                            false);
            assertEquals(new Shape(3, 20), z.singletonOrThrow().getShape());
        }
    }

    @Test
    void headsAreChildrenNamedByTask() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, MULTI_MNIST, MNIST);
            assertEquals(
                    List.of("01trunk", "02left", "03right"), network.block().getChildren().keys());
        }
    }

    @Test
    void encodeThenDecodeIsTheRootBlocksForward() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, MULTI_MNIST, MNIST);
            ParameterStore parameters = new ParameterStore(manager, false);
            NDArray input = manager.randomNormal(new Shape(2, 1, 28, 28));
            NDList representation = network.encode(parameters, input, false);
            assertEquals(new Shape(2, 50), representation.singletonOrThrow().getShape());
            NDList outputs = network.block().forward(parameters, new NDList(input), false);
            assertArrayEquals(
                    outputs.get(0).toFloatArray(),
                    network.decode(parameters, representation, "left", false).toFloatArray());
            assertArrayEquals(
                    outputs.get(1).toFloatArray(),
                    network.decode(parameters, representation, "right", false).toFloatArray());
        }
    }

    @Test
    void savedParametersLoadIntoAFreshNetwork() throws IOException, MalformedModelException {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork saved = build(manager, MULTI_MNIST, MNIST);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                saved.block().saveParameters(out);
            }
            ContractTensors.seedEngine(99);
            MultiTaskNetwork loaded =
                    TestPlugins.create(new HardSharingFactory())
                            .build(new NetworkContext(MULTI_MNIST, MNIST, manager, 99));
            loaded.block()
                    .loadParameters(
                            manager,
                            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            NDArray input = manager.randomNormal(new Shape(2, 1, 28, 28));
            ParameterStore parameters = new ParameterStore(manager, false);
            assertArrayEquals(
                    saved.block()
                            .forward(parameters, new NDList(input), false)
                            .get(1)
                            .toFloatArray(),
                    loaded.block()
                            .forward(parameters, new NDList(input), false)
                            .get(1)
                            .toFloatArray());
        }
    }

    @Test
    void lenetOnVectorsFailsNamingTheTrunkKey() {
        try (NDManager manager = ContractTensors.newManager()) {
            PluginConfigException e =
                    assertThrows(
                            PluginConfigException.class,
                            () -> build(manager, MULTI_MNIST, new Shape(8), "trunk=lenet"));
            assertEquals("architecture.hard-sharing.trunk", e.getKey());
        }
    }

    @Test
    void autoRejectsExamplesOfRankTwo() {
        try (NDManager manager = ContractTensors.newManager()) {
            PluginConfigException e =
                    assertThrows(
                            PluginConfigException.class,
                            () -> build(manager, MULTI_MNIST, new Shape(4, 4)));
            assertEquals("architecture.hard-sharing.trunk", e.getKey());
        }
    }

    @Test
    void lenetRejectsImagesSmallerThanSixteenPixels() {
        try (NDManager manager = ContractTensors.newManager()) {
            assertThrows(
                    PluginConfigException.class,
                    () -> build(manager, MULTI_MNIST, new Shape(1, 15, 15)));
            build(manager, MULTI_MNIST, new Shape(3, 16, 16));
        }
    }

    @Test
    void nonIntegerLayerWidthsFailNamingTheKey() {
        for (String widths : new String[] {"64,0", "1.5", ""}) {
            PluginConfigException e =
                    assertThrows(
                            PluginConfigException.class,
                            () ->
                                    TestPlugins.create(
                                            new HardSharingFactory(), "mlp.hidden=" + widths));
            assertEquals("architecture.hard-sharing.mlp.hidden", e.getKey());
        }
    }

    @Test
    void unknownTaskIsAnError() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, MULTI_MNIST, MNIST);
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class, () -> network.taskParameters("sum"));
            assertTrue(e.getMessage().contains("[left, right]"), e.getMessage());
        }
    }
}
