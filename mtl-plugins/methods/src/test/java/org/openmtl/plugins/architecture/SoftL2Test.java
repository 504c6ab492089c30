package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.task.Task;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

/**
 * {@code soft-l2}'s penalty Ω = λ_mean‖ā‖² + (λ_spread/T) Σ_t ‖a_t − ā‖² against hand computations
 * from the parameter arrays (found by their names, not through the network's own grouping), and its
 * autograd gradient against the closed form 2λ_mean ā/T + 2(λ_spread/T)(a_t − ā).
 */
class SoftL2Test {

    private static final List<Task> TASKS = List.of(Task.classification("a", 3, 0),
            Task.classification("b", 2, 1), Task.regression("c", 2, 2));
    private static final Shape VECTOR = new Shape(8);
    /** The mlp trunk's arrays (8→64→64), by name within a task's network. */
    private static final List<String> TRUNK = List.of("stage1_01Linear_weight", "stage1_01Linear_bias",
            "stage2_01Linear_weight", "stage2_01Linear_bias");
    /** The head's hidden layer (64→32). */
    private static final List<String> HEAD_HIDDEN = List.of("head_01Linear_weight", "head_01Linear_bias");
    /** The head's output layer (32→outputs). */
    private static final List<String> HEAD_OUTPUT = List.of("head_03Linear_weight", "head_03Linear_bias");

    private static MultiTaskNetwork build(NDManager manager, List<Task> tasks, String... settings) {
        ContractTensors.seedEngine(5);
        return TestPlugins.create(new SoftL2Factory(), settings).build(new NetworkContext(tasks, VECTOR, manager, 5));
    }

