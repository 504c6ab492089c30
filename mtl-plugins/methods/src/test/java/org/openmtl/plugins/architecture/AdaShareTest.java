package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.architecture.PhaseContext;
import org.openmtl.api.architecture.TrainingPhase;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.task.Task;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

/**
 * AdaShare's parts against independent computations: the straight-through Gumbel-softmax against
 * its distribution and the softmax Jacobian; the forward pass against a residual network computed
 * by hand from the copied weights (every block executed) and against hard sharing with the copied
 * weights (every block skipped); the penalties, the curriculum, the schedule, the fixed policy and
 * the parameter counts against hand computations.
 */
class AdaShareTest {

    private static final List<Task> TASKS = List.of(Task.regression("a", 1, 0), Task.regression("b", 2, 1));

    /** mlp stem 6→8, blocks 8→5→8, heads 8→4→outputs. */
    private static final String[] SMALL = {"mlp.hidden=8", "head.hidden=4", "blocks=3", "width=5"};

    private static AdaShare.Network build(NDManager manager, List<Task> tasks, Shape example, String... settings) {
        ContractTensors.seedEngine(1);
        return (AdaShare.Network) TestPlugins.create(new AdaShareFactory(), settings)
                .build(new NetworkContext(tasks, example, manager, 1));
    }

    private static AdaShare.Network small(NDManager manager, String... more) {
        List<String> all = new ArrayList<>(List.of(SMALL));
        all.addAll(List.of(more));
        return build(manager, TASKS, new Shape(6), all.toArray(new String[0]));
    }

    private static void start(MultiTaskNetwork network, String phase) {
        network.onPhaseStart(new TrainingPhase(phase, 1, p -> true), context(0));
    }

    // ---------------------------------------------------------------- Gumbel-softmax

    @Test
    void hardGumbelSamplesAreOneHotAndTheirMeanApproachesTheSoftmax() {
        try (NDManager manager = ContractTensors.newManager()) {
            float[] row = {0.7f, -0.4f, 1.3f};
            int n = 20_000;
            float[] logits = new float[n * 3];
            float[] noise = new float[n * 3];
            Random random = new Random(5);
            for (int i = 0; i < n * 3; i++) {
                logits[i] = row[i % 3];
                noise[i] = (float) -Math.log(-Math.log(random.nextDouble()));
            }
            // the temperature changes the gradient, not the distribution of the hard samples
            float[] y = AdaShare.gumbelHard(manager.create(logits, new Shape(n, 3)),
                    manager.create(noise, new Shape(n, 3)), 2.5).toFloatArray();
            double[] mean = new double[3];
            for (int i = 0; i < n; i++) {
                int ones = 0;
                for (int c = 0; c < 3; c++) {
                    float v = y[i * 3 + c];
                    assertTrue(v == 0f || v == 1f, "sample " + i + " is not one-hot: " + v);
                    ones += (int) v;
                    mean[c] += v / n;
                }
                assertEquals(1, ones, "sample " + i + " has " + ones + " ones");
            }
            double z = Math.exp(0.7) + Math.exp(-0.4) + Math.exp(1.3);
            for (int c = 0; c < 3; c++) {
                double p = Math.exp(row[c]) / z;
                assertEquals(p, mean[c], 4 * Math.sqrt(p * (1 - p) / n), "class " + c);
            }
        }
    }

