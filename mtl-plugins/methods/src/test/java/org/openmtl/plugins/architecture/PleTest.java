package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openmtl.plugins.architecture.ExpertMixtureChecks.CONV1;
import static org.openmtl.plugins.architecture.ExpertMixtureChecks.CONV2;
import static org.openmtl.plugins.architecture.ExpertMixtureChecks.DIGITS;
import static org.openmtl.plugins.architecture.ExpertMixtureChecks.FC;
import static org.openmtl.plugins.architecture.ExpertMixtureChecks.IMAGE;
import static org.openmtl.plugins.architecture.ExpertMixtureChecks.LENET;
import static org.openmtl.plugins.architecture.ExpertMixtureChecks.TASKS;
import static org.openmtl.plugins.architecture.ExpertMixtureChecks.VECTOR;
import static org.openmtl.plugins.architecture.ExpertMixtureChecks.assertClose;
import static org.openmtl.plugins.architecture.ExpertMixtureChecks.build;
import static org.openmtl.plugins.architecture.ExpertMixtureChecks.copy;
import static org.openmtl.plugins.architecture.ExpertMixtureChecks.count;
import static org.openmtl.plugins.architecture.ExpertMixtureChecks.forceGate;
import static org.openmtl.plugins.architecture.ExpertMixtureChecks.lenetHead;
import static org.openmtl.plugins.architecture.ExpertMixtureChecks.named;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.task.Task;
import org.openmtl.testkit.ContractTensors;

/**
 * PLE against hand counts, CGC's closed form, gates forced onto one expert (= independent networks
 * or hard sharing with the same weights), and the partition the gradients show.
 */
class PleTest {

    @Test
    void parameterCountsOnImagesMatchAHandCount() {
        try (NDManager manager = ContractTensors.newManager()) {
            long taskGate784 = 784 * 2 + 2;
            long head = lenetHead(10);
            // two levels: [conv1], [conv2, fc]; 1 expert per task and 1 shared at each level; 2 tasks
            MultiTaskNetwork two = build(manager, new PleFactory(), DIGITS, IMAGE, 1);
            long level1 = 3 * CONV1 + 2 * taskGate784 + (784 * 3 + 3);
            long level2 = 3 * (CONV2 + FC) + 2 * (1440 * 2 + 2);
            assertEquals(level1 + level2 + 2 * head, count(two));
            assertEquals(81_369, count(two));
            // shared: level-1 experts and shared gate, the level-2 shared expert
            assertEquals(3 * CONV1 + (784 * 3 + 3) + (CONV2 + FC), count(two.sharedParameters()));
            // a task's: its level-1 gate (it feeds only its own level-2 expert and gate), level-2 expert and gate, head
            assertEquals(taskGate784 + (CONV2 + FC) + (1440 * 2 + 2) + head, count(two.taskParameters("left")));

            // three levels, one stage each; level 2 reads (10, 12, 12) maps, level 3 the flattened 320
            MultiTaskNetwork three = build(manager, new PleFactory(), DIGITS, IMAGE, 1, "levels=3");
            long l1 = 3 * CONV1 + 2 * taskGate784 + (784 * 3 + 3);
            long l2 = 3 * CONV2 + 2 * (1440 * 2 + 2) + (1440 * 3 + 3);
            long l3 = 3 * FC + 2 * (320 * 2 + 2);
            assertEquals(l1 + l2 + l3 + 2 * head, count(three));
            // the level-1 task gates reach every task through level 2's shared gate
            assertEquals(3 * CONV1 + 2 * taskGate784 + (784 * 3 + 3) + 3 * CONV2 + (1440 * 3 + 3) + FC,
                    count(three.sharedParameters()));
            assertEquals((1440 * 2 + 2) + FC + (320 * 2 + 2) + head, count(three.taskParameters("right")));

            // CGC: every expert a whole lenet, no shared gate
            MultiTaskNetwork cgc = build(manager, new PleFactory(), DIGITS, IMAGE, 1, "levels=1");
            assertEquals(3 * LENET + 2 * taskGate784 + 2 * head, count(cgc));
            assertEquals(LENET, count(cgc.sharedParameters()));
            assertEquals(LENET + taskGate784 + head, count(cgc.taskParameters("left")));
        }
    }

