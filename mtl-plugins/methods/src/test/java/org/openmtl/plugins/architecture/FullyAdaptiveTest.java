package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.task.Task;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class FullyAdaptiveTest {

    private static final List<Task> TASKS = List.of(Task.regression("t0", 1, 0), Task.regression("t1", 1, 1),
            Task.regression("t2", 1, 2), Task.regression("t3", 1, 3));

    /** Two planted blocks {t0, t2} and {t1, t3}: agreement 0.95 within, 0.5 across. */
    private static final double[][] BLOCKS = {
        {1, 0.5, 0.95, 0.5},
        {0.5, 1, 0.5, 0.95},
        {0.95, 0.5, 1, 0.5},
        {0.5, 0.95, 0.5, 1},
    };

    @Test
    void completeLinkageIsTheMeanOfTheWorstPartnerSymmetrized() {
        double[][] a = {{1, 0.8, 0.2}, {0.8, 1, 0.6}, {0.2, 0.6, 1}};
        // branches {0,1} and {2}: Ã(0,1) = mean(min A(0,2), min A(1,2)) = (0.2 + 0.6)/2; Ã(1,0) = min(A(2,0), A(2,1)) = 0.2
        double[][] ab = FullyAdaptive.branchAffinity(a, List.of(List.of(0, 1), List.of(2)));
        assertEquals((0.4 + 0.2) / 2, ab[0][1], 1e-12);
        assertEquals(ab[0][1], ab[1][0], 0);
        // Ã(0,0) = mean(min(1, 0.8), min(0.8, 1)) = 0.8
        assertEquals(0.8, ab[0][0], 1e-12);
    }

    @Test
    void theGroupingFollowsThePlantedBlocksUnlessBranchingIsTooExpensive() {
        double[][] ab = FullyAdaptive.branchAffinity(BLOCKS,
                List.of(List.of(0), List.of(1), List.of(2), List.of(3)));
        assertEquals(List.of(List.of(0, 2), List.of(1, 3)), FullyAdaptive.bestGrouping(ab, 0.1, 1.0, 0));
        // with L0 large one branch is cheapest; with L0 near 0 every task alone
        assertEquals(List.of(List.of(0, 1, 2, 3)), FullyAdaptive.bestGrouping(ab, 1.0, 1.0, 0));
        assertEquals(4, FullyAdaptive.bestGrouping(ab, 0.001, 1.0, 0).size());
        // pooling doubles the branch cost per level: L0 = 0.1 at p = 3 is 0.8 a branch
        assertEquals(1, FullyAdaptive.bestGrouping(ab, 0.1, 1.0, 3).size());
        // the objective by hand for {0,2},{1,3}: (2 − 1)·0.1 + mean(1 − 0.95, 1 − 0.95)
        assertEquals(0.1 + 0.05, FullyAdaptive.objective(ab, List.of(List.of(0, 2), List.of(1, 3)), 0.1, 1.0, 0), 1e-12);
        // there are Bell(4) = 15 set partitions of four branches, Bell(5) = 52 of five
        assertEquals(15, FullyAdaptive.partitions(4).size());
        assertEquals(52, FullyAdaptive.partitions(5).size());
    }

    @Test
    void wideningCopiesTheStageSoTheOutputsDoNotChangeAndRepartitionsTheParameters() {
        try (NDManager manager = ContractTensors.newManager()) {
            ContractTensors.seedEngine(1);
            FullyAdaptive.Network network = (FullyAdaptive.Network) TestPlugins.create(new FullyAdaptiveFactory())
                    .build(new NetworkContext(TASKS, new Shape(8), manager, 1));
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(5, 8));
            float[][] before = new float[4][];
            NDList rep = network.encode(store, x, false);
            for (int t = 0; t < 4; t++) {
                before[t] = network.decode(store, rep, TASKS.get(t).name(), false).toFloatArray();
            }
            long stage2 = 64 * 64 + 64;
            long total = count(network.block().getParameters().values());
            // top stage (2 of the mlp's 2) split into {t0,t2} and {t1,t3}
            assertTrue(network.widen(1, BLOCKS, manager));
            assertEquals(total + stage2, count(network.block().getParameters().values()));
            NDList after = network.encode(store, x, false);
            for (int t = 0; t < 4; t++) {
                assertArrayEquals(before[t], network.decode(store, after, TASKS.get(t).name(), false).toFloatArray(), 1e-6f);
            }
            assertEquals(List.of(List.of(List.of("t0", "t1", "t2", "t3")), List.of(List.of("t0", "t2"), List.of("t1", "t3"))),
                    network.structure().get("layers"));
            // stage 1 still shared; the two copies of stage 2 serve two tasks each: extra parameters
            assertEquals(8 * 64 + 64, count(network.sharedParameters()));
            assertEquals(2 * stage2, count(network.extraParameters()));
            Set<String> claimed = new HashSet<>();
            network.sharedParameters().forEach(p -> assertTrue(claimed.add(p.getId())));
            network.extraParameters().forEach(p -> assertTrue(claimed.add(p.getId())));
            for (Task t : TASKS) {
                network.taskParameters(t.name()).forEach(p -> assertTrue(claimed.add(p.getId())));
            }
            assertEquals(network.block().getParameters().size(), claimed.size());
            // the next round groups the two branches: kept together only if their affinity is high
            assertFalse(network.widen(0, new double[][] {{1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1}, {1, 1, 1, 1}}, manager));
            assertEquals(2, ((List<?>) network.structure().get("rounds")).size());
        }
    }

    private static long count(java.util.Collection<Parameter> parameters) {
        return parameters.stream().mapToLong(p -> p.getArray().size()).sum();
    }

    @Test
    void phasesCoverTheEpochsWithAThinPhaseFirst() {
        try (NDManager manager = ContractTensors.newManager()) {
            FullyAdaptive.Network network = (FullyAdaptive.Network) TestPlugins.create(new FullyAdaptiveFactory())
                    .build(new NetworkContext(TASKS, new Shape(8), manager, 1));
            var phases = network.phases(10);
            // mlp with two stages: thin, widen stage 2, widen stage 1
            assertEquals(List.of("thin", "widen-stage2", "widen-stage1"), phases.stream().map(p -> p.name()).toList());
            assertEquals(10, phases.stream().mapToInt(p -> p.epochs()).sum());
            assertEquals(List.of("thin"), network.phases(1).stream().map(p -> p.name()).toList());
            Map<String, Object> s = network.structure();
            assertEquals(0, s.get("widened"));
        }
    }
}
