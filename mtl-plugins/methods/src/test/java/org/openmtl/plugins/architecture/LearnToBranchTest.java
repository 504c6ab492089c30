package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.architecture.PhaseContext;
import org.openmtl.api.architecture.TrainingPhase;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.task.Task;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class LearnToBranchTest {

    private static final List<Task> TASKS = List.of(Task.regression("t0", 1, 0), Task.regression("t1", 1, 1),
            Task.regression("t2", 1, 2), Task.regression("t3", 1, 3));

    /** Sizes of the default mlp design on 8 inputs: layers 8→64, 64→64; heads 64→32→1. */
    private static final long LAYER1 = 8 * 64 + 64;
    private static final long LAYER2 = 64 * 64 + 64;
    private static final long HEAD = 64 * 32 + 32 + 32 + 1;

    /** Logits that force a choice: 50 for the chosen parent, 0 elsewhere (Gumbel noise never bridges 50). */
    private static float[] forcing(int[] parents, int width) {
        float[] v = new float[parents.length * width];
        for (int r = 0; r < parents.length; r++) {
            v[r * width + parents[r]] = 50f;
        }
        return v;
    }

    /**
     * The forced tree: layer-2 nodes 0, 1, 2, 3 read layer-1 nodes 0, 1, 0, 3; t0, t1, t2, t3 read layer-2
     * nodes 0, 1, 2, 1. Paths: t0 = (0, 0), t1 = (1, 1), t2 = (0, 2), t3 = (1, 1).
     */
    private static final int[] STAGE2 = {0, 1, 0, 3};
    private static final int[] HEADS = {0, 1, 2, 1};
    private static final int[][] PATHS = {{0, 0}, {1, 1}, {0, 2}, {1, 1}};

    private static LearnToBranch.Network build(NDManager manager, String... settings) {
        ContractTensors.seedEngine(1);
        return (LearnToBranch.Network) TestPlugins.create(new LearnToBranchFactory(), settings)
                .build(new NetworkContext(TASKS, new Shape(8), manager, 1));
    }

    private static void force(LearnToBranch.Network network) {
        network.logits().get(0).getArray().set(forcing(STAGE2, 4));
        network.logits().get(1).getArray().set(forcing(HEADS, 4));
    }

    /** relu(x Wᵀ + b) with the weight and bias of a Linear, from their arrays. */
    private static NDArray dense(NDArray x, Parameter weight, Parameter bias, boolean relu) {
        NDArray y = x.matMul(weight.getArray().transpose()).add(bias.getArray());
        return relu ? y.maximum(0f) : y;
    }

    /** A node (Linear + relu) or a head (Linear, relu, Linear) computed by hand from its parameters. */
    private static NDArray byHand(Block block, NDArray x) {
        List<Parameter> p = new ArrayList<>(block.getParameters().values());
        NDArray h = x;
        for (int i = 0; i < p.size(); i += 2) {
            boolean last = i + 2 == p.size();
            boolean head = p.size() > 2;
            h = dense(h, p.get(i), p.get(i + 1), !(head && last));
        }
        return h;
    }

    private static float[] handBuilt(LearnToBranch.Network network, NDArray x, int t) {
        NDArray h = x;
        for (int l = 0; l < 2; l++) {
            h = byHand(network.node(l, PATHS[t][l]), h);
        }
        return byHand(network.head(t), h).toFloatArray();
    }

    private static PhaseContext phaseContext(NDManager manager, int epoch) {
        return new PhaseContext() {
            @Override
            public MultiTaskDataset dataset() {
                throw new AssertionError("learn-to-branch asked the phase context for dataset(), which it must not need here");
            }

            @Override
            public ParameterStore parameters() {
                return new ParameterStore(manager, false);
            }

            @Override
            public NDManager manager() {
                return manager;
            }

            @Override
            public NDManager parameterManager() {
                return manager;
            }

            @Override
            public int epoch() {
                return epoch;
            }

            @Override
            public long seed() {
                return 7;
            }
        };
    }

    private static long count(List<Parameter> parameters) {
        return parameters.stream().mapToLong(p -> p.getArray().size()).sum();
    }

    private static TrainingPhase treePhase(LearnToBranch.Network network) {
        return network.phases(10).get(1);
    }

    @Test
    void gumbelHardSamplesAreOneHotAndAverageToTheSoftmax() {
        double[] logits = {1.0, 0.0, -1.0, 0.5};
        double tau = 2.0;
        int draws = 20_000;
        try (NDManager manager = ContractTensors.newManager()) {
            float[] tiled = new float[draws * 4];
            for (int i = 0; i < draws; i++) {
                for (int c = 0; c < 4; c++) {
                    tiled[i * 4 + c] = (float) logits[c];
                }
            }
            NDArray l = manager.create(tiled, new Shape(draws, 4));
            float[] g = LearnToBranch.gumbelNoise(new SplittableRandom(3), draws * 4);
            float[] hard = LearnToBranch.straightThrough(l, manager.create(g, new Shape(draws, 4)), tau).toFloatArray();
            double[] frequency = new double[4];
            for (int i = 0; i < draws; i++) {
                int ones = 0;
                int best = 0;
                for (int c = 0; c < 4; c++) {
                    float v = hard[i * 4 + c];
                    assertTrue(Math.abs(v) < 1e-6 || Math.abs(v - 1) < 1e-6, "entry " + v + " of a hard sample");
                    if (v > 0.5f) {
                        ones++;
                        frequency[c] += 1.0 / draws;
                    }
                    // the Gumbel-max trick: the sample is the argmax of logits + noise
                    if (logits[c] + g[i * 4 + c] > logits[best] + g[i * 4 + best]) {
                        best = c;
                    }
                }
                assertEquals(1, ones, "sample " + i + " is not one-hot");
                assertTrue(hard[i * 4 + best] > 0.5f);
            }
            double z = 0;
            for (double v : logits) {
                z += Math.exp(v);
            }
            for (int c = 0; c < 4; c++) {
                double p = Math.exp(logits[c]) / z;
                // four standard errors of a frequency over 20,000 draws
                assertEquals(p, frequency[c], 4 * Math.sqrt(p * (1 - p) / draws), "choice " + c);
            }
        }
    }

    @Test
    void theStraightThroughGradientIsTheRelaxedSamplesGradient() {
        // d/dθ Σ_c v_c·y_c with y = hard − sg(soft) + soft is (1/τ)·s ⊙ (v − s·v), s = softmax((θ + g)/τ)
        double[] theta = {0.3, -0.2, 0.9};
        float[] g = {0.5f, -0.1f, 0.2f};
        double[] v = {1.0, -2.0, 0.5};
        double tau = 0.7;
        try (NDManager manager = ContractTensors.newManager()) {
            NDArray logits = manager.create(new float[] {0.3f, -0.2f, 0.9f}, new Shape(1, 3));
            logits.setRequiresGradient(true);
            NDArray value = manager.create(new float[] {1f, -2f, 0.5f}, new Shape(1, 3));
            float[] forward;
            try (GradientCollector collector = ContractTensors.newGradientCollector()) {
                NDArray y = LearnToBranch.straightThrough(logits, manager.create(g, new Shape(1, 3)), tau);
                forward = y.toFloatArray();
                collector.backward(y.mul(value).sum());
            }
            double[] s = new double[3];
            double z = 0;
            for (int c = 0; c < 3; c++) {
                s[c] = Math.exp((theta[c] + g[c]) / tau);
                z += s[c];
            }
            double sv = 0;
            for (int c = 0; c < 3; c++) {
                s[c] /= z;
                sv += s[c] * v[c];
            }
            float[] gradient = logits.getGradient().toFloatArray();
            for (int c = 0; c < 3; c++) {
                assertEquals(s[c] * (v[c] - sv) / tau, gradient[c], 1e-5, "component " + c);
            }
            // θ + g = (0.8, -0.3, 1.1): the forward value is the one-hot of choice 2
            assertArrayEquals(new float[] {0, 0, 1}, forward, 1e-6f);
        }
    }

    @Test
    void parentProbabilitiesAreTheSoftmaxOfTheLogits() {
        try (NDManager manager = ContractTensors.newManager()) {
            LearnToBranch.Network network = build(manager);
            float[] heads = new float[16];
            for (int i = 0; i < 16; i++) {
                heads[i] = (float) Math.sin(3.0 * i);
            }
            network.logits().get(1).getArray().set(heads);
            @SuppressWarnings("unchecked")
            Map<String, Object> p = (Map<String, Object>) network.structure().get("parent_probability");
            assertEquals(List.of("stage2", "heads"), new ArrayList<>(p.keySet()));
            @SuppressWarnings("unchecked")
            Map<String, List<Double>> byTask = (Map<String, List<Double>>) p.get("heads");
            for (int t = 0; t < 4; t++) {
                List<Double> row = byTask.get("t" + t);
                double z = 0;
                for (int c = 0; c < 4; c++) {
                    z += Math.exp(heads[t * 4 + c]);
                }
                double sum = 0;
                for (int c = 0; c < 4; c++) {
                    assertEquals(Math.exp(heads[t * 4 + c]) / z, row.get(c), 1e-4);
                    assertTrue(row.get(c) >= 0);
                    sum += row.get(c);
                }
                assertEquals(1.0, sum, 1e-3);
            }
            @SuppressWarnings("unchecked")
            List<List<Double>> stage2 = (List<List<Double>>) p.get("stage2");
            // zero logits: uniform parents
            stage2.forEach(row -> row.forEach(v -> assertEquals(0.25, v, 1e-4)));
        }
    }

    @Test
    void theLogitScaleMultipliesTheTrainedParameter() {
        try (NDManager manager = ContractTensors.newManager()) {
            LearnToBranch.Network network = build(manager, "logit.scale=3");
            // φ = (0.1, 0, 0, 0) for t0's head: θ = 3φ, p = softmax(0.3, 0, 0, 0)
            float[] heads = new float[16];
            heads[0] = 0.1f;
            network.logits().get(1).getArray().set(heads);
            @SuppressWarnings("unchecked")
            Map<String, List<Double>> byTask = (Map<String, List<Double>>)
                    ((Map<String, Object>) network.structure().get("parent_probability")).get("heads");
            double z = Math.exp(0.3) + 3;
            assertEquals(Math.exp(0.3) / z, byTask.get("t0").get(0), 1e-4);
            assertEquals(1 / z, byTask.get("t0").get(1), 1e-4);
            // a forcing φ of 50/3 is a forcing θ of 50: the sampled tree in training is the forced one
            network.logits().get(0).getArray().set(scaled(forcing(STAGE2, 4), 1 / 3f));
            network.logits().get(1).getArray().set(scaled(forcing(HEADS, 4), 1 / 3f));
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(3, 8));
            NDList rep = network.encode(store, x, true);
            for (int t = 0; t < 4; t++) {
                assertArrayEquals(handBuilt(network, x, t), network.decode(store, rep, "t" + t, true).toFloatArray(), 1e-5f);
            }
        }
    }

    private static float[] scaled(float[] v, float factor) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * factor;
        }
        return out;
    }

    @Test
    void withForcingLogitsTheNetworkIsTheHandBuiltTreeAndFixingKeepsIt() {
        try (NDManager manager = ContractTensors.newManager()) {
            LearnToBranch.Network network = build(manager, "final.weights=continue");
            force(network);
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(3, 8));
            for (boolean training : new boolean[] {true, false}) {
                NDList rep = network.encode(store, x, training);
                // searching with several nodes per layer: nothing is shared before the first choice
                assertSame(x, rep.singletonOrThrow());
                for (int t = 0; t < 4; t++) {
                    assertArrayEquals(handBuilt(network, x, t),
                            network.decode(store, rep, "t" + t, training).toFloatArray(), 1e-5f, "t" + t + ", training " + training);
                }
            }
            assertEquals(List.of(List.of(List.of("t0", "t2"), List.of("t1", "t3")),
                    List.of(List.of("t0"), List.of("t1", "t3"), List.of("t2"))), network.structure().get("layers"));
            assertEquals(false, network.structure().get("fixed"));

            assertTrue(network.onPhaseStart(treePhase(network), phaseContext(manager, 5)));
            Map<String, Object> structure = network.structure();
            assertEquals(true, structure.get("fixed"));
            assertEquals(List.of(List.of(List.of("t0", "t2"), List.of("t1", "t3")),
                    List.of(List.of("t0"), List.of("t1", "t3"), List.of("t2"))), structure.get("layers"));
            assertEquals(List.of(List.of(0, 1, 0, 3), List.of(0, 1, 2, 1)), structure.get("parents"));
            for (boolean training : new boolean[] {true, false}) {
                NDList rep = network.encode(store, x, training);
                for (int t = 0; t < 4; t++) {
                    assertArrayEquals(handBuilt(network, x, t),
                            network.decode(store, rep, "t" + t, training).toFloatArray(), 1e-5f);
                }
            }
            // a second start of the phase (a resumed run) changes nothing
            assertFalse(network.onPhaseStart(treePhase(network), phaseContext(manager, 6)));
        }
    }

    @Test
    void fixingTheTreeDropsTheUnusedNodesAndTheLogitsAndRepartitionsTheRest() {
        for (String weights : new String[] {"continue", "reinit"}) {
            try (NDManager manager = ContractTensors.newManager()) {
                LearnToBranch.Network network = build(manager, "final.weights=" + weights);
                force(network);
                // searching: 4 + 4 nodes shared, heads their tasks', 2 logit matrices extra
                assertEquals(4 * LAYER1 + 4 * LAYER2 + 4 * HEAD + 16 + 16, count(new ArrayList<>(
                        network.block().getParameters().values())));
                assertEquals(4 * LAYER1 + 4 * LAYER2, count(network.sharedParameters()));
                assertEquals(32, count(network.extraParameters()));
                assertEquals(HEAD, count(network.taskParameters("t1")));
                float[] layer1Node0 = network.node(0, 0).getParameters().get(0).getValue().getArray().toFloatArray();

                assertTrue(network.onPhaseStart(treePhase(network), phaseContext(manager, 5)));
                // kept: layer-1 nodes 0 and 1, layer-2 nodes 0, 1 and 2, the heads
                long total = 2 * LAYER1 + 3 * LAYER2 + 4 * HEAD;
                List<Parameter> all = new ArrayList<>(network.block().getParameters().values());
                assertEquals(total, count(all), weights);
                Set<String> names = network.block().getParameters().keys().stream()
                        .map(k -> k.replaceAll("^\\d+", "")).collect(java.util.stream.Collectors.toSet());
                for (String gone : new String[] {"stage1_node3", "stage1_node4", "stage2_node4", "parents"}) {
                    assertTrue(network.block().getParameters().keys().stream().noneMatch(k -> k.contains(gone)),
                            gone + " is still in " + names);
                }
                assertTrue(network.logits().isEmpty());
                assertEquals(weights.equals("reinit"), names.stream().allMatch(k -> k.contains("tree_")), names.toString());
                // no node serves every task: nothing shared; {t0,t2} and {t1,t3} at layer 1 and {t1,t3}
                // at layer 2 are extra; layer-2 nodes 0 and 2 are t0's and t2's
                assertTrue(network.sharedParameters().isEmpty());
                assertEquals(2 * LAYER1 + LAYER2, count(network.extraParameters()));
                assertEquals(LAYER2 + HEAD, count(network.taskParameters("t0")));
                assertEquals(HEAD, count(network.taskParameters("t1")));
                assertEquals(LAYER2 + HEAD, count(network.taskParameters("t2")));
                assertEquals(HEAD, count(network.taskParameters("t3")));
                Set<String> ids = new HashSet<>();
                network.sharedParameters().forEach(p -> assertTrue(ids.add(p.getId())));
                network.extraParameters().forEach(p -> assertTrue(ids.add(p.getId())));
                TASKS.forEach(t -> network.taskParameters(t.name()).forEach(p -> assertTrue(ids.add(p.getId()))));
                assertEquals(all.size(), ids.size());
                float[] now = network.node(0, 0).getParameters().get(0).getValue().getArray().toFloatArray();
                if (weights.equals("continue")) {
                    assertArrayEquals(layer1Node0, now);
                } else {
                    assertFalse(java.util.Arrays.equals(layer1Node0, now));
                    // PyTorch's default: uniform in ±1/√fan_in, fan_in 8
                    double bound = 1 / Math.sqrt(8);
                    double max = 0;
                    for (float v : now) {
                        max = Math.max(max, Math.abs(v));
                    }
                    assertTrue(max <= bound && max > 0.9 * bound, "largest weight " + max + ", bound " + bound);
                }
            }
        }
    }

    @Test
    void aTreeWhoseFirstLayerIsOneNodeEncodesThroughItAndSharesIt() {
        try (NDManager manager = ContractTensors.newManager()) {
            LearnToBranch.Network network = build(manager, "final.weights=continue");
            // every layer-2 node reads layer-1 node 2; t0, t2 read layer-2 node 3, t1, t3 node 0
            network.logits().get(0).getArray().set(forcing(new int[] {2, 2, 2, 2}, 4));
            network.logits().get(1).getArray().set(forcing(new int[] {3, 0, 3, 0}, 4));
            assertTrue(network.onPhaseStart(treePhase(network), phaseContext(manager, 5)));
            assertEquals(List.of(List.of(List.of("t0", "t1", "t2", "t3")), List.of(List.of("t1", "t3"), List.of("t0", "t2"))),
                    network.structure().get("layers"));
            assertEquals(LAYER1, count(network.sharedParameters()));
            assertEquals(2 * LAYER2, count(network.extraParameters()));
            assertEquals(LAYER1 + 2 * LAYER2 + 4 * HEAD, count(new ArrayList<>(network.block().getParameters().values())));
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(3, 8));
            NDList rep = network.encode(store, x, true);
            NDArray stem = byHand(network.node(0, 2), x);
            assertArrayEquals(stem.toFloatArray(), rep.singletonOrThrow().toFloatArray(), 1e-5f);
            NDArray t2 = byHand(network.head(2), byHand(network.node(1, 3), stem));
            assertArrayEquals(t2.toFloatArray(), network.decode(store, rep, "t2", true).toFloatArray(), 1e-5f);
        }
    }

    @Test
    void aResumedRunRebuildsTheFixedTreeUnderTheSameNames() {
        for (String weights : new String[] {"continue", "reinit"}) {
            try (NDManager manager = ContractTensors.newManager()) {
                LearnToBranch.Network fixed = build(manager, "final.weights=" + weights);
                force(fixed);
                fixed.onEpochEnd(phaseContext(manager, 5));
                fixed.onPhaseStart(treePhase(fixed), phaseContext(manager, 5));
                // the structure as the trainer reads it back from JSON: numbers are doubles
                Map<String, Object> saved = new LinkedHashMap<>(fixed.structure());
                List<List<Double>> parents = new ArrayList<>();
                for (Object row : (List<?>) saved.get("parents")) {
                    parents.add(((List<?>) row).stream().map(v -> ((Number) v).doubleValue()).toList());
                }
                saved.put("parents", parents);

                LearnToBranch.Network resumed = build(manager, "final.weights=" + weights);
                assertTrue(resumed.restoreStructure(saved, phaseContext(manager, 6)));
                assertEquals(fixed.block().getParameters().keys(), resumed.block().getParameters().keys());
                assertEquals(fixed.structure(), resumed.structure());
                assertEquals(fixed.tau(), resumed.tau());
                // and the phase start that follows a resume does not fix the tree again
                assertFalse(resumed.onPhaseStart(treePhase(resumed), phaseContext(manager, 6)));
                if (weights.equals("reinit")) {
                    // fresh weights come from the seed, not from the engine's random state
                    assertArrayEquals(fixed.node(1, 2).getParameters().get(0).getValue().getArray().toFloatArray(),
                            resumed.node(1, 2).getParameters().get(0).getValue().getArray().toFloatArray());
                }
            }
        }
    }

    @Test
    void theTemperatureIsAnnealedPerSearchEpochDownToItsFloor() {
        try (NDManager manager = ContractTensors.newManager()) {
            LearnToBranch.Network network = build(manager, "tau=4", "tau.decay=0.5", "tau.min=0.6");
            network.onEpochEnd(phaseContext(manager, 1));
            assertEquals(2.0, network.tau(), 1e-12);
            network.onEpochEnd(phaseContext(manager, 2));
            assertEquals(1.0, network.tau(), 1e-12);
            network.onEpochEnd(phaseContext(manager, 3));
            assertEquals(0.6, network.tau(), 1e-12);
            network.onPhaseStart(treePhase(network), phaseContext(manager, 3));
            network.onEpochEnd(phaseContext(manager, 4));
            assertEquals(0.6, network.tau(), 1e-12);
        }
    }

    @Test
    void thePhasesSearchThenTrainTheTree() {
        try (NDManager manager = ContractTensors.newManager()) {
            LearnToBranch.Network network = build(manager, "search=0.3");
            List<TrainingPhase> phases = network.phases(10);
            assertEquals(List.of("search", "tree"), phases.stream().map(TrainingPhase::name).toList());
            assertEquals(List.of(3, 7), phases.stream().map(TrainingPhase::epochs).toList());
            assertEquals(List.of("search"), network.phases(1).stream().map(TrainingPhase::name).toList());
            LearnToBranch.Network searchOnly = build(manager, "search=1");
            assertEquals(List.of(10), searchOnly.phases(10).stream().map(TrainingPhase::epochs).toList());
        }
    }

    @Test
    void aSampledFinalTreeFollowsTheDistribution() {
        // with forcing logits a draw is the forced tree; with uniform logits draws differ between seeds
        try (NDManager manager = ContractTensors.newManager()) {
            LearnToBranch.Network network = build(manager, "final.tree=sample");
            force(network);
            network.onPhaseStart(treePhase(network), phaseContext(manager, 5));
            assertEquals(List.of(List.of(0, 1, 0, 3), List.of(0, 1, 2, 1)), network.structure().get("parents"));
            Set<Object> trees = new HashSet<>();
            for (int epoch = 0; epoch < 5; epoch++) {
                LearnToBranch.Network uniform = build(manager, "final.tree=sample");
                uniform.onEpochEnd(phaseContext(manager, epoch));
                uniform.onPhaseStart(treePhase(uniform), phaseContext(manager, epoch));
                trees.add(uniform.structure().get("parents"));
            }
            assertTrue(trees.size() > 1, "five draws from uniform parents gave one tree: " + trees);
        }
    }

    @Test
    void badKeysAreNamed() {
        PluginConfigException search = assertThrows(PluginConfigException.class,
                () -> TestPlugins.create(new LearnToBranchFactory(), "search=0"));
        assertTrue(search.getMessage().contains("architecture.learn-to-branch.search"), search.getMessage());
        PluginConfigException tau = assertThrows(PluginConfigException.class,
                () -> TestPlugins.create(new LearnToBranchFactory(), "tau=0.5", "tau.min=1"));
        assertTrue(tau.getMessage().contains("tau.min"), tau.getMessage());
        assertNotEquals(null, TestPlugins.create(new LearnToBranchFactory(), "branches=2"));
    }
}
