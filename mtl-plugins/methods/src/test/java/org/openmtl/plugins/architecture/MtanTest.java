package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
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
import static org.openmtl.plugins.architecture.ExpertMixtureChecks.lenetHead;
import static org.openmtl.plugins.architecture.ExpertMixtureChecks.named;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.task.Task;
import org.openmtl.testkit.ContractTensors;

/**
 * MTAN against hand counts, a forward pass computed on the heap from the paper's equations, hard
 * sharing when every mask is 1, and the partition the gradients show.
 */
class MtanTest {

    @Test
    void parameterCountsOnImagesMatchAHandCount() {
        try (NDManager manager = ContractTensors.newManager()) {
            // per task, 1x1 convolutions on the stage's maps and linear layers on fc's 50 units:
            // stage 1 reads u (10 channels): 10→10→10; stage 2 reads [u ; f(â)] (20 + 20): 40→20→20;
            // stage 3 reads [u ; f(â)] (50 + 50): 100→50→50
            long attention = (10 * 10 + 10) + (10 * 10 + 10) + (40 * 20 + 20) + (20 * 20 + 20) + (100 * 50 + 50)
                    + (50 * 50 + 50);
            // a BatchNorm after each layer: weight and bias (trained), running mean and variance
            long normChannels = 10 + 10 + 20 + 20 + 50 + 50;
            // shared: the lenet trunk and the extractors f^2 (a conv2 copy) and f^3 (an fc copy)
            long shared = LENET + CONV2 + FC;

            MultiTaskNetwork network = build(manager, new MtanFactory(), DIGITS, IMAGE, 1, "attention.norm=batch");
            assertEquals(shared + 2 * (attention + 4 * normChannels + lenetHead(10)), count(network));
            assertEquals(67_920, count(network));
            assertEquals(shared + 2 * (attention + 2 * normChannels + lenetHead(10)), trainable(network));
            assertEquals(67_280, trainable(network));
            assertEquals(shared, count(network.sharedParameters()));
            assertEquals(attention + 4 * normChannels + lenetHead(10), count(network.taskParameters("left")));

            MultiTaskNetwork plain = build(manager, new MtanFactory(), DIGITS, IMAGE, 1, "attention.norm=none");
            assertEquals(shared + 2 * (attention + lenetHead(10)), count(plain));
            assertEquals(66_640, count(plain));
            assertEquals(count(plain), trainable(plain));

            // conv: BatchNorms in the modules on the two convolutional stages only (10 + 10 + 20 + 20
            // channels per task), none in the fully connected stage's module
            MultiTaskNetwork conv = build(manager, new MtanFactory(), DIGITS, IMAGE, 1, "attention.norm=conv");
            assertEquals(shared + 2 * (attention + 4 * (10 + 10 + 20 + 20) + lenetHead(10)), count(conv));
            assertEquals(67_120, count(conv));
            // the default is conv
            assertEquals(count(conv), count(build(manager, new MtanFactory(), DIGITS, IMAGE, 1)));

            MultiTaskNetwork vectors = build(manager, new MtanFactory(), TASKS, VECTOR, 1, "mlp.hidden=16,12,10", "attention.norm=batch");
            long trunk = (8 * 16 + 16) + (16 * 12 + 12) + (12 * 10 + 10);
            long extractors = (16 * 12 + 12) + (12 * 10 + 10);
            long perTask = (16 * 16 + 16) + (16 * 16 + 16) + (24 * 12 + 12) + (12 * 12 + 12) + (20 * 10 + 10)
                    + (10 * 10 + 10) + 4 * (16 + 16 + 12 + 12 + 10 + 10);
            long heads = 0;
            for (Task t : TASKS) {
                heads += (10 * 32 + 32) + (32L * t.outputs() + t.outputs());
            }
            assertEquals(trunk + extractors + 3 * perTask + heads, count(vectors));
            assertEquals(trunk + extractors, count(vectors.sharedParameters()));
            // on vectors only, conv has no BatchNorm at all
            MultiTaskNetwork vectorsConv = build(manager, new MtanFactory(), TASKS, VECTOR, 1, "mlp.hidden=16,12,10",
                    "attention.norm=conv");
            assertEquals(trunk + extractors + 3 * (perTask - 4 * (16 + 16 + 12 + 12 + 10 + 10)) + heads,
                    count(vectorsConv));
        }
    }

