package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openmtl.plugins.architecture.CrossStitchTest.child;
import static org.openmtl.plugins.architecture.CrossStitchTest.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.task.Task;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

/**
 * Sluice networks against hand counts and independently computed expectations: α's near-identity
 * start over subspaces, parameter counts, β as a weighted sum of the equal-shape stage outputs, a
 * subspace swap between columns, the orthogonality penalty on a tiny network computed on the heap,
 * and that the penalty can still be back-propagated after the task losses released their graph (as
 * the trainer's gradient modes do). Identity α with β on the last stage = independent networks is
 * checked in {@code SharingArchitecturesTest}.
 */
class SluiceTest {

    private static final List<Task> TASKS = List.of(Task.classification("a", 3, 0),
            Task.classification("b", 2, 1), Task.regression("c", 2, 2));
    private static final Shape VECTOR = new Shape(8);
    private static final Shape IMAGE = new Shape(1, 28, 28);

    private static MultiTaskNetwork build(NDManager manager, List<Task> tasks, Shape example, String... settings) {
        ContractTensors.seedEngine(1);
        return TestPlugins.create(new SluiceFactory(), settings).build(new NetworkContext(tasks, example, manager, 1));
    }

    private static long count(List<Parameter> parameters) {
        return parameters.stream().mapToLong(p -> p.getArray().size()).sum();
    }

    private static Parameter extra(MultiTaskNetwork network, String name) {
        for (Parameter p : network.extraParameters()) {
            if (p.getName().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no extra parameter " + name);
    }

    private static void identityAlphas(MultiTaskNetwork network, NDManager manager) {
        for (Parameter p : network.extraParameters()) {
            if (p.getName().startsWith("alpha")) {
                p.getArray().set(manager.eye((int) p.getArray().getShape().get(0)).toFloatArray());
            }
        }
    }

    @Test
    void alphaStartsNearTheIdentityOverSubspacesAndBetaOnTheLastStage() {
        try (NDManager manager = ContractTensors.newManager()) {
            // 3 tasks × 2 subspaces: 6×6, diagonal 0.9, the rest (1 − 0.9)/5 = 0.02
            MultiTaskNetwork sluice = build(manager, TASKS, VECTOR);
            float[] alpha = extra(sluice, "alpha_after_stage1").getArray().toFloatArray();
            assertEquals(36, alpha.length);
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 6; j++) {
                    assertEquals(i == j ? 0.9f : 0.02f, alpha[i * 6 + j], 1e-7f, i + "," + j);
                }
            }
            for (Task t : TASKS) {
                assertArrayEquals(new float[] {0, 1}, extra(sluice, t.name() + "_beta").getArray().toFloatArray(), 0f);
            }
            // lenet: only the last stage has the representation's shape, so β is one weight, 1
            MultiTaskNetwork lenet = build(manager, TASKS, IMAGE);
            assertArrayEquals(new float[] {1}, extra(lenet, "a_beta").getArray().toFloatArray(), 0f);
        }
    }

    @Test
    void parameterCountsMatchAHandCount() {
        try (NDManager manager = ContractTensors.newManager()) {
            long lenetColumn = (10 * 25 + 10) + (20 * 10 * 25 + 20) + (320 * 50 + 50);
            long lenetHeads = 3 * (50 * 50 + 50) + (50 * 3 + 3) + 2 * (50 * 2 + 2);
            // α (3·2)² after each of the three stages, β one weight per task
            MultiTaskNetwork lenet = build(manager, TASKS, IMAGE);
            long total = lenet.block().getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            assertEquals(3 * lenetColumn + lenetHeads + 3 * 36 + 3, total);
            assertEquals(3 * lenetColumn, count(lenet.sharedParameters()));
            assertEquals(3 * 36 + 3, count(lenet.extraParameters()));
            assertEquals(50 * 50 + 50 + 50 * 2 + 2, count(lenet.taskParameters("c")));
            // mlp 8→16→16, heads 16→o, 4 subspaces: α (3·4)² twice, β over both stages
            MultiTaskNetwork mlp = build(manager, TASKS, VECTOR, "mlp.hidden=16,16", "head.hidden=", "subspaces=4");
            long column = (8 * 16 + 16) + (16 * 16 + 16);
            long heads = (16 * 3 + 3) + 2 * (16 * 2 + 2);
            assertEquals(3 * column, count(mlp.sharedParameters()));
            assertEquals(2 * 144 + 3 * 2, count(mlp.extraParameters()));
            assertEquals(16 * 3 + 3, count(mlp.taskParameters("a")));
            long all = mlp.block().getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
            assertEquals(3 * column + heads + 2 * 144 + 6, all);
            // widths 16 then 32: only the last stage has the representation's width, β is one weight
            MultiTaskNetwork uneven = build(manager, TASKS, VECTOR, "mlp.hidden=16,32");
            assertEquals(1, extra(uneven, "b_beta").getArray().size());
            assertEquals(List.of(2), uneven.structure().get("beta_stages"));
        }
    }

