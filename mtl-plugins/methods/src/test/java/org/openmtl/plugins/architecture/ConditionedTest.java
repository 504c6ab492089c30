package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.task.Losses;
import org.openmtl.api.task.Metrics;
import org.openmtl.api.task.Task;
import org.openmtl.api.task.TaskDescriptor;
import org.openmtl.api.task.TaskType;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

/**
 * {@code conditioned} against forward passes computed by hand from its parameter arrays: the gate
 * formula (and with G = 0 and a large bias, the unconditioned network), concatenation = sum
 * conditioning with E = W_z for linear layers and E = the kernel sums of W_z for convolutions, the
 * task features as z, what {@code encode} returns, and parameter counts for both trunks.
 */
class ConditionedTest {

    private static final List<Task> TASKS = List.of(Task.classification("a", 3, 0),
            Task.classification("b", 2, 1), Task.regression("c", 2, 2));
    private static final Shape VECTOR = new Shape(8);
    private static final Shape IMAGE = new Shape(1, 28, 28);

    private static MultiTaskNetwork build(NDManager manager, List<Task> tasks, Shape example, String... settings) {
        ContractTensors.seedEngine(3);
        return TestPlugins.create(new ConditionedFactory(), settings)
                .build(new NetworkContext(tasks, example, manager, 3));
    }

    private static MultiTaskNetwork build(NDManager manager, Shape example, String... settings) {
        return build(manager, TASKS, example, settings);
    }