    @Test
    void parameterCountsAndShapesOnVectorsMatchAHandCount() {
        try (NDManager manager = ContractTensors.newManager()) {
            // three levels of 16 units, 2 experts per task and 3 shared at each: 9 experts, task gates
            // over 5, shared gates over 9
            MultiTaskNetwork network = build(manager, new PleFactory(), TASKS, VECTOR, 1, "levels=3", "mlp.hidden=16,16,16",
                    "experts.task=2", "experts.shared=3");
            long level1 = 9 * (8 * 16 + 16) + 3 * (8 * 5 + 5) + (8 * 9 + 9);
            long level2 = 9 * (16 * 16 + 16) + 3 * (16 * 5 + 5) + (16 * 9 + 9);
            long level3 = 9 * (16 * 16 + 16) + 3 * (16 * 5 + 5);
            long heads = 0;
            for (Task t : TASKS) {
                heads += (16 * 32 + 32) + (32L * t.outputs() + t.outputs());
            }
            assertEquals(level1 + level2 + level3 + heads, count(network));
            assertEquals(6 * (8 * 16 + 16) + 3 * (8 * 16 + 16) + 3 * (8 * 5 + 5) + (8 * 9 + 9)
                    + 9 * (16 * 16 + 16) + (16 * 9 + 9) + 3 * (16 * 16 + 16), count(network.sharedParameters()));

            for (int levels = 1; levels <= 3; levels++) {
                MultiTaskNetwork ple = build(manager, new PleFactory(), TASKS, VECTOR, 2, "levels=" + levels,
                        "mlp.hidden=16,12,10", "experts.shared=2");
                ParameterStore store = new ParameterStore(manager, false);
                NDArray x = manager.randomNormal(new Shape(5, 8));
                NDList rep = ple.encode(store, x, false);
                if (levels == 1) {
                    // CGC: the input, then the shared experts' outputs (whole trunks, 10 wide)
                    assertEquals(3, rep.size());
                    assertSame(x, rep.get(0), "CGC hands the raw input on");
                } else {
                    // each task's input to the last level, then the last level's 2 shared experts' outputs
                    assertEquals(3 + 2, rep.size());
                    long width = levels == 2 ? 16 : 12;
                    for (int k = 0; k < 3; k++) {
                        assertEquals(new Shape(5, width), rep.get(k).getShape());
                    }
                }
                assertEquals(new Shape(5, 10), rep.get(rep.size() - 1).getShape());
                for (Task t : TASKS) {
                    assertEquals(new Shape(5, t.outputs()), ple.decode(store, rep, t.name(), false).getShape());
                }
            }
            for (int levels = 1; levels <= 3; levels++) {
                MultiTaskNetwork ple = build(manager, new PleFactory(), DIGITS, IMAGE, 3, "levels=" + levels);
                ParameterStore store = new ParameterStore(manager, false);
                NDList rep = ple.encode(store, manager.randomNormal(new Shape(4, 1, 28, 28)), false);
                for (Task t : DIGITS) {
                    assertEquals(new Shape(4, 10), ple.decode(store, rep, t.name(), false).getShape());
                }
            }
        }
    }

    @Test
    void moreLevelsThanTrunkStagesAreRefusedNamingTheKey() {
        try (NDManager manager = ContractTensors.newManager()) {
            PluginConfigException images = assertThrows(PluginConfigException.class,
                    () -> build(manager, new PleFactory(), DIGITS, IMAGE, 1, "levels=4"));
            assertTrue(images.getMessage().contains("levels") && images.getMessage().contains("3 stages"),
                    images.getMessage());
            PluginConfigException vectors = assertThrows(PluginConfigException.class,
                    () -> build(manager, new PleFactory(), TASKS, VECTOR, 1, "levels=3"));
            assertTrue(vectors.getMessage().contains("levels") && vectors.getMessage().contains("2 stages"),
                    vectors.getMessage());
        }
    }