    private static Map<String, Parameter> parameters(MultiTaskNetwork network) {
        Map<String, Parameter> byKey = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : network.block().getParameters()) {
            // a child block's parameters are named after its position ("01a_stage1_..."): keep the name only
            byKey.put(p.getKey().replaceFirst("^\\d+(?=[a-z])", ""), p.getValue());
        }
        return byKey;
    }

    private static Parameter get(Map<String, Parameter> parameters, String task, String name) {
        Parameter p = parameters.get(task + "_" + name);
        assertTrue(p != null, "no parameter " + task + "_" + name + " among " + parameters.keySet());
        return p;
    }

    /**
     * Runs a forward pass (the penalty's arrays belong to the step) and the penalty's backward.
     *
     * @return Ω's value
     */
    private static double penaltyAndBackward(MultiTaskNetwork network, NDManager manager) {
        network.block().getParameters().values().forEach(p -> p.getArray().setRequiresGradient(true));
        ParameterStore store = new ParameterStore(manager, false);
        try (NDManager step = manager.newSubManager();
                GradientCollector collector = ContractTensors.newGradientCollector()) {
            network.encode(store, step.randomNormal(new Shape(2, 8)), true);
            NDArray omega = network.penalty(store).orElseThrow();
            assertEquals(new Shape(), omega.getShape(), "a scalar");
            collector.backward(omega);
            return omega.getFloat();
        }
    }

    @Test
    void theValueAndGradientForConstantTrunksAreTheHandComputedOnes() {
        double lambdaMean = 0.3;
        double lambdaSpread = 0.7;
        double[] c = {0.1, 0.2, 0.6};
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, TASKS, "lambda.mean=" + lambdaMean,
                    "lambda.spread=" + lambdaSpread);
            Map<String, Parameter> p = parameters(network);
            for (int k = 0; k < 3; k++) {
                for (String name : TRUNK) {
                    NDArray array = get(p, TASKS.get(k).name(), name).getArray();
                    float[] constant = new float[(int) array.size()];
                    Arrays.fill(constant, (float) c[k]);
                    array.set(constant);
                }
            }
            double value = penaltyAndBackward(network, manager);
            // ā = 0.3 everywhere; Σ_t (c_t − ā)² = 0.04 + 0.01 + 0.09 = 0.14; N = 8·64+64 + 64·64+64 entries
            double entries = 8 * 64 + 64 + 64 * 64 + 64;
            double expected = entries * (lambdaMean * 0.09 + lambdaSpread / 3 * 0.14);
            assertEquals(expected, value, 1e-5 * expected);
            for (int k = 0; k < 3; k++) {
                // 2·λ_mean·ā/T + 2·(λ_spread/T)·(c_k − ā)
                double want = 2 * lambdaMean * 0.3 / 3 + 2 * lambdaSpread / 3 * (c[k] - 0.3);
                for (String name : TRUNK) {
                    for (float g : get(p, TASKS.get(k).name(), name).getArray().getGradient().toFloatArray()) {
                        assertEquals(want, g, 1e-6, TASKS.get(k).name() + " " + name);
                    }
                }
                // the default couples the trunks only
                for (String name : HEAD_HIDDEN) {
                    assertFalse(isNonZeroGradient(get(p, TASKS.get(k).name(), name)), name);
                }
            }
        }
    }

    @Test
    void couplingEverythingAddsTheHeadsHiddenLayersButNotOutputLayersOfDifferentSizes() {
        double lambdaMean = 0.05;
        double lambdaSpread = 2.0;
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, TASKS, "lambda.mean=" + lambdaMean,
                    "lambda.spread=" + lambdaSpread, "coupled=all");
            Map<String, Parameter> p = parameters(network);
            List<String> coupled = new java.util.ArrayList<>(TRUNK);
            coupled.addAll(HEAD_HIDDEN);
            double expected = 0;
            int t = 3;
            for (String name : coupled) {
                float[][] a = new float[t][];
                for (int k = 0; k < t; k++) {
                    a[k] = get(p, TASKS.get(k).name(), name).getArray().toFloatArray();
                }
                double[] mean = new double[a[0].length];
                for (int i = 0; i < mean.length; i++) {
                    mean[i] = ((double) a[0][i] + a[1][i] + a[2][i]) / t;
                    expected += lambdaMean * mean[i] * mean[i];
                    for (int k = 0; k < t; k++) {
                        expected += lambdaSpread / t * (a[k][i] - mean[i]) * (a[k][i] - mean[i]);
                    }
                }
            }
            double value = penaltyAndBackward(network, manager);
            assertEquals(expected, value, 1e-4 * expected);
            for (String name : coupled) {
                float[][] a = new float[t][];
                for (int k = 0; k < t; k++) {
                    a[k] = get(p, TASKS.get(k).name(), name).getArray().toFloatArray();
                }
                for (int k = 0; k < t; k++) {
                    float[] g = get(p, TASKS.get(k).name(), name).getArray().getGradient().toFloatArray();
                    for (int i = 0; i < g.length; i++) {
                        double mean = ((double) a[0][i] + a[1][i] + a[2][i]) / t;
                        double want = 2 * lambdaMean * mean / t + 2 * lambdaSpread / t * (a[k][i] - mean);
                        assertEquals(want, g[i], 1e-6 + 1e-4 * Math.abs(want), TASKS.get(k).name() + " " + name);
                    }
                }
            }
            // a (3 outputs), b and c (2): their output layers differ in shape and stay uncoupled
            for (Task task : TASKS) {
                for (String name : HEAD_OUTPUT) {
                    assertFalse(isNonZeroGradient(get(p, task.name(), name)), task.name() + " " + name);
                }
            }
        }
    }

    @Test
    void withEqualOutputSizesCouplingEverythingCouplesTheOutputLayersToo() {
        List<Task> same = List.of(Task.regression("u", 2, 0), Task.regression("v", 2, 1));
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, same, "lambda.spread=1", "coupled=all");
            Map<String, Parameter> p = parameters(network);
            double expected = 0;
            for (List<String> names : List.of(TRUNK, HEAD_HIDDEN, HEAD_OUTPUT)) {
                for (String name : names) {
                    float[] u = get(p, "u", name).getArray().toFloatArray();
                    float[] v = get(p, "v", name).getArray().toFloatArray();
                    for (int i = 0; i < u.length; i++) {
                        // two tasks: Σ_t (a_t − ā)² = (u − v)²/2, times λ_spread/T = 1/2
                        expected += (u[i] - v[i]) * (double) (u[i] - v[i]) / 4;
                    }
                }
            }
            assertEquals(expected, penaltyAndBackward(network, manager), 1e-4 * expected);
        }
    }

    @Test
    void independentNetworksWithNothingSharedAndNoPenaltyAtZeroLambdas() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, TASKS, "lambda.mean=0", "lambda.spread=0");
            ParameterStore store = new ParameterStore(manager, false);
            NDArray input = manager.randomNormal(new Shape(2, 8));
            NDList representation = network.encode(store, input, true);
            assertSame(input, representation.singletonOrThrow());
            assertTrue(network.penalty(store).isEmpty());
            assertTrue(network.sharedParameters().isEmpty());
            long trunk = 8 * 64 + 64 + 64 * 64 + 64;
            long hidden = 64 * 32 + 32;
            assertEquals(trunk + hidden + 32 * 3 + 3,
                    network.taskParameters("a").stream().mapToLong(q -> q.getArray().size()).sum());
            assertEquals(3 * (trunk + hidden) + (32 * 3 + 3) + 2 * (32 * 2 + 2),
                    network.block().getParameters().values().stream().mapToLong(q -> q.getArray().size()).sum());
        }
    }

    private static boolean isNonZeroGradient(Parameter p) {
        NDArray array = p.getArray();
        return ContractTensors.gradientReached(array)
                && Arrays.stream(toDoubles(array.getGradient().toFloatArray())).anyMatch(g -> g != 0);
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }
}