    @Test
    void theStraightThroughGradientIsTheSoftmaxJacobianAndSurvivesGarbageCollection() {
        float[] l = {0.3f, -0.2f, 0.9f};
        float[] g = {0.1f, 1.2f, -0.5f};
        float[] c = {1.5f, -2f, 0.5f};
        double tau = 1.7;
        // q = softmax((l + g)/τ); d(c·y)/dl = (1/τ)(diag(q) − q qᵀ) c
        double[] q = new double[3];
        double z = 0;
        for (int i = 0; i < 3; i++) {
            q[i] = Math.exp((l[i] + g[i]) / tau);
            z += q[i];
        }
        double qc = 0;
        for (int i = 0; i < 3; i++) {
            q[i] /= z;
            qc += q[i] * c[i];
        }
        float[] expected = new float[3];
        for (int i = 0; i < 3; i++) {
            expected[i] = (float) (q[i] * (c[i] - qc) / tau);
        }
        try (NDManager manager = ContractTensors.newManager()) {
            NDArray logits = manager.create(l);
            logits.setRequiresGradient(true);
            for (int round = 0; round < 30; round++) {
                try (NDManager step = manager.newSubManager()) {
                    try (GradientCollector collector = ContractTensors.newGradientCollector()) {
                        NDArray y = AdaShare.gumbelHard(logits, step.create(g), tau);
                        assertArrayEquals(new float[] {0, 1, 0}, y.toFloatArray(), 1e-6f);
                        // what freed memory would be reused by: small arrays made and freed, and a
                        // collection, between the forward and the backward pass
                        for (int i = 0; i < 200; i++) {
                            step.create(new float[] {1234.5f}).close();
                        }
                        System.gc();
                        collector.backward(y.mul(step.create(c)).sum());
                    }
                    try (NDArray gradient = logits.getGradient()) {
                        assertArrayEquals(expected, gradient.toFloatArray(), 1e-5f, "round " + round);
                        zero(gradient);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- forward pass

    @Test
    void withEveryBlockSelectedAndNoPenaltiesTheNetworkIsAPlainResidualNetwork() {
        try (NDManager manager = ContractTensors.newManager()) {
            AdaShare.Network network = small(manager, "sparsity=0", "sharing=0", "policy.scale=10");
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(5, 6));
            double[][] input = rows(x);
            Map<String, double[][]> byHand = new LinkedHashMap<>();
            for (Task task : TASKS) {
                byHand.put(task.name(), residualByHand(network, input, task.name(), new int[] {1, 1, 1}));
            }
            // warm-up (evaluation and training) executes every block
            for (boolean training : new boolean[] {false, true}) {
                NDList rep = network.encode(store, x, training);
                for (Task task : TASKS) {
                    assertClose(byHand.get(task.name()), network.decode(store, rep, task.name(), training), "warm-up");
                }
            }
            // the policy search with every logit pair strongly for "select": a stored gap of 7 is 70
            // after the scale, more than any two Gumbel draws in double precision can bridge (< 41)
            setLogits(network, 3.5f, -3.5f);
            start(network, "policy-3");
            NDList rep = network.encode(store, x, true);
            for (Task task : TASKS) {
                assertClose(byHand.get(task.name()), network.decode(store, rep, task.name(), true), "policy search");
            }
            assertEquals(0f, network.penalty(store).orElseThrow().getFloat(), 0f);
            // and the fixed policy
            start(network, "retrain");
            rep = network.encode(store, x, false);
            for (Task task : TASKS) {
                assertClose(byHand.get(task.name()), network.decode(store, rep, task.name(), false), "re-training");
            }
        }
    }

    @Test
    void withEveryBlockSkippedTheNetworkIsHardSharingOnTheSameDesign() {
        for (Shape example : List.of(new Shape(6), new Shape(1, 28, 28))) {
            try (NDManager manager = ContractTensors.newManager()) {
                String[] design = {"mlp.hidden=8", "head.hidden=4"};
                AdaShare.Network network = build(manager, TASKS, example, design[0], design[1], "blocks=2", "width=3");
                ContractTensors.seedEngine(2);
                MultiTaskNetwork hard = TestPlugins.create(new HardSharingFactory(), design)
                        .build(new NetworkContext(TASKS, example, manager, 2));
                // copy adashare's stem (and, for images, the fully connected stage) and heads
                List<Parameter> trunk = new ArrayList<>(network.stem().getParameters().values());
                if (network.post() != null) {
                    trunk.addAll(network.post().getParameters().values());
                }
                copy(trunk, hard.sharedParameters());
                for (Task task : TASKS) {
                    copy(new ArrayList<>(network.head(task.name()).getParameters().values()),
                            hard.taskParameters(task.name()));
                }
                setLogits(network, -3.5f, 3.5f);
                start(network, "policy-2");
                start(network, "retrain");
                assertEquals(List.of(List.of(0, 0), List.of(0, 0)), network.structure().get("policy"));
                ParameterStore store = new ParameterStore(manager, false);
                NDArray x = manager.randomNormal(new Shape(3).addAll(example));
                NDList rep = network.encode(store, x, false);
                NDList hardRep = hard.encode(store, x, false);
                for (Task task : TASKS) {
                    assertArrayEquals(hard.decode(store, hardRep, task.name(), false).toFloatArray(),
                            network.decode(store, rep, task.name(), false).toFloatArray(), 1e-5f, example.toString());
                }
            }
        }
    }

    @Test
    void theFixedPolicyComputesOnlyTheSelectedBlocks() {
        try (NDManager manager = ContractTensors.newManager()) {
            AdaShare.Network network = small(manager);
            // task a: select, skip, select; task b: skip, skip, select
            float[] stored = {1, -1, -1, 1, 1, -1, -1, 1, -1, 1, 1, -1};
            network.logits().getArray().set(stored);
            start(network, "policy-3");
            start(network, "retrain");
            assertEquals(List.of(List.of(1, 0, 1), List.of(0, 0, 1)), network.structure().get("policy"));
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(4, 6));
            NDList rep = network.encode(store, x, true);
            assertClose(residualByHand(network, rows(x), "a", new int[] {1, 0, 1}), network.decode(store, rep, "a", true), "a");
            assertClose(residualByHand(network, rows(x), "b", new int[] {0, 0, 1}), network.decode(store, rep, "b", true), "b");
        }
    }

    // ---------------------------------------------------------------- penalties

    @Test
    void thePenaltiesMatchAHandComputation() {
        int tasks = 3;
        int k = 3;
        double scale = 2;
        double sparsity = 0.1;
        double sharing = 0.2;
        float[] stored = {0.4f, -0.1f, 0.3f, 0.6f, -0.2f, 0.1f, 0.0f, 0.5f, 0.9f, -0.3f, 0.2f, 0.2f, -0.5f, 0.4f, 0.1f,
            0.0f, 0.7f, -0.6f};
        double[][] p = new double[tasks][k];
        for (int t = 0; t < tasks; t++) {
            for (int i = 0; i < k; i++) {
                int at = (t * k + i) * 2;
                double l0 = scale * stored[at];
                double l1 = scale * stored[at + 1];
                p[t][i] = Math.exp(l0) / (Math.exp(l0) + Math.exp(l1));
            }
        }
        List<Task> three = List.of(Task.regression("a", 1, 0), Task.regression("b", 1, 1), Task.regression("c", 1, 2));
        try (NDManager manager = ContractTensors.newManager()) {
            AdaShare.Network network = build(manager, three, new Shape(6), "blocks=3", "policy.scale=2",
                    "sparsity=0.1", "sharing=0.2", "curriculum=1");
            network.logits().getArray().set(stored);
            ParameterStore store = new ParameterStore(manager, false);
            network.encode(store, manager.randomNormal(new Shape(2, 6)), true);
            // no penalty outside the policy epochs
            assertTrue(network.penalty(store).isEmpty());
            for (int j = 1; j <= 3; j++) {
                start(network, "policy-" + j);
                // the sparsity term covers the j searched blocks (the last ones), the sharing term all
                double expected = 0;
                for (int t = 0; t < tasks; t++) {
                    for (int i = k - j; i < k; i++) {
                        expected += sparsity * Math.log(p[t][i]);
                    }
                }
                for (int a = 0; a < tasks; a++) {
                    for (int b = a + 1; b < tasks; b++) {
                        for (int i = 0; i < k; i++) {
                            // block i + 1 of K weighs (K − (i + 1))/K: 2/3, 1/3, 0
                            expected += sharing * (k - (i + 1)) / (double) k * Math.abs(p[a][i] - p[b][i]);
                        }
                    }
                }
                assertEquals(expected, network.penalty(store).orElseThrow().getFloat(), 1e-5, "policy epoch " + j);
            }
            start(network, "weights-3");
            assertTrue(network.penalty(store).isEmpty());
            start(network, "retrain");
            assertTrue(network.penalty(store).isEmpty());
        }
    }

    @Test
    void theSparsityGradientOfAStoredLogitIsScaleTimesLambdaTimesTheSkipProbability() {
        try (NDManager manager = ContractTensors.newManager()) {
            AdaShare.Network network = small(manager, "policy.scale=4", "sparsity=0.3", "sharing=0");
            network.logits().getArray().set(new float[] {0.2f, -0.1f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
            start(network, "policy-3");
            ParameterStore store = new ParameterStore(manager, false);
            try (GradientCollector collector = ContractTensors.newGradientCollector()) {
                network.encode(store, manager.randomNormal(new Shape(2, 6)), true);
                collector.backward(network.penalty(store).orElseThrow());
            }
            // d/dθ0 of λ log σ(s(θ0 − θ1)) = λ s (1 − p), p = σ(4 · 0.3)
            double p = 1 / (1 + Math.exp(-4 * 0.3));
            float[] gradient = network.logits().getArray().getGradient().toFloatArray();
            assertEquals(0.3 * 4 * (1 - p), gradient[0], 1e-5);
            assertEquals(-0.3 * 4 * (1 - p), gradient[1], 1e-5);
            // an equal pair (p = 1/2): λ s / 2
            assertEquals(0.3 * 4 * 0.5, gradient[2], 1e-5);
        }
    }

    // ---------------------------------------------------------------- curriculum and schedule

    @Test
    void theCurriculumSearchesExactlyTheLastBlocksOfEachPolicyEpoch() {
        for (int curriculum : new int[] {1, 2, 0}) {
            try (NDManager manager = ContractTensors.newManager()) {
                AdaShare.Network network = small(manager, "curriculum=" + curriculum, "warmup=0.1", "retrain=0.1");
                ParameterStore store = new ParameterStore(manager, false);
                NDArray x = manager.randomNormal(new Shape(4, 6));
                List<TrainingPhase> phases = network.phases(12);
                int epoch = 0;
                int policyEpoch = 0;
                for (TrainingPhase phase : phases) {
                    network.onPhaseStart(phase, context(epoch));
                    for (int e = 0; e < phase.epochs(); e++) {
                        boolean policy = phase.name().startsWith("policy-");
                        if (policy) {
                            policyEpoch++;
                        }
                        // by hand: blocks searched = min(K, ⌈j / curriculum⌉), all with curriculum 0
                        int searched = policyEpoch == 0 || phase.name().equals("warmup") ? 0
                                : curriculum == 0 ? 3 : Math.min(3, (policyEpoch + curriculum - 1) / curriculum);
                        String where = "curriculum " + curriculum + ", " + phase.name();
                        float[] gradient = logitGradient(network, store, x);
                        for (int t = 0; t < 2; t++) {
                            for (int i = 0; i < 3; i++) {
                                boolean learned = policy && i >= 3 - searched;
                                for (int c = 0; c < 2; c++) {
                                    float g = gradient[(t * 3 + i) * 2 + c];
                                    assertEquals(learned, g != 0f, where + ": gradient of task " + t + ", block "
                                            + (i + 1) + " is " + g);
                                }
                            }
                        }
                        if (!phase.name().equals("retrain")) {
                            // with every logit for "skip", evaluation executes exactly the unsearched blocks
                            float[] saved = network.logits().getArray().toFloatArray();
                            setLogits(network, -3.5f, 3.5f);
                            int[] executed = new int[3];
                            for (int i = 0; i < 3 - searched; i++) {
                                executed[i] = 1;
                            }
                            NDList rep = network.encode(store, x, false);
                            assertClose(residualByHand(network, rows(x), "a", executed),
                                    network.decode(store, rep, "a", false), where);
                            network.logits().getArray().set(saved);
                        }
                        epoch++;
                        network.onEpochEnd(context(epoch));
                    }
                }
                assertEquals(12, epoch);
            }
        }
    }

    @Test
    void phasesWarmUpThenAlternatePolicyAndWeightEpochsThenRetrain() {
        try (NDManager manager = ContractTensors.newManager()) {
            AdaShare.Network network = small(manager, "warmup=0.2", "retrain=0.2");
            List<TrainingPhase> phases = network.phases(10);
            assertEquals(List.of("warmup", "policy-1", "weights-1", "policy-2", "weights-2", "policy-3", "weights-3",
                    "retrain"), phases.stream().map(TrainingPhase::name).toList());
            assertEquals(List.of(2, 1, 1, 1, 1, 1, 1, 2), phases.stream().map(TrainingPhase::epochs).toList());
            Parameter logits = network.logits();
            Parameter weight = network.sharedParameters().get(0);
            for (TrainingPhase phase : phases) {
                boolean policy = phase.name().startsWith("policy");
                assertEquals(policy, phase.trainable().test(logits), phase.name());
                assertEquals(!policy, phase.trainable().test(weight), phase.name());
            }
            // no room for a search: a plain residual network throughout
            List<TrainingPhase> short3 = network.phases(3);
            assertEquals(List.of("warmup"), short3.stream().map(TrainingPhase::name).toList());
            assertEquals(3, short3.get(0).epochs());
        }
    }

    @Test
    void theTemperatureDecaysAfterEachPolicyEpochDownToItsFloor() {
        try (NDManager manager = ContractTensors.newManager()) {
            AdaShare.Network network = small(manager, "tau=2", "tau.decay=0.5", "tau.min=0.3");
            start(network, "warmup");
            network.onEpochEnd(context(1));
            assertEquals(2.0, network.tau(), 0);
            double[] expected = {1.0, 0.5, 0.3, 0.3};
            for (int j = 1; j <= 4; j++) {
                start(network, "policy-" + j);
                network.onEpochEnd(context(2 * j));
                assertEquals(expected[j - 1], network.tau(), 1e-12, "after policy epoch " + j);
                start(network, "weights-" + j);
                network.onEpochEnd(context(2 * j + 1));
                assertEquals(expected[j - 1], network.tau(), 1e-12, "after weights epoch " + j);
            }
        }
    }

    @Test
    void theFinalPolicyKeepsTheBlocksNeverSearchedAndASampleOfCertainDecisionsIsTheArgmax() {
        for (String choice : new String[] {"argmax", "sample"}) {
            try (NDManager manager = ContractTensors.newManager()) {
                // curriculum 5: after two policy epochs only the last block has been searched
                AdaShare.Network network = small(manager, "curriculum=5", "final.policy=" + choice);
                setLogits(network, -3.5f, 3.5f);
                start(network, "policy-2");
                start(network, "retrain");
                assertEquals(List.of(List.of(1, 1, 0), List.of(1, 1, 0)), network.structure().get("policy"), choice);
            }
        }
    }

    @Test
    void theStructureRoundTripsThroughItsJsonForm() {
        try (NDManager manager = ContractTensors.newManager()) {
            AdaShare.Network first = small(manager, "final.policy=argmax");
            first.logits().getArray().set(new float[] {1, -1, -1, 1, 1, -1, -1, 1, -1, 1, 1, -1});
            for (String phase : List.of("warmup", "policy-1", "weights-1", "policy-2", "weights-2", "policy-3")) {
                start(first, phase);
                first.onEpochEnd(context(1));
            }
            Map<String, Object> searching = first.structure();
            assertEquals("policy", searching.get("mode"));
            assertEquals(3, searching.get("policy_epochs"));
            assertEquals(3, searching.get("searched_blocks"));
            assertEquals(List.of("a", "b"), searching.get("tasks"));
            start(first, "retrain");
            Map<String, Object> fixed = first.structure();
            assertEquals(List.of(List.of(1, 0, 1), List.of(0, 0, 1)), fixed.get("policy"));
            // a resumed run: a fresh network (its logits elsewhere) restores the saved schedule and policy
            for (Map<String, Object> saved : List.of(searching, fixed)) {
                AdaShare.Network second = small(manager);
                second.logits().getArray().set(first.logits().getArray().toFloatArray());
                second.restoreStructure(asJson(saved), context(7));
                Map<String, Object> restored = second.structure();
                assertEquals(asJson(saved), asJson(restored));
            }
        }
    }

    // ---------------------------------------------------------------- sizes and keys

    @Test
    void parameterCountsAndOutputShapesMatchAHandCount() {
        try (NDManager manager = ContractTensors.newManager()) {
            AdaShare.Network network = small(manager);
            // stem 6·8+8 = 56; block 8·5+5 + 5·8+8 = 93, three of them; heads 8·4+4 + 4·o+o; logits 2·3·2
            assertEquals(56 + 3 * 93, count(network.sharedParameters()));
            assertEquals(36 + 5, count(network.taskParameters("a")));
            assertEquals(36 + 10, count(network.taskParameters("b")));
            assertEquals(12, count(network.extraParameters()));
            assertEquals(56 + 279 + 41 + 46 + 12, count(new ArrayList<>(network.block().getParameters().values())));
            ParameterStore store = new ParameterStore(manager, false);
            NDList rep = network.encode(store, manager.randomNormal(new Shape(7, 6)), false);
            assertEquals(new Shape(7, 8), rep.singletonOrThrow().getShape());
            assertEquals(new Shape(7, 2), network.decode(store, rep, "b", false).getShape());
        }
        try (NDManager manager = ContractTensors.newManager()) {
            List<Task> digits = List.of(Task.classification("left", 10, 0), Task.classification("right", 10, 1));
            AdaShare.Network network = build(manager, digits, new Shape(1, 28, 28), "blocks=2", "width=6");
            // stem: conv 1→10 k5 (260), conv 10→20 k5 (5020); blocks on 20×4×4: conv 20→6 k3 (1086),
            // conv 6→20 k3 (1100); fc 320→50 (16050); heads 50·50+50 + 50·10+10; logits 2·2·2
            assertEquals(260 + 5020 + 2 * (1086 + 1100) + 16050, count(network.sharedParameters()));
            assertEquals(2550 + 510, count(network.taskParameters("left")));
            assertEquals(8, count(network.extraParameters()));
            ParameterStore store = new ParameterStore(manager, false);
            NDList rep = network.encode(store, manager.randomNormal(new Shape(3, 1, 28, 28)), true);
            assertEquals(new Shape(3, 320), rep.singletonOrThrow().getShape());
            assertEquals(new Shape(3, 10), network.decode(store, rep, "right", true).getShape());
        }
    }

    @Test
    void inconsistentKeysAreRefusedNamingTheKeys() {
        PluginConfigException both = assertThrows(PluginConfigException.class,
                () -> TestPlugins.create(new AdaShareFactory(), "warmup=0.6", "retrain=0.5"));
        assertTrue(both.getMessage().contains("retrain") && both.getMessage().contains("warmup"), both.getMessage());
        PluginConfigException tau = assertThrows(PluginConfigException.class,
                () -> TestPlugins.create(new AdaShareFactory(), "tau=1", "tau.min=2"));
        assertTrue(tau.getMessage().contains("tau.min"), tau.getMessage());
        assertFalse(TestPlugins.create(new AdaShareFactory(), "tau=1", "tau.min=1") == null);
    }

    // ---------------------------------------------------------------- helpers

    /** The logits' gradient after one training forward and backward of every task (zeroed after). */
    private static float[] logitGradient(AdaShare.Network network, ParameterStore store, NDArray x) {
        try (NDManager step = x.getManager().newSubManager()) {
            NDArray input = x.duplicate();
            input.attach(step);
            try (GradientCollector collector = ContractTensors.newGradientCollector()) {
                NDList rep = network.encode(store, input, true);
                NDArray objective = step.zeros(new Shape());
                for (Task task : TASKS) {
                    objective = objective.add(network.decode(store, rep, task.name(), true).sum());
                }
                collector.backward(objective);
            }
            // getGradient() gives zeros for an array the backward did not reach
            float[] gradient;
            try (NDArray g = network.logits().getArray().getGradient()) {
                gradient = g.toFloatArray();
            }
            for (Parameter p : network.block().getParameters().values()) {
                try (NDArray g = p.getArray().getGradient()) {
                    zero(g);
                }
            }
            return gradient;
        }
    }

    /**
     * Zeroes a gradient in place. Not with {@code set(float[])}: DJL's PyTorch engine then points
     * the tensor at a Java buffer that lives only as long as this handle, and the gradient the
     * engine keeps would outlive it.
     */
    private static void zero(NDArray gradient) {
        gradient.subi(gradient);
    }

    private static void setLogits(AdaShare.Network network, float select, float skip) {
        float[] l = new float[(int) network.logits().getArray().size()];
        for (int i = 0; i < l.length; i += 2) {
            l[i] = select;
            l[i + 1] = skip;
        }
        network.logits().getArray().set(l);
    }

    private static void copy(List<Parameter> from, List<Parameter> to) {
        assertEquals(from.size(), to.size());
        for (int i = 0; i < from.size(); i++) {
            assertEquals(from.get(i).getArray().getShape(), to.get(i).getArray().getShape());
            to.get(i).getArray().set(from.get(i).getArray().toFloatArray());
        }
    }

    private static long count(List<Parameter> parameters) {
        return parameters.stream().mapToLong(p -> p.getArray().size()).sum();
    }

    private static double[][] rows(NDArray x) {
        int n = (int) x.getShape().get(0);
        int d = (int) (x.size() / n);
        float[] v = x.toFloatArray();
        double[][] r = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                r[i][j] = v[i * d + j];
            }
        }
        return r;
    }

    /**
     * A vector network by hand, in doubles, from the network's weights: the stem's relu layers, then
     * x + W2 relu(W1 x + b1) + b2 for the executed blocks, then the head.
     */
    private static double[][] residualByHand(AdaShare.Network network, double[][] x, String task, int[] executed) {
        double[][] h = dense(x, network.stem(), true);
        for (int k = 0; k < executed.length; k++) {
            if (executed[k] == 1) {
                List<float[][]> layers = layers(network.residualBranches().get(k));
                double[][] f = apply(apply(h, layers.get(0), true), layers.get(1), false);
                for (int i = 0; i < h.length; i++) {
                    for (int j = 0; j < h[i].length; j++) {
                        h[i][j] += f[i][j];
                    }
                }
            }
        }
        List<float[][]> head = layers(network.head(task));
        for (int l = 0; l < head.size(); l++) {
            h = apply(h, head.get(l), l < head.size() - 1);
        }
        return h;
    }

    private static double[][] dense(double[][] x, Block block, boolean relu) {
        double[][] h = x;
        for (float[][] layer : layers(block)) {
            h = apply(h, layer, relu);
        }
        return h;
    }

    /** The (weight, bias) pairs of a block's linear layers, in order: {weight rows..., bias}. */
    private static List<float[][]> layers(Block block) {
        List<Parameter> parameters = new ArrayList<>(block.getParameters().values());
        List<float[][]> layers = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i += 2) {
            NDArray w = parameters.get(i).getArray();
            NDArray b = parameters.get(i + 1).getArray();
            int out = (int) w.getShape().get(0);
            int in = (int) w.getShape().get(1);
            float[] wv = w.toFloatArray();
            float[][] layer = new float[out + 1][];
            for (int o = 0; o < out; o++) {
                layer[o] = new float[in];
                System.arraycopy(wv, o * in, layer[o], 0, in);
            }
            layer[out] = b.toFloatArray();
            layers.add(layer);
        }
        return layers;
    }

    private static double[][] apply(double[][] x, float[][] layer, boolean relu) {
        int out = layer.length - 1;
        double[][] y = new double[x.length][out];
        for (int i = 0; i < x.length; i++) {
            for (int o = 0; o < out; o++) {
                double s = layer[out][o];
                for (int j = 0; j < x[i].length; j++) {
                    s += layer[o][j] * x[i][j];
                }
                y[i][o] = relu ? Math.max(0, s) : s;
            }
        }
        return y;
    }

    private static void assertClose(double[][] expected, NDArray actual, String where) {
        float[] a = actual.toFloatArray();
        int d = expected[0].length;
        assertEquals(expected.length * d, a.length, where);
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < d; j++) {
                assertEquals(expected[i][j], a[i * d + j], 1e-4, where + " [" + i + "," + j + "]");
            }
        }
    }