    private static Map<String, Parameter> parameters(MultiTaskNetwork network) {
        Map<String, Parameter> byKey = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : network.block().getParameters()) {
            // a child block's parameters are named after its position ("01a_stage1_..."): keep the name only
            byKey.put(p.getKey().replaceFirst("^\\d+(?=[a-z])", ""), p.getValue());
        }
        return byKey;
    }

    private static float[] values(Map<String, Parameter> parameters, String key) {
        Parameter p = parameters.get(key);
        assertNotNull(p, "no parameter " + key + " among " + parameters.keySet());
        return p.getArray().toFloatArray();
    }

    private static long count(List<Parameter> parameters) {
        return parameters.stream().mapToLong(p -> p.getArray().size()).sum();
    }

    /** y = W x + b for one example, W (out × in) row-major as DJL's Linear stores it. */
    private static double[] affine(float[] w, float[] b, double[] x) {
        int out = b.length;
        int in = x.length;
        assertEquals((long) out * in, w.length, "weight size");
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double s = b[o];
            for (int i = 0; i < in; i++) {
                s += w[o * in + i] * x[i];
            }
            y[o] = s;
        }
        return y;
    }

    private static double[] relu(double[] v) {
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.max(0, v[i]);
        }
        return r;
    }

    private static double[] concat(double[] x, double[] z) {
        double[] r = new double[x.length + z.length];
        System.arraycopy(x, 0, r, 0, x.length);
        System.arraycopy(z, 0, r, x.length, z.length);
        return r;
    }

    private static double[] row(float[] batch, int example, int width) {
        double[] r = new double[width];
        for (int i = 0; i < width; i++) {
            r[i] = batch[example * width + i];
        }
        return r;
    }

    private static double[] oneHot(int t, int n) {
        double[] z = new double[n];
        z[t] = 1;
        return z;
    }

    /**
     * The mlp design's default body (8 → 64 → 64 → 32 → outputs) by hand, with a hook at the first
     * layer's pre-activation.
     */
    private static double[] mlpForward(Map<String, Parameter> p, double[] x, String task,
            java.util.function.UnaryOperator<double[]> firstPreActivation, double[] firstInput) {
        double[] h = relu(firstPreActivation.apply(affine(values(p, "stage1_01Linear_weight"),
                values(p, "stage1_01Linear_bias"), firstInput == null ? x : firstInput)));
        h = relu(affine(values(p, "stage2_01Linear_weight"), values(p, "stage2_01Linear_bias"), h));
        h = relu(affine(values(p, "head_hidden_01Linear_weight"), values(p, "head_hidden_01Linear_bias"), h));
        return affine(values(p, task + "_output_weight"), values(p, task + "_output_bias"), h);
    }

    private static void assertClose(double[] expected, float[] actual, int example, int outputs, String what) {
        for (int o = 0; o < outputs; o++) {
            double want = expected[o];
            assertEquals(want, actual[example * outputs + o], 1e-4 + 1e-4 * Math.abs(want), what + " output " + o);
        }
    }

    @Test
    void aGateWithZeroWeightsAndALargeBiasIsTheUnconditionedNetwork() {
        try (NDManager manager = ContractTensors.newManager()) {
            // sigmoid(40) rounds to 1 in float: the gate passes everything
            MultiTaskNetwork gated = build(manager, VECTOR, "mode=gate", "gate.bias=40");
            Map<String, Parameter> p = parameters(gated);
            // G starts at zero, c at gate.bias
            for (float g : values(p, "stage1_gate_weight")) {
                assertEquals(0f, g);
            }
            for (float c : values(p, "stage1_gate_bias")) {
                assertEquals(40f, c);
            }
            ParameterStore store = new ParameterStore(manager, false);
            NDArray input = manager.randomNormal(new Shape(5, 8));
            float[] x = input.toFloatArray();
            NDList representation = gated.encode(store, input, false);
            for (Task task : TASKS) {
                float[] y = gated.decode(store, representation, task.name(), false).toFloatArray();
                for (int e = 0; e < 5; e++) {
                    // the plain shared body: no z anywhere
                    double[] expected = mlpForward(p, row(x, e, 8), task.name(), h -> h, null);
                    assertClose(expected, y, e, task.outputs(), task.name() + " example " + e);
                }
            }
        }
    }

    @Test
    void aGateMultipliesTheFirstLayersPreActivationBySigmoidOfGzPlusC() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork gated = build(manager, VECTOR, "mode=gate");
            Map<String, Parameter> p = parameters(gated);
            Random random = new Random(11);
            float[] g = new float[64 * 3];
            float[] c = new float[64];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) (2 * random.nextGaussian());
            }
            for (int i = 0; i < c.length; i++) {
                c[i] = (float) random.nextGaussian();
            }
            p.get("stage1_gate_weight").getArray().set(g);
            p.get("stage1_gate_bias").getArray().set(c);
            ParameterStore store = new ParameterStore(manager, false);
            NDArray input = manager.randomNormal(new Shape(4, 8));
            float[] x = input.toFloatArray();
            NDList representation = gated.encode(store, input, false);
            for (int t = 0; t < TASKS.size(); t++) {
                Task task = TASKS.get(t);
                double[] gate = affine(g, c, oneHot(t, 3));
                for (int i = 0; i < gate.length; i++) {
                    gate[i] = 1 / (1 + Math.exp(-gate[i]));
                }
                float[] y = gated.decode(store, representation, task.name(), false).toFloatArray();
                for (int e = 0; e < 4; e++) {
                    double[] expected = mlpForward(p, row(x, e, 8), task.name(), h -> {
                        double[] gatedH = h.clone();
                        for (int i = 0; i < h.length; i++) {
                            gatedH[i] *= gate[i];
                        }
                        return gatedH;
                    }, null);
                    assertClose(expected, y, e, task.outputs(), task.name() + " example " + e);
                }
            }
        }
    }

    /**
     * For every conditioned layer: W[x; z] = W_x x + W_z z, so a sum network with W = W_x and E =
     * W_z is the concatenation network; for a convolution without padding z is a constant input
     * channel, so E is W_z summed over the kernel.
     */
    @Test
    void concatenationAndSumConditioningAreTheSameFunctionAtEveryStageOfBothTrunks() {
        Object[][] cases = {
            {VECTOR, "layers=1"}, {VECTOR, "layers=2"}, {VECTOR, "layers=1,2"},
            {IMAGE, "layers=1"}, {IMAGE, "layers=2"}, {IMAGE, "layers=3"}, {IMAGE, "layers=1,3"},
        };
        for (Object[] c : cases) {
            Shape example = (Shape) c[0];
            String layers = (String) c[1];
            String what = example + " " + layers;
            try (NDManager manager = ContractTensors.newManager()) {
                MultiTaskNetwork concat = build(manager, example, layers);
                MultiTaskNetwork sum = build(manager, example, layers, "mode=sum");
                Map<String, Parameter> source = parameters(concat);
                Map<String, Parameter> target = parameters(sum);
                int embeddings = 0;
                for (Map.Entry<String, Parameter> entry : target.entrySet()) {
                    if (entry.getKey().endsWith("_embedding")) {
                        embeddings++;
                        continue;
                    }
                    NDArray from = source.get(entry.getKey()).getArray();
                    NDArray to = entry.getValue().getArray();
                    if (from.getShape().equals(to.getShape())) {
                        to.set(from.toFloatArray());
                        continue;
                    }
                    // a conditioned layer's weight: (out, in + 3[, k, k]) in concat, (out, in[, k, k]) in sum
                    long in = to.getShape().get(1);
                    assertEquals(in + 3, from.getShape().get(1), what + " " + entry.getKey());
                    to.set(from.get(":, 0:" + in).toFloatArray());
                    NDArray wz = from.get(":, " + in + ":");
                    NDArray e = wz.getShape().dimension() == 4 ? wz.sum(new int[] {2, 3}) : wz;
                    String stage = entry.getKey().substring(0, entry.getKey().indexOf('_'));
                    Parameter embedding = target.get(stage + "_embedding");
                    assertNotNull(embedding, what + ": no embedding for " + stage + " among " + target.keySet());
                    assertEquals(e.getShape(), embedding.getArray().getShape(), what);
                    embedding.getArray().set(e.toFloatArray());
                }
                assertEquals(layers.split(",").length, embeddings, what);
                ParameterStore store = new ParameterStore(manager, false);
                NDArray x = manager.randomNormal(new Shape(3).addAll(example));
                NDList a = concat.encode(store, x, false);
                NDList b = sum.encode(store, x, false);
                for (Task t : TASKS) {
                    float[] expected = concat.decode(store, a, t.name(), false).toFloatArray();
                    float[] actual = sum.decode(store, b, t.name(), false).toFloatArray();
                    for (int i = 0; i < expected.length; i++) {
                        assertEquals(expected[i], actual[i], 1e-4 + 1e-4 * Math.abs(expected[i]),
                                what + " task " + t.name());
                    }
                }
            }
        }
    }

    @Test
    void encodeReturnsTheInputOrTheActivationsBeforeTheFirstConditionedLayer() {
        try (NDManager manager = ContractTensors.newManager()) {
            ParameterStore store = new ParameterStore(manager, false);
            NDArray input = manager.randomNormal(new Shape(3, 8));
            MultiTaskNetwork first = build(manager, VECTOR);
            NDList representation = first.encode(store, input, false);
            assertEquals(1, representation.size());
            assertSame(input, representation.get(0));

            MultiTaskNetwork second = build(manager, VECTOR, "layers=2");
            Map<String, Parameter> p = parameters(second);
            float[] h = second.encode(store, input, false).singletonOrThrow().toFloatArray();
            float[] x = input.toFloatArray();
            for (int e = 0; e < 3; e++) {
                double[] expected = relu(affine(values(p, "stage1_01Linear_weight"), values(p, "stage1_01Linear_bias"),
                        row(x, e, 8)));
                assertClose(expected, h, e, 64, "stage 1 of example " + e);
            }
        }
    }

    @Test
    void descriptorFeaturesAreTheZOfEveryTask() {
        List<Task> described = List.of(described("a", 3, 0, 1f, 0.5f), described("b", 2, 1, -1f, 2f),
                described("c", 2, 2, 0.25f, 0.25f));
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, described, VECTOR, "descriptor=features");
            Map<String, Parameter> p = parameters(network);
            // z has two features: stage 1 reads 8 + 2 inputs
            assertEquals(new Shape(64, 10), p.get("stage1_01Linear_weight").getArray().getShape());
            ParameterStore store = new ParameterStore(manager, false);
            NDArray input = manager.randomNormal(new Shape(4, 8));
            float[] x = input.toFloatArray();
            NDList representation = network.encode(store, input, false);
            for (Task task : described) {
                float[] f = task.descriptor().orElseThrow().features();
                double[] z = {f[0], f[1]};
                float[] y = network.decode(store, representation, task.name(), false).toFloatArray();
                for (int e = 0; e < 4; e++) {
                    double[] expected = mlpForward(p, row(x, e, 8), task.name(), h -> h, concat(row(x, e, 8), z));
                    assertClose(expected, y, e, task.outputs(), task.name() + " example " + e);
                }
            }
        }
    }

    @Test
    void missingOrUnequalTaskFeaturesAreRefusedNamingTheTask() {
        try (NDManager manager = ContractTensors.newManager()) {
            List<Task> missing = List.of(described("a", 3, 0, 1f, 2f), Task.regression("plain", 2, 1));
            PluginConfigException none = assertThrows(PluginConfigException.class,
                    () -> build(manager, missing, VECTOR, "descriptor=features"));
            assertTrue(none.getKey().endsWith("descriptor"), none.getKey());
            assertTrue(none.getMessage().contains("'plain'"), none.getMessage());

            List<Task> unequal = List.of(described("a", 3, 0, 1f, 2f), described("wide", 2, 1, 1f, 2f, 3f));
            PluginConfigException lengths = assertThrows(PluginConfigException.class,
                    () -> build(manager, unequal, VECTOR, "descriptor=features"));
            assertTrue(lengths.getMessage().contains("'wide'") && lengths.getMessage().contains("'a'"),
                    lengths.getMessage());

            // one-hot needs no features: z is the index of one of the two tasks
            assertEquals(new Shape(64, 8 + 2), parameters(build(manager, missing, VECTOR))
                    .get("stage1_01Linear_weight").getArray().getShape());
        }
    }

    @Test
    void badLayersAreRefusedNamingTheKey() {
        assertThrows(PluginConfigException.class, () -> TestPlugins.create(new ConditionedFactory(), "layers=0"));
        assertThrows(PluginConfigException.class, () -> TestPlugins.create(new ConditionedFactory(), "layers=1.5"));
        try (NDManager manager = ContractTensors.newManager()) {
            // the default mlp trunk has two stages
            PluginConfigException e = assertThrows(PluginConfigException.class,
                    () -> build(manager, VECTOR, "layers=3"));
            assertTrue(e.getKey().endsWith("layers"), e.getKey());
            assertTrue(e.getMessage().contains("1..2"), e.getMessage());
            // the lenet trunk has three
            build(manager, IMAGE, "layers=3");
            assertThrows(PluginConfigException.class, () -> build(manager, IMAGE, "layers=4"));
        }
    }

    @Test
    void parameterCountsMatchAHandCountForBothTrunksAndEveryMode() {
        // lenet: conv 1→10 (5×5), conv 10→20 (5×5), fc 320→50; head hidden 50→50; outputs 50→o
        long conv1 = 10 * 25 + 10;
        long conv2 = 20 * 10 * 25 + 20;
        long fc = 320 * 50 + 50;
        long headHidden = 50 * 50 + 50;
        long outputs = (50 * 3 + 3) + (50 * 2 + 2) + (50 * 2 + 2);
        long lenetBody = conv1 + conv2 + fc + headHidden;
        // mlp: 8→64→64, head hidden 64→32, outputs 32→o
        long mlpBody = (8 * 64 + 64) + (64 * 64 + 64) + (64 * 32 + 32);
        long mlpOutputs = (32 * 3 + 3) + (32 * 2 + 2) + (32 * 2 + 2);
        try (NDManager manager = ContractTensors.newManager()) {
            // concat: three extra input channels (one-hot z of three tasks) of the conditioned layer
            assertCounts(build(manager, IMAGE), lenetBody + 10 * 3 * 25, outputs, 50 * 3 + 3);
            assertCounts(build(manager, IMAGE, "layers=2"), lenetBody + 20 * 3 * 25, outputs, 50 * 3 + 3);
            assertCounts(build(manager, IMAGE, "layers=3"), lenetBody + 50 * 3, outputs, 50 * 3 + 3);
            // sum: E is (channels × 3); gate: G (channels × 3) and c (channels)
            assertCounts(build(manager, IMAGE, "mode=sum", "layers=1,2"), lenetBody + 10 * 3 + 20 * 3, outputs,
                    50 * 3 + 3);
            assertCounts(build(manager, IMAGE, "mode=gate", "layers=3"), lenetBody + 50 * 3 + 50, outputs,
                    50 * 3 + 3);
            assertCounts(build(manager, VECTOR), mlpBody + 64 * 3, mlpOutputs, 32 * 3 + 3);
            assertCounts(build(manager, VECTOR, "layers=1,2"), mlpBody + 2 * 64 * 3, mlpOutputs, 32 * 3 + 3);
            assertCounts(build(manager, VECTOR, "mode=sum", "layers=2"), mlpBody + 64 * 3, mlpOutputs, 32 * 3 + 3);
            assertCounts(build(manager, VECTOR, "mode=gate", "layers=1,2"), mlpBody + 2 * (64 * 3 + 64), mlpOutputs,
                    32 * 3 + 3);
        }
    }

    private static void assertCounts(MultiTaskNetwork network, long shared, long outputs, long taskA) {
        assertEquals(shared, count(network.sharedParameters()), "shared");
        assertEquals(taskA, count(network.taskParameters("a")), "task a");
        assertEquals(shared + outputs, count(List.copyOf(network.block().getParameters().values())), "total");
        assertEquals(0, count(network.extraParameters()), "extra");
    }

    private static Task described(String name, int classes, int id, float... features) {
        return new Task(name, TaskType.CLASSIFICATION, classes, Losses.softmaxCrossEntropy(),
                List.of(Metrics.accuracy()), Optional.of(new TaskDescriptor(id, features)));
    }
}
