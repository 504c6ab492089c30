package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.task.Task;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class LearnToBranchTest {

    private static final List<Task> TASKS = List.of(Task.regression("t0", 1, 0), Task.regression("t1", 1, 1),
            Task.regression("t2", 1, 2), Task.regression("t3", 1, 3));

    @Test
    void aForcedTreeIsThatTreeAndFixingItRepartitionsTheParameters() {
        try (NDManager manager = ContractTensors.newManager()) {
            ContractTensors.seedEngine(1);
            LearnToBranch.Network network = (LearnToBranch.Network) TestPlugins.create(new LearnToBranchFactory())
                    .build(new NetworkContext(TASKS, new Shape(8), manager, 1));
            // mlp: 2 stages of 4 nodes. Stage-2 nodes 0 and 1 read stage-1 node 0; tasks t0, t2 read stage-2 node 0,
            // t1, t3 stage-2 node 1: {t0..t3} share stage-1 node 0, then split {t0,t2} / {t1,t3}
            List<Parameter> extra = network.extraParameters();
            Parameter stage2 = extra.get(0);
            Parameter heads = extra.get(1);
            float big = 50f;
            float[] s2 = new float[16];
            for (int c = 0; c < 4; c++) {
                s2[c * 4] = big;
            }
            stage2.getArray().set(s2);
            heads.getArray().set(new float[] {big, 0, 0, 0, 0, big, 0, 0, big, 0, 0, 0, 0, big, 0, 0});
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(3, 8));
            // by hand: node(1,0) on x, then node(2,0) for t0 and node(2,1) for t1, then the heads
            List<Block> children = new ArrayList<>();
            network.block().getChildren().forEach(c -> children.add(c.getValue()));
            NDArray h1 = children.get(0).forward(store, new NDList(x), false).singletonOrThrow();
            NDArray h20 = children.get(4).forward(store, new NDList(h1), false).singletonOrThrow();
            NDArray h21 = children.get(5).forward(store, new NDList(h1), false).singletonOrThrow();
            NDArray t0 = children.get(8).forward(store, new NDList(h20), false).singletonOrThrow();
            NDArray t1 = children.get(9).forward(store, new NDList(h21), false).singletonOrThrow();
            NDList rep = network.encode(store, x, false);
            assertArrayEquals(t0.toFloatArray(), network.decode(store, rep, "t0", false).toFloatArray(), 1e-5f);
            assertArrayEquals(t1.toFloatArray(), network.decode(store, rep, "t1", false).toFloatArray(), 1e-5f);

            network.fixTree();
            assertEquals(List.of(List.of(List.of("t0", "t1", "t2", "t3")), List.of(List.of("t0", "t2"), List.of("t1", "t3"))),
                    network.structure().get("layers"));
            NDList fixed = network.encode(store, x, true);
            assertArrayEquals(t0.toFloatArray(), network.decode(store, fixed, "t0", true).toFloatArray(), 1e-5f);
            // shared: stage-1 node 0; extra: the logits, the two half-shared stage-2 nodes and the five unused nodes
            long stage1 = 8 * 64 + 64;
            long stage2Node = 64 * 64 + 64;
            assertEquals(stage1, network.sharedParameters().stream().mapToLong(p -> p.getArray().size()).sum());
            assertEquals(16 + 16 + 3 * stage1 + 4 * stage2Node,
                    network.extraParameters().stream().mapToLong(p -> p.getArray().size()).sum());
            Set<String> ids = new HashSet<>();
            network.sharedParameters().forEach(p -> assertTrue(ids.add(p.getId())));
            network.extraParameters().forEach(p -> assertTrue(ids.add(p.getId())));
            for (Task t : TASKS) {
                network.taskParameters(t.name()).forEach(p -> assertTrue(ids.add(p.getId())));
            }
            assertEquals(network.block().getParameters().size(), ids.size());
        }
    }

    @Test
    void parentProbabilitiesAreDistributions() {
        try (NDManager manager = ContractTensors.newManager()) {
            LearnToBranch.Network network = (LearnToBranch.Network) TestPlugins.create(new LearnToBranchFactory())
                    .build(new NetworkContext(TASKS, new Shape(8), manager, 1));
            network.extraParameters().get(0).getArray().set(manager.randomNormal(new Shape(16)).toFloatArray());
            @SuppressWarnings("unchecked")
            List<List<List<Double>>> p = (List<List<List<Double>>>) network.structure().get("parent_probability");
            for (List<List<Double>> matrix : p) {
                for (List<Double> row : matrix) {
                    assertEquals(1.0, row.stream().mapToDouble(Double::doubleValue).sum(), 1e-3);
                    row.forEach(v -> assertTrue(v >= 0));
                }
            }
            assertEquals(List.of("search", "tree"), network.phases(10).stream().map(ph -> ph.name()).toList());
        }
    }
}