    /** The map as JSON reads it back: every number a double. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> asJson(Map<String, Object> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, jsonValue(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object jsonValue(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof List<?> list) {
            return list.stream().map(AdaShareTest::jsonValue).toList();
        }
        if (v instanceof Map<?, ?> m) {
            return asJson((Map<String, Object>) m);
        }
        return v;
    }

    private static PhaseContext context(int epoch) {
        return new PhaseContext() {
            @Override
            public MultiTaskDataset dataset() {
                throw new AssertionError("AdaShare asked the phase context for dataset(), which it must not need here");
            }

            @Override
            public ParameterStore parameters() {
                throw new AssertionError("AdaShare asked the phase context for parameters(), which it must not need here");
            }

            @Override
            public NDManager manager() {
                throw new AssertionError("AdaShare asked the phase context for manager(), which it must not need here");
            }

            @Override
            public NDManager parameterManager() {
                throw new AssertionError("AdaShare asked the phase context for parameterManager(), which it must not need here");
            }

            @Override
            public int epoch() {
                return epoch;
            }

            @Override
            public long seed() {
                return 1;
            }

            @Override
            public void restartTraining(java.util.Collection<Parameter> parameters) {
                RESTARTED.addAll(parameters);
            }
        };
    }

    /** The parameters the network asked the trainer to restart (cleared by the tests that read it). */
    private static final List<Parameter> RESTARTED = new ArrayList<>();