    private static long trainable(MultiTaskNetwork network) {
        return network.block().getParameters().values().stream().filter(Parameter::requiresGradient)
                .mapToLong(p -> p.getArray().size()).sum();
    }

    @Test
    void encodeReturnsEveryStagesPreActivationAndMasksAreStrictlyBetweenZeroAndOne() {
        try (NDManager manager = ContractTensors.newManager()) {
            List<Shape> images = List.of(new Shape(5, 10, 12, 12), new Shape(5, 20, 4, 4), new Shape(5, 50));
            List<Shape> vectors = List.of(new Shape(5, 64), new Shape(5, 64));
            for (Shape example : List.of(VECTOR, IMAGE)) {
                Mtan.Network network = (Mtan.Network) build(manager, new MtanFactory(), TASKS, example, 2, "attention.norm=batch");
                ParameterStore store = new ParameterStore(manager, false);
                NDList features = network.encode(store, manager.randomNormal(new Shape(5).addAll(example)), false);
                List<Shape> expected = example == IMAGE ? images : vectors;
                assertEquals(expected.size(), features.size());
                for (int j = 0; j < expected.size(); j++) {
                    assertEquals(expected.get(j), features.get(j).getShape(), "u^" + (j + 1));
                }
                assertTrue(features.get(0).lt(0f).any().getBoolean(), "u is taken before the relu");
                for (Task t : TASKS) {
                    List<NDArray> masks = network.masks(store, features, t.name(), false);
                    for (int j = 0; j < expected.size(); j++) {
                        NDArray mask = masks.get(j);
                        assertEquals(expected.get(j), mask.getShape(), "a^" + (j + 1) + " has p^" + (j + 1) + "'s shape");
                        assertTrue(mask.gt(0f).all().getBoolean() && mask.lt(1f).all().getBoolean(),
                                "mask a^" + (j + 1) + " of " + t.name() + " leaves (0, 1)");
                    }
                    assertEquals(new Shape(5, t.outputs()), network.decode(store, features, t.name(), false).getShape());
                }
            }
        }
    }

    @Test
    void theForwardPassIsThePapersEquationsComputedByHand() {
        for (String norm : List.of("none", "batch")) {
            for (boolean training : List.of(false, true)) {
                handForward(norm, training);
            }
        }
    }

