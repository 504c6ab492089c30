package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.task.Task;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

/**
 * Cross-stitch networks against hand counts and independently computed expectations: the units'
 * near-identity start, shared and per-channel mixing on small arrays, identity units = independent
 * networks (copied weights, mlp on vectors and lenet on images), a unit that swaps two columns,
 * the parameter partition and the configuration errors.
 */
class CrossStitchTest {

    private static final List<Task> TASKS = List.of(Task.classification("a", 3, 0),
            Task.classification("b", 2, 1), Task.regression("c", 2, 2));
    private static final Shape VECTOR = new Shape(8);
    private static final Shape IMAGE = new Shape(1, 28, 28);

    /** One mlp column 8→64→64 and the heads 64→32→o (the design's defaults). */
    private static final long MLP_COLUMN = (8 * 64 + 64) + (64 * 64 + 64);
    private static final long MLP_HEADS = 3 * (64 * 32 + 32) + (32 * 3 + 3) + 2 * (32 * 2 + 2);
    /** One lenet column: conv 1→10 5×5, conv 10→20 5×5, fc 320→50; heads 50→50→o. */
    private static final long LENET_COLUMN = (10 * 25 + 10) + (20 * 10 * 25 + 20) + (320 * 50 + 50);
    private static final long LENET_HEADS = 3 * (50 * 50 + 50) + (50 * 3 + 3) + 2 * (50 * 2 + 2);

    private static MultiTaskNetwork build(NDManager manager, Shape example, String... settings) {
        return build(manager, TASKS, example, settings);
    }

    private static MultiTaskNetwork build(NDManager manager, List<Task> tasks, Shape example, String... settings) {
        ContractTensors.seedEngine(1);
        return TestPlugins.create(new CrossStitchFactory(), settings)
                .build(new NetworkContext(tasks, example, manager, 1));
    }

    private static long count(List<Parameter> parameters) {
        return parameters.stream().mapToLong(p -> p.getArray().size()).sum();
    }

    private static long count(MultiTaskNetwork network) {
        return count(new ArrayList<>(network.block().getParameters().values()));
    }

    /** A child of the network's root block by its name ("a_stage1", "b_head"). */
    static Block child(MultiTaskNetwork network, String name) {
        for (Pair<String, Block> c : network.block().getChildren()) {
            if (c.getKey().replaceFirst("^[0-9]+", "").equals(name)) {
                return c.getValue();
            }
        }
        throw new AssertionError("no child " + name);
    }

    static NDArray run(Block block, ParameterStore store, NDArray x) {
        return block.forward(store, new NDList(x), false).singletonOrThrow();
    }

    private static Parameter alpha(MultiTaskNetwork network, int stage) {
        for (Parameter p : network.extraParameters()) {
            if (p.getName().equals("alpha_after_stage" + stage)) {
                return p;
            }
        }
        throw new AssertionError("no unit after stage " + stage);
    }

    @Test
    void unitsStartNearTheIdentity() {
        try (NDManager manager = ContractTensors.newManager()) {
            // three tasks, alpha.self 0.9: off-diagonals (1 − 0.9)/2 = 0.05
            MultiTaskNetwork three = build(manager, VECTOR);
            float[] expected = {0.9f, 0.05f, 0.05f, 0.05f, 0.9f, 0.05f, 0.05f, 0.05f, 0.9f};
            for (Parameter alpha : three.extraParameters()) {
                assertEquals(new Shape(3, 3), alpha.getArray().getShape());
                assertArrayEquals(expected, alpha.getArray().toFloatArray(), 1e-7f);
            }
            // two tasks, alpha.self 0.7: off-diagonal 0.3
            MultiTaskNetwork two = build(manager, TASKS.subList(0, 2), VECTOR, "alpha.self=0.7");
            assertArrayEquals(new float[] {0.7f, 0.3f, 0.3f, 0.7f}, alpha(two, 1).getArray().toFloatArray(), 1e-7f);
            // one task: the unit is the identity whatever alpha.self says
            MultiTaskNetwork one = build(manager, TASKS.subList(0, 1), VECTOR, "alpha.self=0.5");
            assertArrayEquals(new float[] {1f}, alpha(one, 1).getArray().toFloatArray(), 0f);
            // per channel: the same matrix for every channel; lenet stages have 10, 20 and 50 channels
            MultiTaskNetwork perChannel = build(manager, IMAGE, "alpha.per-channel=true");
            long[] channels = {10, 20, 50};
            for (int stage = 1; stage <= 3; stage++) {
                NDArray a = alpha(perChannel, stage).getArray();
                assertEquals(new Shape(channels[stage - 1], 3, 3), a.getShape());
                float[] values = a.toFloatArray();
                for (int c = 0; c < channels[stage - 1]; c++) {
                    float[] matrix = new float[9];
                    System.arraycopy(values, c * 9, matrix, 0, 9);
                    assertArrayEquals(expected, matrix, 1e-7f, "stage " + stage + " channel " + c);
                }
            }
        }
    }