    // ---------------------------------------------------------------- the reference's schedule

    @Test
    void retrainingStartsFromTheInitialWeightsWithAFreshOptimizerStateByDefault() {
        try (NDManager manager = ContractTensors.newManager()) {
            AdaShare.Network network = small(manager);
            List<Parameter> weights = new ArrayList<>();
            List<float[]> initial = new ArrayList<>();
            for (Parameter p : network.block().getParameters().values()) {
                if (p != network.logits()) {
                    weights.add(p);
                    initial.add(p.getArray().toFloatArray());
                    // what the warm-up and search would have done to the weights
                    p.getArray().set(shifted(p.getArray().toFloatArray(), 0.25f));
                }
            }
            RESTARTED.clear();
            start(network, "warmup");
            start(network, "policy-1");
            start(network, "weights-1");
            assertTrue(RESTARTED.isEmpty(), "nothing restarts before re-training");
            start(network, "retrain");
            for (int i = 0; i < weights.size(); i++) {
                assertArrayEquals(initial.get(i), weights.get(i).getArray().toFloatArray(), 0f, weights.get(i).getName());
            }
            assertEquals(weights, RESTARTED, "every weight, not the logits, restarts its optimizer state");
            // a resumed run calls the phase start again: no second reset
            weights.get(0).getArray().set(weights.get(0).getArray().add(1f).toFloatArray());
            RESTARTED.clear();
            start(network, "retrain");
            assertTrue(RESTARTED.isEmpty());
            assertFalse(java.util.Arrays.equals(initial.get(0), weights.get(0).getArray().toFloatArray()));
        }
    }

