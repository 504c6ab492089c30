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
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.task.Task;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

/**
 * Fully-adaptive feature sharing beyond the basics of {@link FullyAdaptiveTest}: the grouping
 * search at its limits (exact over twelve branches, greedy above), the pooling cost on the lenet
 * trunk, and what a branch serving one task or a subset of the tasks is.
 */
class FullyAdaptiveWideningTest {

    private static final List<Task> REGRESSION = List.of(Task.regression("t0", 1, 0), Task.regression("t1", 1, 1),
            Task.regression("t2", 1, 2), Task.regression("t3", 1, 3));

    private static final List<Task> DIGITS = List.of(Task.classification("t0", 10, 0),
            Task.classification("t1", 10, 1), Task.classification("t2", 10, 2), Task.classification("t3", 10, 3));

    /** Two planted blocks {t0, t2} and {t1, t3}: agreement 0.95 within, 0.5 across. */
    private static final double[][] BLOCKS = {
        {1, 0.5, 0.95, 0.5},
        {0.5, 1, 0.5, 0.95},
        {0.95, 0.5, 1, 0.5},
        {0.5, 0.95, 0.5, 1},
    };

    /** Branch affinity of n branches in blocks by index mod blocks: 0.9 within, 0.4 across, 1 on the diagonal. */
    private static double[][] blocks(int n, int blocks) {
        double[][] a = new double[n][n];
        for (int k = 0; k < n; k++) {
            for (int l = 0; l < n; l++) {
                a[k][l] = k == l ? 1 : k % blocks == l % blocks ? 0.9 : 0.4;
            }
        }
        return a;
    }