    /**
     * On vectors: the module is linear, [BatchNorm], relu, linear, [BatchNorm], sigmoid; BatchNorm
     * over the features with the batch's mean and biased variance in training, the running ones
     * (set to drawn values) in evaluation, ε 1e-5.
     */
    private static void handForward(String norm, boolean training) {
        try (NDManager manager = ContractTensors.newManager()) {
            boolean batchNorm = norm.equals("batch");
            Mtan.Network network = (Mtan.Network) build(manager, new MtanFactory(), TASKS, new Shape(6), 3,
                    "mlp.hidden=5,4", "head.hidden=3", "attention.norm=" + norm);
            String what = norm + (training ? " training" : " evaluation");
            if (batchNorm) {
                // weight, bias, running mean and variance away from 1, 0, 0, 1
                for (Task t : TASKS) {
                    for (String module : List.of("_attention1", "_attention2")) {
                        List<Parameter> ps = named(network, t.name() + module);
                        for (int layer : new int[] {2, 8}) {
                            for (int k = 0; k < 4; k++) {
                                NDArray a = ps.get(layer + k).getArray();
                                NDArray r = manager.randomUniform(k == 3 ? 0.5f : -0.5f, k == 3 ? 2f : 0.5f, a.getShape());
                                a.set((k == 0 ? r.add(1f) : r).toFloatArray());
                            }
                        }
                    }
                }
            }
            ParameterStore store = new ParameterStore(manager, false);
            int batch = 3;
            NDArray x = manager.randomNormal(new Shape(batch, 6)).mul(2);
            NDList features = network.encode(store, x, training);
            float[] inputs = x.toFloatArray();
            Dense stage1 = new Dense(named(network, "stage1"), 0);
            Dense stage2 = new Dense(named(network, "stage2"), 0);
            Dense extractor = new Dense(named(network, "extractor2"), 0);
            double[][] in = new double[batch][6];
            for (int n = 0; n < batch; n++) {
                for (int i = 0; i < 6; i++) {
                    in[n][i] = inputs[n * 6 + i];
                }
            }
            for (Task t : TASKS) {
                Module a1 = new Module(named(network, t.name() + "_attention1"), batchNorm, training);
                Module a2 = new Module(named(network, t.name() + "_attention2"), batchNorm, training);
                List<Parameter> head = named(network, t.name() + "_head");
                List<NDArray> masks = network.masks(store, features, t.name(), training);
                float[] mask1 = masks.get(0).toFloatArray();
                float[] mask2 = masks.get(1).toFloatArray();
                float[] output = network.decode(store, features, t.name(), training).toFloatArray();
                // u^1 = W1 x + b1, p^1 = relu(u^1), a^1 = σ(h(relu(g(u^1)))), â^1 = a^1 ⊙ p^1
                double[][] u1 = new double[batch][];
                double[][] u2 = new double[batch][];
                for (int n = 0; n < batch; n++) {
                    u1[n] = stage1.apply(in[n]);
                    u2[n] = stage2.apply(relu(u1[n]));
                }
                double[][] m1 = a1.apply(u1);
                // u^2 = W2 p^1 + b2, a^2 = σ(h(relu(g([u^2 ; relu(F â^1 + c)])))), â^2 = a^2 ⊙ relu(u^2)
                double[][] in2 = new double[batch][];
                for (int n = 0; n < batch; n++) {
                    in2[n] = concat(u2[n], relu(extractor.apply(times(m1[n], relu(u1[n])))));
                }
                double[][] m2 = a2.apply(in2);
                for (int n = 0; n < batch; n++) {
                    double[] y = new Dense(head, 2).apply(relu(new Dense(head, 0).apply(times(m2[n], relu(u2[n])))));
                    for (int i = 0; i < 5; i++) {
                        assertEquals(m1[n][i], mask1[n * 5 + i], 1e-5, what + " " + t.name() + " a^1");
                    }
                    for (int i = 0; i < 4; i++) {
                        assertEquals(m2[n][i], mask2[n * 4 + i], 1e-5, what + " " + t.name() + " a^2");
                    }
                    for (int i = 0; i < t.outputs(); i++) {
                        assertEquals(y[i], output[n * t.outputs() + i], 1e-4, what + " " + t.name() + " output");
                    }
                }
            }
        }
    }

    /** An attention module on vectors read from its parameters, applied to a whole batch. */
    private record Module(List<Parameter> parameters, boolean batchNorm, boolean training) {
        double[][] apply(double[][] x) {
            int second = batchNorm ? 6 : 2;
            double[][] z = norm(dense(x, 0), 2);
            double[][] hidden = new double[z.length][];
            for (int n = 0; n < z.length; n++) {
                hidden[n] = relu(z[n]);
            }
            double[][] out = norm(dense(hidden, second), second + 2);
            for (int n = 0; n < out.length; n++) {
                out[n] = sigmoid(out[n]);
            }
            return out;
        }

        private double[][] dense(double[][] x, int offset) {
            Dense d = new Dense(parameters, offset);
            double[][] y = new double[x.length][];
            for (int n = 0; n < x.length; n++) {
                y[n] = d.apply(x[n]);
            }
            return y;
        }