    @Test
    void retrainFromSearchKeepsTheSearchedWeights() {
        try (NDManager manager = ContractTensors.newManager()) {
            AdaShare.Network network = small(manager, "retrain.from=search");
            Parameter w = network.sharedParameters().get(0);
            w.getArray().set(shifted(w.getArray().toFloatArray(), 0.25f));
            float[] searched = w.getArray().toFloatArray();
            RESTARTED.clear();
            start(network, "policy-1");
            start(network, "retrain");
            assertArrayEquals(searched, w.getArray().toFloatArray(), 0f);
            assertTrue(RESTARTED.isEmpty());
        }
    }

    @Test
    void theSearchTrainsWeightsAndPolicyOnTheTwoHalvesOfTheTrainingSplitByDefault() {
        try (NDManager manager = ContractTensors.newManager()) {
            for (String data : new String[] {"split", "shared"}) {
                AdaShare.Network network = small(manager, "warmup=0.2", "retrain=0.2", "search.data=" + data);
                for (TrainingPhase phase : network.phases(10)) {
                    boolean split = data.equals("split");
                    int parts = phase.name().startsWith("policy") || phase.name().startsWith("weights") ? 2 : 1;
                    assertEquals(split ? parts : 1, phase.dataParts(), data + " " + phase.name());
                    int part = split && phase.name().startsWith("policy") ? 1 : 0;
                    assertEquals(part, phase.dataPart(), data + " " + phase.name());
                }
            }
        }
    }