    private static List<List<Integer>> byResidue(int n, int blocks) {
        List<List<Integer>> groups = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            List<Integer> g = new ArrayList<>();
            for (int k = b; k < n; k += blocks) {
                g.add(k);
            }
            groups.add(g);
        }
        return groups;
    }

    @Test
    void twelveBranchesAreSearchedExactlyAndTheThreePlantedBlocksWin() {
        // L0 = 0.05, α = 1: the blocks cost 2·0.05 + mean(0.1, 0.1, 0.1) = 0.2; one group 1 − 0.4 = 0.6;
        // every branch alone 11·0.05 = 0.55; a block split in two adds 0.05 and keeps L_s at 0.1;
        // a group across blocks has members whose worst partner is 0.4
        double[][] ab = blocks(12, 3);
        long start = System.nanoTime();
        List<List<Integer>> best = FullyAdaptive.bestGrouping(ab, 0.05, 1.0, 0);
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(byResidue(12, 3), best);
        assertEquals(0.2, FullyAdaptive.objective(ab, best, 0.05, 1.0, 0), 1e-12);
        // Bell(12) = 4,213,597 partitions are enumerated, not stored
        assertTrue(seconds < 60, "the exact search over 12 branches took " + seconds + " s");
    }

    @Test
    void moreThanTwelveBranchesAreGroupedGreedilyInsteadOfFailing() {
        double[][] ab = blocks(14, 2);
        // blocks: 0.05 + 0.1; one group 0.6; every branch alone 13·0.05; splitting a block adds 0.05
        assertEquals(byResidue(14, 2), FullyAdaptive.bestGrouping(ab, 0.05, 1.0, 0));
        // L0 dominates: one branch
        assertEquals(List.of(byResidue(14, 1).get(0)), FullyAdaptive.bestGrouping(ab, 1.0, 1.0, 0));
    }

    @Test
    void theGreedySearchEvaluatesTheCompleteLinkageMergesInOrder() {
        double[][] ab = {
            {1, 0.9, 0.5, 0.2},
            {0.9, 1, 0.6, 0.3},
            {0.5, 0.6, 1, 0.8},
            {0.2, 0.3, 0.8, 1},
        };
        // merges: {0,1} (0.9), then {2,3} (0.8 beats min(0.5, 0.6) and 0.2), then everything.
        // Objectives with α = 1: d=4: 3·L0; d=3 ({0,1},{2},{3}): 2·L0 + 0.1/3; d=2: L0 + (0.1 + 0.2)/2;
        // d=1: 1 − mean(0.2, 0.3, 0.5, 0.2) = 0.7
        // L0 = 0.1: 0.3, 0.2333, 0.25, 0.7 → three groups
        assertEquals(List.of(List.of(0, 1), List.of(2), List.of(3)), FullyAdaptive.greedyGrouping(ab, 0.1, 1.0, 0));
        // L0 = 0.2: 0.6, 0.4333, 0.35, 0.7 → two groups
        assertEquals(List.of(List.of(0, 1), List.of(2, 3)), FullyAdaptive.greedyGrouping(ab, 0.2, 1.0, 0));
        // L0 = 0.1 at p = 2 (0.4 a branch): 1.2, 0.8333, 0.55, 0.7 → two groups
        assertEquals(List.of(List.of(0, 1), List.of(2, 3)), FullyAdaptive.greedyGrouping(ab, 0.1, 1.0, 2));
        // and here the exact search agrees (its other candidates, by hand: {0,1,2},{3} 0.3333,
        // {0},{1},{2,3} 0.2667, {0},{1,2},{3} 0.3333 at L0 = 0.1)
        assertEquals(List.of(List.of(0, 1), List.of(2), List.of(3)), FullyAdaptive.exactGrouping(ab, 0.1, 1.0, 0));
    }

    @Test
    void anAffinityThatCannotBeMeasuredNeverGroupsTasksAndNeverFails() {
        // per-task data (no example labelled for two tasks) gives NaN off the diagonal: only the
        // grouping with every branch alone has a finite objective
        double n = Double.NaN;
        double[][] perTask = {{1, n, n}, {n, 1, n}, {n, n, 1}};
        assertEquals(List.of(List.of(0), List.of(1), List.of(2)), FullyAdaptive.bestGrouping(perTask, 0.1, 1.0, 0));
        // nothing measurable at all: the branches stay together
        double[][] none = {{n, n}, {n, n}};
        assertEquals(List.of(List.of(0, 1)), FullyAdaptive.bestGrouping(none, 0.1, 1.0, 0));
    }

    @Test
    void onLenetBranchingCostsDoubleForEachPoolingStageAndCopiesKeepTheOutputs() {
        // stages: 1 conv 1→10 k5 + pool (p = 2), 2 conv 10→20 k5 + pool (p = 1), 3 fc 320→50 (p = 0).
        // BLOCKS at stage 3, α = 1: two groups cost L0·2^p + 0.05, one group 0.5
        try (NDManager manager = ContractTensors.newManager()) {
            ContractTensors.seedEngine(3);
            FullyAdaptive.Network network = (FullyAdaptive.Network) TestPlugins.create(new FullyAdaptiveFactory(),
                    "l0=0.2").build(new NetworkContext(DIGITS, new Shape(1, 28, 28), manager, 3));
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(3, 1, 28, 28));
            float[][] before = outputs(network, store, x, DIGITS);
            long stage1 = 1 * 25 * 10 + 10;
            long stage2 = 10 * 25 * 20 + 20;
            long stage3 = 320 * 50 + 50;
            long head = 50 * 50 + 50 + 50 * 10 + 10;
            long total = count(network.block().getParameters().values());
            assertEquals(stage1 + stage2 + stage3 + 4 * head, total);

            // stage 3 (p = 0): 0.2 + 0.05 < 0.5 → split into the blocks
            assertTrue(network.widen(2, BLOCKS, manager));
            assertEquals(total + stage3, count(network.block().getParameters().values()));
            assertEquals(stage1 + stage2, count(network.sharedParameters()));
            assertEquals(2 * stage3, count(network.extraParameters()));
            // the representation is stage 2's flattened output
            assertEquals(new Shape(3, 320), network.encode(store, x, false).singletonOrThrow().getShape());
            assertOutputs(before, network, store, x, DIGITS);

            // stage 2 (p = 1): the two branches' complete-linkage affinity is 0.5 across, 0.95 within;
            // two groups 0.4 + 0.05 < one group 1 − 0.5 → split
            assertTrue(network.widen(1, BLOCKS, manager));
            assertEquals(total + stage3 + stage2, count(network.block().getParameters().values()));
            assertEquals(stage1, count(network.sharedParameters()));
            assertEquals(new Shape(3, 10, 12, 12), network.encode(store, x, false).singletonOrThrow().getShape());
            assertOutputs(before, network, store, x, DIGITS);

            // stage 1 (p = 2): 0.8 + 0.05 > 0.5 → stays shared
            assertFalse(network.widen(0, BLOCKS, manager));
            assertEquals(List.of(List.of(List.of("t0", "t1", "t2", "t3")),
                    List.of(List.of("t0", "t2"), List.of("t1", "t3")),
                    List.of(List.of("t0", "t2"), List.of("t1", "t3"))), network.structure().get("layers"));
            assertOutputs(before, network, store, x, DIGITS);
        }
    }

    @Test
    void withAHigherL0TheConvolutionalStageStaysSharedWhereTheDenseOneSplits() {
        // L0 = 0.3: stage 3 costs 0.3 + 0.05 < 0.5 (split), stage 2 costs 0.6 + 0.05 > 0.5 (kept)
        try (NDManager manager = ContractTensors.newManager()) {
            ContractTensors.seedEngine(3);
            FullyAdaptive.Network network = (FullyAdaptive.Network) TestPlugins.create(new FullyAdaptiveFactory(),
                    "l0=0.3").build(new NetworkContext(DIGITS, new Shape(1, 28, 28), manager, 3));
            assertTrue(network.widen(2, BLOCKS, manager));
            assertFalse(network.widen(1, BLOCKS, manager));
            assertEquals(2, ((List<?>) network.structure().get("layers")).stream()
                    .filter(l -> ((List<?>) l).size() == 1).count());
        }
    }

    @Test
    void aBranchOfOneTaskIsThatTasksAndOnlyTheTasksItServesReachABranch() {
        // t0 agrees with nobody (0.3), t1..t3 with each other (0.95); L0 = 0.1: {t0},{t1,t2,t3} costs
        // 0.1 + mean(0, 0.05) = 0.125, one group 1 − 0.3 = 0.7, all alone 0.3, {t0},{t1,t2},{t3} 0.2167
        double[][] outlier = {
            {1, 0.3, 0.3, 0.3},
            {0.3, 1, 0.95, 0.95},
            {0.3, 0.95, 1, 0.95},
            {0.3, 0.95, 0.95, 1},
        };
        try (NDManager manager = ContractTensors.newManager()) {
            ContractTensors.seedEngine(4);
            FullyAdaptive.Network network = (FullyAdaptive.Network) TestPlugins.create(new FullyAdaptiveFactory())
                    .build(new NetworkContext(REGRESSION, new Shape(8), manager, 4));
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(6, 8));
            float[][] before = outputs(network, store, x, REGRESSION);
            assertTrue(network.widen(1, outlier, manager));
            assertOutputs(before, network, store, x, REGRESSION);
            assertEquals(List.of(List.of("t0"), List.of("t1", "t2", "t3")),
                    ((List<?>) network.structure().get("layers")).get(1));
            // mlp 8 → 64 → 64, heads 64 → 32 → 1 (defaults)
            long stage1 = 8 * 64 + 64;
            long stage2 = 64 * 64 + 64;
            long head = 64 * 32 + 32 + 32 + 1;
            assertEquals(stage1, count(network.sharedParameters()));
            assertEquals(stage2 + head, count(network.taskParameters("t0")));
            for (String t : List.of("t1", "t2", "t3")) {
                assertEquals(head, count(network.taskParameters(t)));
            }
            assertEquals(stage2, count(network.extraParameters()));
            Set<String> claimed = new HashSet<>();
            List<Parameter> all = new ArrayList<>(network.sharedParameters());
            all.addAll(network.extraParameters());
            REGRESSION.forEach(t -> all.addAll(network.taskParameters(t.name())));
            all.forEach(p -> assertTrue(claimed.add(p.getId()), p.getName() + " claimed twice"));
            assertEquals(network.block().getParameters().size(), claimed.size());

            // t0's loss alone reaches the shared stage, t0's branch and head, and nothing else
            List<Parameter> othersBranch = network.extraParameters();
            try (GradientCollector collector = ContractTensors.newGradientCollector()) {
                NDList rep = network.encode(store, x, true);
                collector.backward(network.decode(store, rep, "t0", true).square().sum());
            }
            for (Parameter p : network.sharedParameters()) {
                assertTrue(ContractTensors.gradientReached(p.getArray()), p.getName());
            }
            for (Parameter p : network.taskParameters("t0")) {
                assertTrue(ContractTensors.gradientReached(p.getArray()), p.getName());
            }
            for (Parameter p : othersBranch) {
                assertFalse(ContractTensors.gradientReached(p.getArray()), p.getName());
            }
            for (Parameter p : network.taskParameters("t1")) {
                assertFalse(ContractTensors.gradientReached(p.getArray()), p.getName());
            }
        }
    }

    @Test
    void eachRoundRecordsTheAffinitiesItUsedAndHowItSearched() {
        try (NDManager manager = ContractTensors.newManager()) {
            ContractTensors.seedEngine(1);
            FullyAdaptive.Network network = (FullyAdaptive.Network) TestPlugins.create(new FullyAdaptiveFactory())
                    .build(new NetworkContext(REGRESSION, new Shape(8), manager, 1));
            network.widen(1, BLOCKS, manager);
            @SuppressWarnings("unchecked")
            var round = (java.util.Map<String, Object>) ((List<?>) network.structure().get("rounds")).get(0);
            assertEquals(2, round.get("stage"));
            assertEquals(List.of(0.95, 0.5, 1.0, 0.5), ((List<?>) round.get("task_affinity")).get(2));
            // four singleton branches: A_b = A
            assertEquals(round.get("task_affinity"), round.get("branch_affinity"));
            assertEquals("exact", round.get("search"));
            assertEquals(List.of(List.of("t0", "t2"), List.of("t1", "t3")), round.get("groups"));
        }
    }

    private static float[][] outputs(FullyAdaptive.Network network, ParameterStore store, NDArray x, List<Task> tasks) {
        NDList rep = network.encode(store, x, false);
        float[][] out = new float[tasks.size()][];
        for (int t = 0; t < tasks.size(); t++) {
            out[t] = network.decode(store, rep, tasks.get(t).name(), false).toFloatArray();
        }
        return out;
    }

    private static void assertOutputs(float[][] expected, FullyAdaptive.Network network, ParameterStore store,
            NDArray x, List<Task> tasks) {
        float[][] actual = outputs(network, store, x, tasks);
        for (int t = 0; t < tasks.size(); t++) {
            assertArrayEquals(expected[t], actual[t], 1e-5f, "task " + tasks.get(t).name());
        }
    }

    private static long count(Collection<Parameter> parameters) {
        return parameters.stream().mapToLong(p -> p.getArray().size()).sum();
    }
}