        private double[][] norm(double[][] z, int offset) {
            if (!batchNorm) {
                return z;
            }
            float[] gamma = parameters.get(offset).getArray().toFloatArray();
            float[] beta = parameters.get(offset + 1).getArray().toFloatArray();
            float[] runningMean = parameters.get(offset + 2).getArray().toFloatArray();
            float[] runningVar = parameters.get(offset + 3).getArray().toFloatArray();
            int b = z.length;
            double[][] y = new double[b][z[0].length];
            for (int f = 0; f < z[0].length; f++) {
                double mean = runningMean[f];
                double variance = runningVar[f];
                if (training) {
                    mean = 0;
                    for (double[] row : z) {
                        mean += row[f] / b;
                    }
                    variance = 0;
                    for (double[] row : z) {
                        variance += (row[f] - mean) * (row[f] - mean) / b;
                    }
                }
                for (int n = 0; n < b; n++) {
                    y[n][f] = gamma[f] * (z[n][f] - mean) / Math.sqrt(variance + 1e-5) + beta[f];
                }
            }
            return y;
        }
    }

    /** A linear layer read from a parameter list (weight (out, in), then bias) at an offset. */
    private record Dense(float[] weight, float[] bias) {
        Dense(List<Parameter> parameters, int offset) {
            this(parameters.get(offset).getArray().toFloatArray(), parameters.get(offset + 1).getArray().toFloatArray());
        }

        double[] apply(double[] x) {
            double[] y = new double[bias.length];
            for (int o = 0; o < y.length; o++) {
                y[o] = bias[o];
                for (int i = 0; i < x.length; i++) {
                    y[o] += (double) weight[o * x.length + i] * x[i];
                }
            }
            return y;
        }
    }