    @Test
    void everyGateAtEveryLevelIsADistribution() {
        try (NDManager manager = ContractTensors.newManager()) {
            for (int levels = 1; levels <= 3; levels++) {
                Ple.Network ple = (Ple.Network) build(manager, new PleFactory(), TASKS, VECTOR, 4, "levels=" + levels,
                        "mlp.hidden=16,16,16", "experts.task=2", "experts.shared=3");
                ParameterStore store = new ParameterStore(manager, false);
                NDArray x = manager.randomNormal(new Shape(6, 8)).mul(4);
                List<Map<String, NDArray>> gates = ple.gates(store, x);
                assertEquals(levels, gates.size());
                for (int l = 0; l < levels; l++) {
                    for (Task t : TASKS) {
                        assertDistributions(gates.get(l).get(t.name()), 6, 2 + 3);
                    }
                    if (l < levels - 1) {
                        assertDistributions(gates.get(l).get("shared"), 6, 3 * 2 + 3);
                    } else {
                        assertEquals(TASKS.size(), gates.get(l).size(), "the last level has no shared gate");
                    }
                }
                NDList rep = ple.encode(store, x, false);
                for (Task t : TASKS) {
                    assertClose(gates.get(levels - 1).get(t.name()), ple.lastGate(store, rep, t.name()), 1e-6f, t.name());
                }
            }
        }
    }

    private static void assertDistributions(NDArray gate, int batch, int experts) {
        assertEquals(new Shape(batch, experts), gate.getShape());
        float[] g = gate.toFloatArray();
        for (int n = 0; n < batch; n++) {
            double sum = 0;
            for (int e = 0; e < experts; e++) {
                assertTrue(g[n * experts + e] >= 0, "a gate weight is negative");
                sum += g[n * experts + e];
            }
            assertEquals(1.0, sum, 1e-5);
        }
    }

    @Test
    void oneLevelIsCgcTheGateWeightedSumOfTheTasksAndTheSharedExpert() {
        for (Shape example : List.of(VECTOR, IMAGE)) {
            try (NDManager manager = ContractTensors.newManager()) {
                MultiTaskNetwork cgc = build(manager, new PleFactory(), TASKS, example, 5, "levels=1");
                MultiTaskNetwork own = build(manager, new HardSharingFactory(), TASKS, example, 6);
                MultiTaskNetwork shared = build(manager, new HardSharingFactory(), TASKS, example, 7);
                copy(shared.sharedParameters(), named(cgc, "level1_shared_expert1"));
                double[][] gates = {{0.25, 0.75}, {1, 0}, {0, 1}};
                for (int k = 0; k < TASKS.size(); k++) {
                    String t = TASKS.get(k).name();
                    copy(own.sharedParameters(), named(cgc, t + "_level1_expert1"));
                    copy(own.taskParameters(t), named(cgc, t + "_head"));
                    forceGate(named(cgc, t + "_level1_gate"), gates[k]);
                }
                ParameterStore store = new ParameterStore(manager, false);
                NDArray x = manager.randomNormal(new Shape(5).addAll(example));
                NDArray fOwn = own.encode(store, x, false).singletonOrThrow();
                NDArray fShared = shared.encode(store, x, false).singletonOrThrow();
                NDList rep = cgc.encode(store, x, false);
                for (int k = 0; k < TASKS.size(); k++) {
                    String t = TASKS.get(k).name();
                    NDArray mixed = fOwn.mul(gates[k][0]).add(fShared.mul(gates[k][1]));
                    assertClose(own.decode(store, new NDList(mixed), t, false), cgc.decode(store, rep, t, false), 1e-5f,
                            example + " " + t);
                }
            }
        }
    }