    @Test
    void parameterCountsAndPartitionMatchAHandCount() {
        try (NDManager manager = ContractTensors.newManager()) {
            // lenet: three columns, a 3×3 unit after each of the three stages
            MultiTaskNetwork lenet = build(manager, IMAGE);
            assertEquals(3 * LENET_COLUMN + LENET_HEADS + 3 * 9, count(lenet));
            assertEquals(3 * LENET_COLUMN, count(lenet.sharedParameters()));
            assertEquals(3 * 9, count(lenet.extraParameters()));
            assertEquals(50 * 50 + 50 + 50 * 3 + 3, count(lenet.taskParameters("a")));
            // per channel: (10 + 20 + 50) channels × 9
            MultiTaskNetwork lenetPerChannel = build(manager, IMAGE, "alpha.per-channel=true");
            assertEquals(3 * LENET_COLUMN + LENET_HEADS + 80 * 9, count(lenetPerChannel));
            assertEquals(80 * 9, count(lenetPerChannel.extraParameters()));
            // mlp per channel: 64 + 64 features × 9
            assertEquals(3 * MLP_COLUMN + MLP_HEADS + 128 * 9, count(build(manager, VECTOR, "alpha.per-channel=true")));
            // a smaller mlp without head layers: columns 8→16→8, heads 8→o, units after stage 2 only
            MultiTaskNetwork small = build(manager, VECTOR, "mlp.hidden=16,8", "head.hidden=", "units.after=2");
            long column = (8 * 16 + 16) + (16 * 8 + 8);
            long heads = (8 * 3 + 3) + 2 * (8 * 2 + 2);
            assertEquals(3 * column + heads + 9, count(small));
            assertEquals(3 * column, count(small.sharedParameters()));
            // lenet with one unit after stage 2: stage 3 of each column is its task's own
            MultiTaskNetwork early = build(manager, IMAGE, "units.after=2");
            assertEquals(3 * ((10 * 25 + 10) + (20 * 10 * 25 + 20)), count(early.sharedParameters()));
            assertEquals((320 * 50 + 50) + 50 * 50 + 50 + 50 * 2 + 2, count(early.taskParameters("b")));
            // shared, task and extra parameters partition the block's parameters
            for (MultiTaskNetwork network : List.of(lenet, lenetPerChannel, small, early)) {
                Set<String> claimed = new HashSet<>();
                network.sharedParameters().forEach(p -> assertTrue(claimed.add(p.getId())));
                network.extraParameters().forEach(p -> assertTrue(claimed.add(p.getId())));
                for (Task t : TASKS) {
                    network.taskParameters(t.name()).forEach(p -> assertTrue(claimed.add(p.getId())));
                }
                assertEquals(network.block().getParameters().size(), claimed.size());
            }
        }
    }

    @Test
    void encodeReturnsOneColumnPerTaskAndDecodeItsOutputs() {
        try (NDManager manager = ContractTensors.newManager()) {
            for (Shape example : List.of(VECTOR, IMAGE)) {
                for (String perChannel : List.of("false", "true")) {
                    MultiTaskNetwork network = build(manager, example, "alpha.per-channel=" + perChannel);
                    ParameterStore store = new ParameterStore(manager, false);
                    NDList rep = network.encode(store, manager.randomNormal(new Shape(5).addAll(example)), false);
                    assertEquals(3, rep.size());
                    for (NDArray column : rep) {
                        // lenet's fc stage has 50 units, the mlp's last hidden layer 64
                        assertEquals(new Shape(5, example.equals(IMAGE) ? 50 : 64), column.getShape());
                    }
                    for (Task t : TASKS) {
                        assertEquals(new Shape(5, t.outputs()), network.decode(store, rep, t.name(), false).getShape());
                    }
                }
            }
        }
    }