    private static double[] relu(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = Math.max(0, x[i]);
        }
        return y;
    }

    private static double[] sigmoid(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 1 / (1 + Math.exp(-x[i]));
        }
        return y;
    }

    private static double[] times(double[] a, double[] b) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = a[i] * b[i];
        }
        return y;
    }

    private static double[] concat(double[] a, double[] b) {
        double[] y = new double[a.length + b.length];
        System.arraycopy(a, 0, y, 0, a.length);
        System.arraycopy(b, 0, y, a.length, b.length);
        return y;
    }

    @Test
    void masksForcedToOneMakeItHardSharingWithTheSameWeights() {
        for (Shape example : List.of(VECTOR, IMAGE)) {
            try (NDManager manager = ContractTensors.newManager()) {
                Mtan.Network mtan = (Mtan.Network) build(manager, new MtanFactory(), TASKS, example, 4, "attention.norm=batch");
                MultiTaskNetwork hard = build(manager, new HardSharingFactory(), TASKS, example, 5);
                int stages = example == IMAGE ? 3 : 2;
                List<Parameter> trunk = new ArrayList<>();
                for (int j = 1; j <= stages; j++) {
                    trunk.addAll(named(mtan, "stage" + j));
                }
                copy(hard.sharedParameters(), trunk);
                for (Task t : TASKS) {
                    copy(hard.taskParameters(t.name()), named(mtan, t.name() + "_head"));
                    for (int j = 1; j <= stages; j++) {
                        // the module's last layer: weight 0, bias 40, so σ(·) is 1 in float whatever it reads
                        // (after the default's BatchNorm in evaluation, running mean 0 and variance 1: 40/√(1 + ε))
                        List<Parameter> module = named(mtan, t.name() + "_attention" + j);
                        List<Parameter> layer = module.stream()
                                .filter(p -> p.getName().equals("weight") || p.getName().equals("bias")).toList();
                        NDArray weight = layer.get(2).getArray();
                        weight.set(new float[(int) weight.size()]);
                        NDArray bias = layer.get(3).getArray();
                        bias.set(manager.full(bias.getShape(), 40f).toFloatArray());
                    }
                }
                ParameterStore store = new ParameterStore(manager, false);
                NDArray x = manager.randomNormal(new Shape(4).addAll(example));
                NDList a = mtan.encode(store, x, false);
                NDList b = hard.encode(store, x, false);
                for (Task t : TASKS) {
                    for (NDArray mask : mtan.masks(store, a, t.name(), false)) {
                        assertEquals(mask.size(), mask.eq(1f).sum().getLong(), "every mask is 1");
                    }
                    assertClose(hard.decode(store, b, t.name(), false), mtan.decode(store, a, t.name(), false), 1e-5f,
                            example + " " + t.name());
                }
            }
        }
    }

    /**
     * Evaluation normalizes with the running statistics and leaves them; a training forward moves
     * them. They are parameters of the network's block (what model.params and checkpoints save, by
     * name), so a network built afresh and given the block's values evaluates identically.
     */
    @Test
    void runningStatisticsAreSavedWithTheBlockAndRestoreTheSameEvaluation() {
        for (Shape example : List.of(VECTOR, IMAGE)) {
            try (NDManager manager = ContractTensors.newManager()) {
                Mtan.Network trained = (Mtan.Network) build(manager, new MtanFactory(), TASKS, example, 7, "attention.norm=batch");
                ParameterStore store = new ParameterStore(manager, false);
                List<Parameter> running = trained.block().getParameters().values().stream()
                        .filter(p -> p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR)
                        .toList();
                int stages = example == IMAGE ? 3 : 2;
                assertEquals(TASKS.size() * stages * 2 * 2, running.size(), example + ": 2 BatchNorms per module");
                running.forEach(p -> assertTrue(!p.requiresGradient(), p.getName() + " is not trained by gradient"));
                NDArray x = manager.randomNormal(new Shape(4).addAll(example));
                float[] before = running.get(0).getArray().toFloatArray();
                NDList eval = trained.encode(store, x, false);
                trained.decode(store, eval, "a", false);
                assertArrayEquals(before, running.get(0).getArray().toFloatArray(), "evaluation leaves them");
                for (int step = 0; step < 3; step++) {
                    NDList f = trained.encode(store, manager.randomNormal(new Shape(6).addAll(example)), true);
                    TASKS.forEach(t -> trained.decode(store, f, t.name(), true));
                }
                assertTrue(!Arrays.equals(before, running.get(0).getArray().toFloatArray()),
                        "training forwards move them");

                Mtan.Network loaded = (Mtan.Network) build(manager, new MtanFactory(), TASKS, example, 8, "attention.norm=batch");
                var saved = trained.block().getParameters();
                var fresh = loaded.block().getParameters();
                assertEquals(saved.keys(), fresh.keys());
                for (int i = 0; i < saved.size(); i++) {
                    fresh.valueAt(i).getArray().set(saved.valueAt(i).getArray().toFloatArray());
                }
                NDList a = trained.encode(store, x, false);
                NDList b = loaded.encode(store, x, false);
                for (Task t : TASKS) {
                    assertArrayEquals(trained.decode(store, a, t.name(), false).toFloatArray(),
                            loaded.decode(store, b, t.name(), false).toFloatArray(), example + " " + t.name());
                }
                // the running statistics matter: with the fresh network's own, evaluation differs
                Mtan.Network other = (Mtan.Network) build(manager, new MtanFactory(), TASKS, example, 8, "attention.norm=batch");
                var otherParameters = other.block().getParameters();
                for (int i = 0; i < saved.size(); i++) {
                    Parameter.Type type = saved.valueAt(i).getType();
                    if (type != Parameter.Type.RUNNING_MEAN && type != Parameter.Type.RUNNING_VAR) {
                        otherParameters.valueAt(i).getArray().set(saved.valueAt(i).getArray().toFloatArray());
                    }
                }
                NDList c = other.encode(store, x, false);
                assertTrue(!Arrays.equals(trained.decode(store, a, "a", false).toFloatArray(),
                        other.decode(store, c, "a", false).toFloatArray()), "running statistics change the output");
            }
        }
    }

    @Test
    void theTrunkAndExtractorsAreSharedTheAttentionAndHeadsATasksOwn() {
        try (NDManager manager = ContractTensors.newManager()) {
            for (Shape example : List.of(VECTOR, IMAGE)) {
                ExpertMixtureChecks.assertPartitionFollowsTheGradients(manager,
                        () -> build(manager, new MtanFactory(), TASKS, example, 6, "attention.norm=batch"), TASKS, example);
            }
        }
    }
}