    @Test
    void softSamplingMixesEachBlockByTheRelaxedSelectProbability() {
        try (NDManager manager = ContractTensors.newManager()) {
            // with every block's logits far apart and a low temperature the soft sample is one-hot,
            // and the network is the residual network of the selected blocks; at tau = 1e3 it is
            // nearly 1/2 for every block
            for (String sampling : new String[] {"soft", "hard"}) {
                AdaShare.Network network = small(manager, "sampling=" + sampling, "curriculum=0", "tau=1000",
                        "tau.min=1000", "policy.scale=1");
                setLogits(network, 0f, 0f);
                start(network, "policy-1");
                ParameterStore store = new ParameterStore(manager, false);
                try (NDManager step = manager.newSubManager()) {
                    NDArray x = step.randomNormal(new Shape(4, 6));
                    NDList stem = network.encode(store, x, true);
                    NDArray h = stem.singletonOrThrow();
                    NDArray half = h;
                    for (Block b : network.residualBranches()) {
                        half = half.add(b.forward(store, new NDList(half), true).singletonOrThrow().mul(0.5f));
                    }
                    NDArray expected = network.head("a").forward(store, new NDList(half), true).singletonOrThrow();
                    NDArray actual = network.decode(store, stem, "a", true);
                    float[] e = expected.toFloatArray();
                    float[] a = actual.toFloatArray();
                    double maxDifference = 0;
                    for (int i = 0; i < e.length; i++) {
                        maxDifference = Math.max(maxDifference, Math.abs(e[i] - a[i]));
                    }
                    if (sampling.equals("soft")) {
                        assertTrue(maxDifference < 5e-3, "soft: every block mixed by about 1/2, off by " + maxDifference);
                    } else {
                        assertTrue(maxDifference > 5e-3, "hard: each block fully in or out, not mixed");
                    }
                }
            }
        }
    }

    /** The values plus a constant, on the host: no Java number enters the engine's arithmetic. */
    private static float[] shifted(float[] values, float delta) {
        float[] out = values.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += delta;
        }
        return out;
    }
}
