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
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.architecture.TrainingPhase;
import org.openmtl.api.task.Task;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class AdaShareTest {

    private static final List<Task> TASKS = List.of(Task.regression("a", 1, 0), Task.regression("b", 1, 1));

    private static AdaShare.Network build(NDManager manager, String... settings) {
        ContractTensors.seedEngine(1);
        return (AdaShare.Network) TestPlugins.create(new AdaShareFactory(), settings)
                .build(new NetworkContext(TASKS, new Shape(6), manager, 1));
    }

    @Test
    void gumbelSamplesAreOneHotAndAverageToTheSoftmax() {
        try (NDManager manager = ContractTensors.newManager()) {
            NDArray logits = manager.create(new float[] {1.0f, -0.5f}, new Shape(1, 2));
            Random random = new Random(3);
            int n = 20000;
            int first = 0;
            for (int i = 0; i < n; i++) {
                float[] g = {(float) -Math.log(-Math.log(random.nextDouble())), (float) -Math.log(-Math.log(random.nextDouble()))};
                float[] y = AdaShare.gumbelHard(logits, manager.create(g, new Shape(1, 2)), 1.0).toFloatArray();
                assertTrue((y[0] == 1f && y[1] == 0f) || (y[0] == 0f && y[1] == 1f), "one-hot: " + y[0] + ", " + y[1]);
                first += (int) y[0];
            }
            // P(argmax = 0) under Gumbel-max is softmax(logits)_0 = 1 / (1 + e^{-1.5})
            double p = 1 / (1 + Math.exp(-1.5));
            assertEquals(p, first / (double) n, 4 * Math.sqrt(p * (1 - p) / n));
        }
    }

    @Test
    void thePenaltiesMatchAHandComputation() {
        try (NDManager manager = ContractTensors.newManager()) {
            NDArray p = manager.create(new float[] {0.9f, 0.5f, 0.2f, 0.3f, 0.4f, 0.6f}, new Shape(2, 3));
            double sparsity = 0.1;
            double sharing = 0.2;
            double expected = sparsity * (Math.log(0.9) + Math.log(0.5) + Math.log(0.2) + Math.log(0.3) + Math.log(0.4) + Math.log(0.6))
                    // weights (K − k)/K for k = 1..3: 2/3, 1/3, 0
                    + sharing * (2.0 / 3 * 0.6 + 1.0 / 3 * 0.1 + 0 * 0.4);
            assertEquals(expected, AdaShare.Network.penalty(p, sparsity, sharing).getFloat(), 1e-5);
            // the select probability is softmax(logits)_0
            NDArray logits = manager.create(new float[] {0, 0, 2, 0}, new Shape(1, 2, 2));
            assertArrayEquals(new float[] {0.5f, (float) (1 / (1 + Math.exp(-2)))},
                    AdaShare.Network.selectProbabilities(logits).toFloatArray(), 1e-6f);
        }
    }

    @Test
    void inWarmUpEveryBlockRunsAsAPlainResidualChain() {
        try (NDManager manager = ContractTensors.newManager()) {
            AdaShare.Network network = build(manager, "blocks=3", "width=8");
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(4, 6));
            // by hand: stem, then x + f_k(x) for each block, then the head
            List<Block> children = new ArrayList<>();
            for (Pair<String, Block> c : network.block().getChildren()) {
                children.add(c.getValue());
            }
            NDArray h = children.get(0).forward(store, new NDList(x), false).singletonOrThrow();
            for (int k = 1; k <= 3; k++) {
                h = h.add(children.get(k).forward(store, new NDList(h), false).singletonOrThrow());
            }
            NDArray expected = children.get(4).forward(store, new NDList(h), false).singletonOrThrow();
            NDList rep = network.encode(store, x, false);
            assertArrayEquals(expected.toFloatArray(), network.decode(store, rep, "a", false).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void theCurriculumSearchesOnlyTheLastBlocksAndEvaluationTakesTheLikelierDecision() {
        try (NDManager manager = ContractTensors.newManager()) {
            AdaShare.Network network = build(manager, "blocks=3", "width=8");
            // task a: skip every block (logit of skip 5); task b: select every block
            network.logits().getArray().set(new float[] {0, 5, 0, 5, 0, 5, 5, 0, 5, 0, 5, 0});
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(4, 6));
            NDList rep = network.encode(store, x, false);
            // only the last block searched: task a skips block 3 but runs 1 and 2
            network.mode("policy", 1);
            NDArray partly = network.decode(store, rep, "a", false);
            network.mode("warmup", 0);
            NDArray all = network.decode(store, rep, "a", false);
            assertTrue(!java.util.Arrays.equals(partly.toFloatArray(), all.toFloatArray()));
            // all blocks searched: task a skips all, so its output is the head on the stem alone
            network.mode("policy", 3);
            List<Block> children = new ArrayList<>();
            network.block().getChildren().forEach(c -> children.add(c.getValue()));
            NDArray headOnStem = children.get(4).forward(store, rep, false).singletonOrThrow();
            assertArrayEquals(headOnStem.toFloatArray(), network.decode(store, rep, "a", false).toFloatArray(), 1e-6f);
            // re-training fixes the argmax policy: a skips everything, b runs everything
            network.mode("retrain", 3);
            @SuppressWarnings("unchecked")
            List<List<Integer>> policy = (List<List<Integer>>) network.structure().get("policy");
            assertEquals(List.of(List.of(0, 0, 0), List.of(1, 1, 1)), policy);
        }
    }

    @Test
    void phasesWarmUpSearchAlternatelyThenRetrainWithinTheEpochs() {
        try (NDManager manager = ContractTensors.newManager()) {
            AdaShare.Network network = build(manager);
            List<TrainingPhase> phases = network.phases(10);
            assertEquals(List.of("warmup", "policy-1", "weights-2", "policy-3", "weights-4", "policy-5", "retrain"),
                    phases.stream().map(TrainingPhase::name).toList());
            assertEquals(10, phases.stream().mapToInt(TrainingPhase::epochs).sum());
            Parameter logits = network.logits();
            assertTrue(phases.get(1).trainable().test(logits));
            assertTrue(!phases.get(2).trainable().test(logits));
            assertTrue(!phases.get(0).trainable().test(logits) && !phases.get(6).trainable().test(logits));
        }
    }
}
