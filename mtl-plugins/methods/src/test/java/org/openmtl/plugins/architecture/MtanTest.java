package org.openmtl.plugins.architecture;

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
            MultiTaskNetwork network = build(manager, new MtanFactory(), DIGITS, IMAGE, 1);
            // per task, 1x1 convolutions on the stage's maps and linear layers on fc's 50 units:
            // stage 1 reads u (10 channels): 10→10→10; stage 2 reads [u ; f(â)] (20 + 20): 40→20→20;
            // stage 3 reads [u ; f(â)] (50 + 50): 100→50→50
            long attention = (10 * 10 + 10) + (10 * 10 + 10) + (40 * 20 + 20) + (20 * 20 + 20) + (100 * 50 + 50)
                    + (50 * 50 + 50);
            // shared: the lenet trunk and the extractors f^2 (a conv2 copy) and f^3 (an fc copy)
            long shared = LENET + CONV2 + FC;
            assertEquals(shared + 2 * (attention + lenetHead(10)), count(network));
            assertEquals(66_640, count(network));
            assertEquals(shared, count(network.sharedParameters()));
            assertEquals(attention + lenetHead(10), count(network.taskParameters("left")));

            MultiTaskNetwork vectors = build(manager, new MtanFactory(), TASKS, VECTOR, 1, "mlp.hidden=16,12,10");
            long trunk = (8 * 16 + 16) + (16 * 12 + 12) + (12 * 10 + 10);
            long extractors = (16 * 12 + 12) + (12 * 10 + 10);
            long perTask = (16 * 16 + 16) + (16 * 16 + 16) + (24 * 12 + 12) + (12 * 12 + 12) + (20 * 10 + 10)
                    + (10 * 10 + 10);
            long heads = 0;
            for (Task t : TASKS) {
                heads += (10 * 32 + 32) + (32L * t.outputs() + t.outputs());
            }
            assertEquals(trunk + extractors + 3 * perTask + heads, count(vectors));
            assertEquals(trunk + extractors, count(vectors.sharedParameters()));
        }
    }

    @Test
    void encodeReturnsEveryStagesPreActivationAndMasksAreStrictlyBetweenZeroAndOne() {
        try (NDManager manager = ContractTensors.newManager()) {
            List<Shape> images = List.of(new Shape(5, 10, 12, 12), new Shape(5, 20, 4, 4), new Shape(5, 50));
            List<Shape> vectors = List.of(new Shape(5, 64), new Shape(5, 64));
            for (Shape example : List.of(VECTOR, IMAGE)) {
                Mtan.Network network = (Mtan.Network) build(manager, new MtanFactory(), TASKS, example, 2);
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
        try (NDManager manager = ContractTensors.newManager()) {
            Mtan.Network network = (Mtan.Network) build(manager, new MtanFactory(), TASKS, new Shape(6), 3,
                    "mlp.hidden=5,4", "head.hidden=3");
            ParameterStore store = new ParameterStore(manager, false);
            int batch = 3;
            NDArray x = manager.randomNormal(new Shape(batch, 6)).mul(2);
            NDList features = network.encode(store, x, false);
            float[] inputs = x.toFloatArray();
            Dense stage1 = new Dense(named(network, "stage1"), 0);
            Dense stage2 = new Dense(named(network, "stage2"), 0);
            Dense extractor = new Dense(named(network, "extractor2"), 0);
            for (Task t : TASKS) {
                List<Parameter> a1 = named(network, t.name() + "_attention1");
                List<Parameter> a2 = named(network, t.name() + "_attention2");
                List<Parameter> head = named(network, t.name() + "_head");
                List<NDArray> masks = network.masks(store, features, t.name(), false);
                float[] mask1 = masks.get(0).toFloatArray();
                float[] mask2 = masks.get(1).toFloatArray();
                float[] output = network.decode(store, features, t.name(), false).toFloatArray();
                for (int n = 0; n < batch; n++) {
                    double[] in = new double[6];
                    for (int i = 0; i < 6; i++) {
                        in[i] = inputs[n * 6 + i];
                    }
                    // u^1 = W1 x + b1, p^1 = relu(u^1), a^1 = σ(h(relu(g(u^1)))), â^1 = a^1 ⊙ p^1
                    double[] u1 = stage1.apply(in);
                    double[] m1 = sigmoid(new Dense(a1, 2).apply(relu(new Dense(a1, 0).apply(u1))));
                    double[] att1 = times(m1, relu(u1));
                    // u^2 = W2 p^1 + b2, a^2 = σ(h(relu(g([u^2 ; relu(F â^1 + c)])))), â^2 = a^2 ⊙ relu(u^2)
                    double[] u2 = stage2.apply(relu(u1));
                    double[] m2 = sigmoid(new Dense(a2, 2).apply(relu(new Dense(a2, 0).apply(
                            concat(u2, relu(extractor.apply(att1)))))));
                    double[] att2 = times(m2, relu(u2));
                    double[] y = new Dense(head, 2).apply(relu(new Dense(head, 0).apply(att2)));
                    for (int i = 0; i < 5; i++) {
                        assertEquals(m1[i], mask1[n * 5 + i], 1e-5, t.name() + " a^1");
                    }
                    for (int i = 0; i < 4; i++) {
                        assertEquals(m2[i], mask2[n * 4 + i], 1e-5, t.name() + " a^2");
                    }
                    for (int i = 0; i < t.outputs(); i++) {
                        assertEquals(y[i], output[n * t.outputs() + i], 1e-4, t.name() + " output");
                    }
                }
            }
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
                Mtan.Network mtan = (Mtan.Network) build(manager, new MtanFactory(), TASKS, example, 4);
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
                        List<Parameter> module = named(mtan, t.name() + "_attention" + j);
                        NDArray weight = module.get(2).getArray();
                        weight.set(new float[(int) weight.size()]);
                        NDArray bias = module.get(3).getArray();
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

    @Test
    void theTrunkAndExtractorsAreSharedTheAttentionAndHeadsATasksOwn() {
        try (NDManager manager = ContractTensors.newManager()) {
            for (Shape example : List.of(VECTOR, IMAGE)) {
                ExpertMixtureChecks.assertPartitionFollowsTheGradients(manager,
                        () -> build(manager, new MtanFactory(), TASKS, example, 6), TASKS, example);
            }
        }
    }
}