    @Test
    void betaIsAWeightedSumOfTheColumnsStageOutputs() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork sluice = build(manager, TASKS, VECTOR);
            identityAlphas(sluice, manager);
            extra(sluice, "a_beta").getArray().set(new float[] {0.3f, 0.7f});
            extra(sluice, "b_beta").getArray().set(new float[] {-1f, 2f});
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(5, 8));
            NDList rep = sluice.encode(store, x, false);
            for (String task : List.of("a", "b")) {
                NDArray h1 = run(child(sluice, task + "_stage1"), store, x);
                NDArray h2 = run(child(sluice, task + "_stage2"), store, h1);
                float[] beta = extra(sluice, task + "_beta").getArray().toFloatArray();
                NDArray expected = h1.mul(beta[0]).add(h2.mul(beta[1]));
                int index = task.equals("a") ? 0 : 1;
                assertArrayEquals(expected.toFloatArray(), rep.get(index).toFloatArray(), 1e-5f, task);
                assertArrayEquals(run(child(sluice, task + "_head"), store, expected).toFloatArray(),
                        sluice.decode(store, rep, task, false).toFloatArray(), 1e-5f, task);
            }
        }
    }

    @Test
    void alphaMixesSubspacesInTaskMajorOrder() {
        try (NDManager manager = ContractTensors.newManager()) {
            List<Task> two = TASKS.subList(0, 2);
            MultiTaskNetwork sluice = build(manager, two, VECTOR, "mlp.hidden=4,4", "head.hidden=");
            identityAlphas(sluice, manager);
            // rows and columns: (a, 1), (a, 2), (b, 1), (b, 2); after stage 1 the second subspaces swap
            float[] swap = {
                1, 0, 0, 0,
                0, 0, 0, 1,
                0, 0, 1, 0,
                0, 1, 0, 0,
            };
            extra(sluice, "alpha_after_stage1").getArray().set(swap);
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(3, 8));
            NDArray h1a = run(child(sluice, "a_stage1"), store, x);
            NDArray h1b = run(child(sluice, "b_stage1"), store, x);
            NDArray inA = NDArrays.concat(new NDList(h1a.get(new NDIndex(":, 0:2")), h1b.get(new NDIndex(":, 2:4"))), 1);
            NDArray inB = NDArrays.concat(new NDList(h1b.get(new NDIndex(":, 0:2")), h1a.get(new NDIndex(":, 2:4"))), 1);
            NDList rep = sluice.encode(store, x, false);
            assertArrayEquals(run(child(sluice, "a_stage2"), store, inA).toFloatArray(), rep.get(0).toFloatArray(), 1e-6f);
            assertArrayEquals(run(child(sluice, "b_stage2"), store, inB).toFloatArray(), rep.get(1).toFloatArray(), 1e-6f);
        }
    }

    /** Σ over columns and stages of ‖G_1ᵀ G_2‖_F², G_s the (batch × width/2) subspace activations. */
    private static double orthogonalityByHand(float[] h, int batch, int width) {
        int half = width / 2;
        double total = 0;
        for (int i = 0; i < half; i++) {
            for (int j = 0; j < half; j++) {
                double product = 0;
                for (int b = 0; b < batch; b++) {
                    product += (double) h[b * width + i] * h[b * width + half + j];
                }
                total += product * product;
            }
        }
        return total;
    }

    @Test
    void thePenaltyIsTheWeightedSquaredFrobeniusNormOfEveryColumnAndStage() {
        try (NDManager manager = ContractTensors.newManager()) {
            List<Task> two = TASKS.subList(0, 2);
            MultiTaskNetwork sluice = build(manager, two, VECTOR, "mlp.hidden=4,4", "head.hidden=", "orthogonality=0.5");
            identityAlphas(sluice, manager);
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(3, 8));
            double expected = 0;
            for (String task : List.of("a", "b")) {
                NDArray h1 = run(child(sluice, task + "_stage1"), store, x);
                NDArray h2 = run(child(sluice, task + "_stage2"), store, h1);
                expected += orthogonalityByHand(h1.toFloatArray(), 3, 4) + orthogonalityByHand(h2.toFloatArray(), 3, 4);
            }
            sluice.encode(store, x, false);
            assertEquals(0.5 * expected, sluice.penalty(store).orElseThrow().getFloat(), 1e-5 * Math.max(1, expected));
            assertTrue(expected > 0);
            // the default weight 0: no penalty
            MultiTaskNetwork plain = build(manager, two, VECTOR);
            plain.encode(store, x, false);
            assertTrue(plain.penalty(store).isEmpty());
            // one subspace: no pair to keep apart, whatever the weight
            MultiTaskNetwork single = build(manager, two, VECTOR, "subspaces=1", "orthogonality=0.5");
            single.encode(store, x, false);
            assertTrue(single.penalty(store).isEmpty());
        }
    }

    @Test
    void thePenaltyBackPropagatesAfterTheLossesReleasedTheirGraph() {
        for (Shape example : List.of(VECTOR, IMAGE)) {
            try (NDManager manager = ContractTensors.newManager()) {
                MultiTaskNetwork sluice = build(manager, TASKS, example, "orthogonality=0.01");
                ParameterStore store = new ParameterStore(manager, false);
                NDArray x = manager.randomNormal(new Shape(4).addAll(example));
                try (GradientCollector collector = ContractTensors.newGradientCollector()) {
                    NDList rep = sluice.encode(store, x, true);
                    NDArray loss = sluice.decode(store, rep, "a", true).square().sum();
                    // the trainer's representation and parameter modes back-propagate the losses
                    // without keeping the graph, then the penalty
                    collector.backward(loss);
                    for (Parameter p : sluice.sharedParameters()) {
                        p.getArray().getGradient().subi(p.getArray().getGradient());
                    }
                    collector.backward(sluice.penalty(store).orElseThrow());
                }
                // the penalty alone reaches the first stage of every column
                for (Task t : TASKS) {
                    Parameter weight = child(sluice, t.name() + "_stage1").getParameters().values().get(0);
                    assertTrue(ContractTensors.isNonZero(weight.getArray().getGradient()), t.name());
                }
            }
        }
    }

    @Test
    void aTrainingBackwardReachesAlphaAndBeta() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork sluice = build(manager, TASKS, VECTOR);
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(4, 8));
            try (GradientCollector collector = ContractTensors.newGradientCollector()) {
                NDList rep = sluice.encode(store, x, true);
                NDArray objective = null;
                for (Task t : TASKS) {
                    NDArray term = sluice.decode(store, rep, t.name(), true).square().sum();
                    objective = objective == null ? term : objective.add(term);
                }
                collector.backward(objective);
            }
            for (Parameter p : sluice.extraParameters()) {
                assertTrue(ContractTensors.gradientReached(p.getArray()), p.getName());
                assertTrue(ContractTensors.isNonZero(p.getArray().getGradient()), p.getName());
            }
        }
    }

    @Test
    void structureReportsAlphaAndBetaRounded() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork sluice = build(manager, TASKS.subList(0, 2), VECTOR, "subspaces=1");
            extra(sluice, "b_beta").getArray().set(new float[] {0.123456f, 0.9f});
            Map<String, Object> structure = sluice.structure();
            assertEquals(List.of(0.0, 1.0), ((Map<?, ?>) structure.get("beta")).get("a"));
            assertEquals(List.of(0.1235, 0.9), ((Map<?, ?>) structure.get("beta")).get("b"));
            assertEquals(List.of(1, 2), structure.get("beta_stages"));
            Map<?, ?> alpha = (Map<?, ?>) structure.get("alpha");
            assertEquals(List.of(List.of(0.9, 0.1), List.of(0.1, 0.9)), alpha.get("after_stage1"));
            assertEquals(new ArrayList<>(List.of("after_stage1", "after_stage2")), new ArrayList<>(alpha.keySet()));
        }
    }

    @Test
    void subspacesThatDoNotDivideAWidthAreRejectedNamingTheKey() {
        try (NDManager manager = ContractTensors.newManager()) {
            PluginConfigException e = assertThrows(PluginConfigException.class,
                    () -> build(manager, TASKS, VECTOR, "mlp.hidden=64,63"));
            assertTrue(e.getMessage().contains("subspaces") && e.getMessage().contains("63"), e.getMessage());
            // lenet's stages have 10, 20·4·4 and 50 outputs: 4 does not divide 10 or 50
            assertThrows(PluginConfigException.class, () -> build(manager, TASKS, IMAGE, "subspaces=4"));
        }
    }
}