    @Test
    void gatesOnTheTasksOwnExpertsAreIndependentNetworks() {
        for (Shape example : List.of(VECTOR, IMAGE)) {
            for (int levels = 1; levels <= 2; levels++) {
                try (NDManager manager = ContractTensors.newManager()) {
                    MultiTaskNetwork ple = build(manager, new PleFactory(), TASKS, example, 8, "levels=" + levels);
                    MultiTaskNetwork independent = build(manager, new IndependentFactory(), TASKS, example, 9);
                    for (Task t : TASKS) {
                        List<List<Parameter>> targets = new ArrayList<>();
                        for (int l = 1; l <= levels; l++) {
                            targets.add(named(ple, t.name() + "_level" + l + "_expert1"));
                            forceGate(named(ple, t.name() + "_level" + l + "_gate"), 1, 0);
                        }
                        targets.add(named(ple, t.name() + "_head"));
                        copyInto(independent.taskParameters(t.name()), targets);
                    }
                    ParameterStore store = new ParameterStore(manager, false);
                    NDArray x = manager.randomNormal(new Shape(4).addAll(example));
                    NDList a = ple.encode(store, x, false);
                    NDList b = independent.encode(store, x, false);
                    for (Task t : TASKS) {
                        assertClose(independent.decode(store, b, t.name(), false), ple.decode(store, a, t.name(), false),
                                1e-5f, example + " levels " + levels + " " + t.name());
                    }
                }
            }
        }
    }

    @Test
    void gatesOnTheSharedExpertsAreHardSharing() {
        for (Shape example : List.of(VECTOR, IMAGE)) {
            for (int levels = 1; levels <= 2; levels++) {
                try (NDManager manager = ContractTensors.newManager()) {
                    MultiTaskNetwork ple = build(manager, new PleFactory(), TASKS, example, 10, "levels=" + levels);
                    MultiTaskNetwork hard = build(manager, new HardSharingFactory(), TASKS, example, 11);
                    List<List<Parameter>> trunk = new ArrayList<>();
                    for (int l = 1; l <= levels; l++) {
                        trunk.add(named(ple, "level" + l + "_shared_expert1"));
                        for (Task t : TASKS) {
                            forceGate(named(ple, t.name() + "_level" + l + "_gate"), 0, 1);
                        }
                        if (l < levels) {
                            // the shared gate mixes a's, b's, c's and the shared expert
                            forceGate(named(ple, "level" + l + "_shared_gate"), 0, 0, 0, 1);
                        }
                    }
                    copyInto(hard.sharedParameters(), trunk);
                    for (Task t : TASKS) {
                        copy(hard.taskParameters(t.name()), named(ple, t.name() + "_head"));
                    }
                    ParameterStore store = new ParameterStore(manager, false);
                    NDArray x = manager.randomNormal(new Shape(4).addAll(example));
                    NDList a = ple.encode(store, x, false);
                    NDList b = hard.encode(store, x, false);
                    for (Task t : TASKS) {
                        assertClose(hard.decode(store, b, t.name(), false), ple.decode(store, a, t.name(), false), 1e-5f,
                                example + " levels " + levels + " " + t.name());
                    }
                }
            }
        }
    }

    /** Copies a flat parameter list into consecutive targets (the stages of a trunk cut into levels, then a head). */
    private static void copyInto(List<Parameter> from, List<List<Parameter>> targets) {
        int offset = 0;
        for (List<Parameter> target : targets) {
            copy(from.subList(offset, offset + target.size()), target);
            offset += target.size();
        }
        assertEquals(from.size(), offset, "parameters left over");
    }

    @Test
    void onlyTheLastLevelsExpertsAndTheLastTwoLevelsGatesAreATasksOwn() {
        try (NDManager manager = ContractTensors.newManager()) {
            for (int levels = 1; levels <= 3; levels++) {
                String l = "levels=" + levels;
                ExpertMixtureChecks.assertPartitionFollowsTheGradients(manager, () -> build(manager, new PleFactory(),
                        TASKS, VECTOR, 12, l, "mlp.hidden=16,16,16", "experts.task=2", "experts.shared=2"), TASKS, VECTOR);
            }
            for (String levels : List.of("levels=2", "levels=3")) {
                ExpertMixtureChecks.assertPartitionFollowsTheGradients(manager,
                        () -> build(manager, new PleFactory(), TASKS, IMAGE, 13, levels), TASKS, IMAGE);
            }
        }
    }
}