    @Test
    void sharedAndPerChannelUnitsMixAsWrittenByHand() {
        try (NDManager manager = ContractTensors.newManager()) {
            NDList columns = new NDList(manager.create(new float[] {1, 2, 3, 4}, new Shape(1, 2, 2)),
                    manager.create(new float[] {10, 20, 30, 40}, new Shape(1, 2, 2)));
            // one α: out_0 = 0.75 x_0 + 0.25 x_1, out_1 = x_1
            NDArray shared = manager.create(new float[] {0.75f, 0.25f, 0, 1}, new Shape(2, 2));
            NDList mixed = CrossStitchUnit.mix(shared, columns);
            assertArrayEquals(new float[] {3.25f, 6.5f, 9.75f, 13}, mixed.get(0).toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {10, 20, 30, 40}, mixed.get(1).toFloatArray(), 1e-5f);
            // per channel: channel 0 keeps column 0 and averages into column 1; channel 1 swaps in
            // column 1 for column 0 and gives column 1 a quarter of column 0
            NDArray perChannel = manager.create(new float[] {1, 0, 0.5f, 0.5f, 0, 1, 0.25f, 0.75f}, new Shape(2, 2, 2));
            mixed = CrossStitchUnit.mixPerChannel(perChannel, columns);
            assertEquals(new Shape(1, 2, 2), mixed.get(0).getShape());
            assertArrayEquals(new float[] {1, 2, 30, 40}, mixed.get(0).toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {5.5f, 11, 23.25f, 31}, mixed.get(1).toFloatArray(), 1e-5f);
            // a flattened (batch, C·k) activation keeps its channel-major order: the same numbers
            NDList flat = new NDList(columns.get(0).reshape(1, 4), columns.get(1).reshape(1, 4));
            mixed = CrossStitchUnit.mixPerChannel(perChannel, flat);
            assertEquals(new Shape(1, 4), mixed.get(1).getShape());
            assertArrayEquals(new float[] {5.5f, 11, 23.25f, 31}, mixed.get(1).toFloatArray(), 1e-5f);
            // a batch of two: each example mixed on its own
            NDList batch = new NDList(manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)),
                    manager.create(new float[] {10, 20, 30, 40}, new Shape(2, 2)));
            mixed = CrossStitchUnit.mixPerChannel(perChannel, batch);
            assertArrayEquals(new float[] {1, 20, 3, 40}, mixed.get(0).toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {5.5f, 0.5f + 15, 16.5f, 1 + 30}, mixed.get(1).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void identityUnitsAreExactlyIndependentNetworks() {
        for (Shape example : List.of(VECTOR, IMAGE)) {
            for (String perChannel : List.of("false", "true")) {
                try (NDManager manager = ContractTensors.newManager()) {
                    MultiTaskNetwork cross = build(manager, example, "alpha.per-channel=" + perChannel);
                    // other initial weights than the cross-stitch network's, so the copy matters
                    ContractTensors.seedEngine(2);
                    MultiTaskNetwork independent = TestPlugins.create(new IndependentFactory())
                            .build(new NetworkContext(TASKS, example, manager, 2));
                    for (Parameter alpha : cross.extraParameters()) {
                        Shape shape = alpha.getArray().getShape();
                        NDArray eye = manager.eye(3);
                        alpha.getArray().set((shape.dimension() == 3 ? eye.broadcast(shape) : eye).toFloatArray());
                    }
                    for (Task t : TASKS) {
                        List<Parameter> mine = new ArrayList<>();
                        for (Pair<String, Parameter> p : cross.block().getParameters()) {
                            if (p.getKey().replaceFirst("^[0-9]+", "").startsWith(t.name() + "_")) {
                                mine.add(p.getValue());
                            }
                        }
                        List<Parameter> theirs = independent.taskParameters(t.name());
                        assertEquals(theirs.size(), mine.size());
                        for (int i = 0; i < mine.size(); i++) {
                            assertEquals(theirs.get(i).getArray().getShape(), mine.get(i).getArray().getShape());
                            mine.get(i).getArray().set(theirs.get(i).getArray().toFloatArray());
                        }
                    }
                    ParameterStore store = new ParameterStore(manager, false);
                    NDArray x = manager.randomNormal(new Shape(6).addAll(example));
                    NDList a = cross.encode(store, x, false);
                    NDList b = independent.encode(store, x, false);
                    for (Task t : TASKS) {
                        assertArrayEquals(independent.decode(store, b, t.name(), false).toFloatArray(),
                                cross.decode(store, a, t.name(), false).toFloatArray(), 1e-5f,
                                example + " per-channel " + perChannel + " " + t.name());
                    }
                }
            }
        }
    }

    @Test
    void aUnitThatSwapsTwoColumnsFeedsEachColumnTheOthersActivation() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork cross = build(manager, VECTOR);
            // after stage 1, a reads b's activation and b reads a's; c and stage 2 unchanged
            alpha(cross, 1).getArray().set(new float[] {0, 1, 0, 1, 0, 0, 0, 0, 1});
            alpha(cross, 2).getArray().set(manager.eye(3).toFloatArray());
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(4, 8));
            NDArray h1a = run(child(cross, "a_stage1"), store, x);
            NDArray h1b = run(child(cross, "b_stage1"), store, x);
            NDArray expectedA = run(child(cross, "a_head"), store, run(child(cross, "a_stage2"), store, h1b));
            NDArray expectedB = run(child(cross, "b_head"), store, run(child(cross, "b_stage2"), store, h1a));
            NDList rep = cross.encode(store, x, false);
            assertArrayEquals(expectedA.toFloatArray(), cross.decode(store, rep, "a", false).toFloatArray(), 1e-5f);
            assertArrayEquals(expectedB.toFloatArray(), cross.decode(store, rep, "b", false).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void aTrainingBackwardReachesTheUnits() {
        for (String perChannel : List.of("false", "true")) {
            try (NDManager manager = ContractTensors.newManager()) {
                MultiTaskNetwork cross = build(manager, IMAGE, "alpha.per-channel=" + perChannel);
                ParameterStore store = new ParameterStore(manager, false);
                NDArray x = manager.randomNormal(new Shape(3, 1, 28, 28));
                try (GradientCollector collector = ContractTensors.newGradientCollector()) {
                    NDList rep = cross.encode(store, x, true);
                    NDArray objective = cross.decode(store, rep, "a", true).sum()
                            .add(cross.decode(store, rep, "c", true).square().sum());
                    collector.backward(objective);
                }
                for (Parameter alpha : cross.extraParameters()) {
                    assertTrue(ContractTensors.gradientReached(alpha.getArray()), alpha.getName());
                    assertTrue(ContractTensors.isNonZero(alpha.getArray().getGradient()), alpha.getName());
                }
            }
        }
    }

    @Test
    void structureReportsEachUnitRounded() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork cross = build(manager, TASKS.subList(0, 2), VECTOR);
            alpha(cross, 2).getArray().set(new float[] {0.123456f, 0.876544f, 0.5f, 0.5f});
            Map<String, Object> structure = cross.structure();
            assertEquals(List.of("a", "b"), structure.get("tasks"));
            Map<?, ?> units = (Map<?, ?>) structure.get("alpha");
            assertEquals(List.of("after_stage1", "after_stage2"), new ArrayList<>(units.keySet()));
            assertEquals(List.of(List.of(0.9, 0.1), List.of(0.1, 0.9)), units.get("after_stage1"));
            assertEquals(List.of(List.of(0.1235, 0.8765), List.of(0.5, 0.5)), units.get("after_stage2"));
            // per channel: the mean over the channels
            MultiTaskNetwork perChannel = build(manager, TASKS.subList(0, 2), VECTOR, "mlp.hidden=2", "alpha.per-channel=true");
            alpha(perChannel, 1).getArray().set(new float[] {1, 0, 0, 1, 0.5f, 0.5f, 0, 1});
            assertEquals(List.of(List.of(0.75, 0.25), List.of(0.0, 1.0)),
                    ((Map<?, ?>) perChannel.structure().get("alpha")).get("after_stage1"));
        }
    }

    @Test
    void badUnitPositionsAreRejectedNamingTheKey() {
        try (NDManager manager = ContractTensors.newManager()) {
            // the mlp trunk has two stages
            PluginConfigException beyond = assertThrows(PluginConfigException.class,
                    () -> build(manager, VECTOR, "units.after=3"));
            assertTrue(beyond.getMessage().contains("units.after") && beyond.getMessage().contains("1..2"),
                    beyond.getMessage());
        }
        for (String bad : List.of("0", "1.5", "-1")) {
            PluginConfigException e = assertThrows(PluginConfigException.class,
                    () -> TestPlugins.create(new CrossStitchFactory(), "units.after=" + bad));
            assertTrue(e.getMessage().contains("units.after"), e.getMessage());
        }
    }
}
