package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.openmtl.plugins.architecture.ExpertMixtureChecks.DIGITS;
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
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.task.Task;
import org.openmtl.testkit.ContractTensors;

/** MMoE against hand counts, hard sharing, a hand-computed softmax and mixture, and the gradients. */
class MmoeTest {

    /** mlp 8→64→64 and head 64→32→o, the design's defaults. */
    private static final long TRUNK = (8 * 64 + 64) + (64 * 64 + 64);

    private static long head(int outputs) {
        return (64 * 32 + 32) + (32L * outputs + outputs);
    }

    @Test
    void parameterCountsAndShapesMatchAHandCount() {
        try (NDManager manager = ContractTensors.newManager()) {
            // MultiMNIST: 4 lenets, per task a gate 784→4 and a lenet head
            MultiTaskNetwork digits = build(manager, new MmoeFactory(), DIGITS, IMAGE, 1);
            assertEquals(4 * LENET + 2 * (784 * 4 + 4) + 2 * lenetHead(10), count(digits));
            assertEquals(97_720, count(digits));
            assertEquals(4 * LENET, count(digits.sharedParameters()));
            assertEquals((784 * 4 + 4) + lenetHead(10), count(digits.taskParameters("right")));

            MultiTaskNetwork two = build(manager, new MmoeFactory(), TASKS, VECTOR, 1, "experts=2", "mlp.hidden=16");
            long expert = 8 * 16 + 16;
            long gate = 8 * 2 + 2;
            long heads = 0;
            for (Task t : TASKS) {
                heads += (16 * 32 + 32) + (32L * t.outputs() + t.outputs());
            }
            assertEquals(2 * expert + 3 * gate + heads, count(two));

            for (Shape example : List.of(VECTOR, IMAGE)) {
                MultiTaskNetwork network = build(manager, new MmoeFactory(), TASKS, example, 2, "experts=3");
                ParameterStore store = new ParameterStore(manager, false);
                NDList rep = network.encode(store, manager.randomNormal(new Shape(5).addAll(example)), false);
                long width = example == VECTOR ? 64 : 50;
                assertEquals(TASKS.size(), rep.size(), "one mixture per task, no gate logits");
                for (NDArray mixture : rep) {
                    assertEquals(new Shape(5, width), mixture.getShape(), "a task's gated mixture");
                }
                for (Task t : TASKS) {
                    assertEquals(new Shape(5, t.outputs()), network.decode(store, rep, t.name(), false).getShape());
                }
            }
        }
    }

    @Test
    void gatesAreTheSoftmaxOfALinearMapOfTheInput() {
        for (Shape example : List.of(VECTOR, IMAGE)) {
            try (NDManager manager = ContractTensors.newManager()) {
                Mmoe.Network network = (Mmoe.Network) build(manager, new MmoeFactory(), TASKS, example, 3, "experts=3");
                ParameterStore store = new ParameterStore(manager, false);
                int batch = 7;
                NDArray x = manager.randomNormal(new Shape(batch).addAll(example)).mul(3);
                float[] pixels = x.toFloatArray();
                int features = (int) example.size();
                for (Task t : TASKS) {
                    float[] w = named(network, t.name() + "_gate").get(0).getArray().toFloatArray();
                    float[] b = named(network, t.name() + "_gate").get(1).getArray().toFloatArray();
                    float[] g = network.gate(store, x, t.name(), false).toFloatArray();
                    for (int n = 0; n < batch; n++) {
                        double[] logits = new double[3];
                        double max = Double.NEGATIVE_INFINITY;
                        for (int e = 0; e < 3; e++) {
                            logits[e] = b[e];
                            for (int i = 0; i < features; i++) {
                                logits[e] += (double) w[e * features + i] * pixels[n * features + i];
                            }
                            max = Math.max(max, logits[e]);
                        }
                        double z = 0;
                        for (int e = 0; e < 3; e++) {
                            z += Math.exp(logits[e] - max);
                        }
                        double sum = 0;
                        for (int e = 0; e < 3; e++) {
                            double gate = g[n * 3 + e];
                            assertTrue(gate >= 0, "a gate weight is negative");
                            assertEquals(Math.exp(logits[e] - max) / z, gate, 1e-5, t.name() + " example " + n);
                            sum += gate;
                        }
                        assertEquals(1.0, sum, 1e-5);
                    }
                }
            }
        }
    }

    @Test
    void oneExpertIsHardSharingWithTheSameWeights() {
        for (Shape example : List.of(VECTOR, IMAGE)) {
            try (NDManager manager = ContractTensors.newManager()) {
                MultiTaskNetwork mmoe = build(manager, new MmoeFactory(), TASKS, example, 4, "experts=1");
                MultiTaskNetwork hard = build(manager, new HardSharingFactory(), TASKS, example, 5);
                copy(hard.sharedParameters(), named(mmoe, "expert1"));
                for (Task t : TASKS) {
                    copy(hard.taskParameters(t.name()), named(mmoe, t.name() + "_head"));
                }
                // the gates keep their random weights: a softmax over one expert is 1 whatever they are
                ParameterStore store = new ParameterStore(manager, false);
                NDArray x = manager.randomNormal(new Shape(5).addAll(example));
                NDList a = mmoe.encode(store, x, false);
                NDList b = hard.encode(store, x, false);
                for (Task t : TASKS) {
                    assertClose(hard.decode(store, b, t.name(), false), mmoe.decode(store, a, t.name(), false), 1e-5f,
                            example + " " + t.name());
                }
            }
        }
    }

    @Test
    void eachTaskReadsItsGatesWeightedSumOfTheExperts() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork mmoe = build(manager, new MmoeFactory(), TASKS, VECTOR, 6, "experts=2");
            MultiTaskNetwork first = build(manager, new HardSharingFactory(), TASKS, VECTOR, 7);
            MultiTaskNetwork second = build(manager, new HardSharingFactory(), TASKS, VECTOR, 8);
            copy(first.sharedParameters(), named(mmoe, "expert1"));
            copy(second.sharedParameters(), named(mmoe, "expert2"));
            double[][] gates = {{0.25, 0.75}, {1, 0}, {0.5, 0.5}};
            for (int k = 0; k < TASKS.size(); k++) {
                copy(first.taskParameters(TASKS.get(k).name()), named(mmoe, TASKS.get(k).name() + "_head"));
                forceGate(named(mmoe, TASKS.get(k).name() + "_gate"), gates[k]);
            }
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(6, 8));
            NDArray f1 = first.encode(store, x, false).singletonOrThrow();
            NDArray f2 = second.encode(store, x, false).singletonOrThrow();
            NDList rep = mmoe.encode(store, x, false);
            for (int k = 0; k < TASKS.size(); k++) {
                String t = TASKS.get(k).name();
                NDArray mixed = f1.mul(gates[k][0]).add(f2.mul(gates[k][1]));
                assertClose(first.decode(store, new NDList(mixed), t, false), mmoe.decode(store, rep, t, false), 1e-5f, t);
            }
        }
    }

    @Test
    void theGatesAndHeadsAreTheirTasksAndTheExpertsShared() {
        try (NDManager manager = ContractTensors.newManager()) {
            for (Shape example : List.of(VECTOR, IMAGE)) {
                ExpertMixtureChecks.assertPartitionFollowsTheGradients(manager,
                        () -> build(manager, new MmoeFactory(), TASKS, example, 9, "experts=3"), TASKS, example);
            }
        }
    }

    @Test
    void structureReportsEachTasksMeanGateOnTheLastTrainingBatch() {
        try (NDManager manager = ContractTensors.newManager()) {
            Mmoe.Network network = (Mmoe.Network) build(manager, new MmoeFactory(), TASKS, VECTOR, 10, "experts=3");
            assertTrue(network.structure().isEmpty(), "nothing to report before a training forward");
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(9, 8)).mul(2);
            NDList rep = network.encode(store, x, true);
            for (Task t : TASKS) {
                network.decode(store, rep, t.name(), true);
            }
            Map<String, Object> structure = network.structure();
            assertEquals(3, structure.get("experts"));
            Map<?, ?> gates = (Map<?, ?>) structure.get("gates");
            for (Task t : TASKS) {
                float[] g = network.gate(store, x, t.name(), false).toFloatArray();
                List<?> mean = (List<?>) gates.get(t.name());
                double sum = 0;
                for (int e = 0; e < 3; e++) {
                    double expected = 0;
                    for (int n = 0; n < 9; n++) {
                        expected += g[n * 3 + e] / 9.0;
                    }
                    assertEquals(expected, (Double) mean.get(e), 1e-4);
                    sum += (Double) mean.get(e);
                }
                assertEquals(1.0, sum, 1e-3);
            }
        }
    }

    /**
     * The representation is each task's gated mixture, and it is a faithful cut of the network:
     * task t's loss depends on no other task's mixture, and its gradient with respect to its own
     * mixture, back-propagated through {@code encode}, gives every expert and gate exactly the
     * gradient of the whole forward pass (what the trainer relies on when it splits the pass).
     */
    @Test
    void theRepresentationIsEachTasksMixtureAndItsGradientReachesTheExpertsAndGatesExactly() {
        try (NDManager manager = ContractTensors.newManager()) {
            Mmoe.Network network = (Mmoe.Network) build(manager, new MmoeFactory(), TASKS, VECTOR, 11, "experts=2",
                    "mlp.hidden=6");
            MultiTaskNetwork first = build(manager, new HardSharingFactory(), TASKS, VECTOR, 12, "mlp.hidden=6");
            MultiTaskNetwork second = build(manager, new HardSharingFactory(), TASKS, VECTOR, 13, "mlp.hidden=6");
            copy(named(network, "expert1"), first.sharedParameters());
            copy(named(network, "expert2"), second.sharedParameters());
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(6, 8));
            NDList rep = network.encode(store, x, false);
            NDArray f1 = first.encode(store, x, false).singletonOrThrow();
            NDArray f2 = second.encode(store, x, false).singletonOrThrow();
            for (int k = 0; k < TASKS.size(); k++) {
                NDArray g = network.gate(store, x, TASKS.get(k).name(), false);
                NDArray mixed = f1.mul(g.get(":, 0:1")).add(f2.mul(g.get(":, 1:2")));
                assertClose(mixed, rep.get(k), 1e-5f, "the mixture of " + TASKS.get(k).name());
            }
            List<Parameter> parameters = new ArrayList<>();
            network.block().getParameters().forEach(p -> parameters.add(p.getValue()));
            for (int k = 0; k < TASKS.size(); k++) {
                String task = TASKS.get(k).name();
                NDArray direction = manager.randomNormal(new Shape(6, TASKS.get(k).outputs()));
                try (GradientCollector c = ContractTensors.newGradientCollector()) {
                    NDList whole = network.encode(store, x, true);
                    c.backward(network.decode(store, whole, task, true).mul(direction).sum());
                }
                List<float[]> direct = gradients(parameters);
                try (GradientCollector c = ContractTensors.newGradientCollector()) {
                    NDList shared = network.encode(store, x, true);
                    NDList detached = new NDList();
                    for (NDArray r : shared) {
                        NDArray d = r.stopGradient();
                        d.setRequiresGradient(true);
                        detached.add(d);
                    }
                    c.backward(network.decode(store, detached, task, true).mul(direction).sum());
                    for (int s = 0; s < TASKS.size(); s++) {
                        if (s != k) {
                            assertEquals(0f, detached.get(s).getGradient().abs().max().getFloat(),
                                    task + " reads no other task's mixture");
                        }
                    }
                    NDArray cut = detached.get(k).getGradient().duplicate();
                    c.backward(shared.get(k).mul(cut).sum());
                }
                List<float[]> split = gradients(parameters);
                for (int i = 0; i < parameters.size(); i++) {
                    float[] want = direct.get(i);
                    float scale = 1e-6f;
                    for (float w : want) {
                        scale = Math.max(scale, Math.abs(w));
                    }
                    org.junit.jupiter.api.Assertions.assertArrayEquals(want, split.get(i), 1e-5f * scale,
                            task + ": " + parameters.get(i).getName());
                }
            }
        }
    }

    /** Every parameter's gradient on the heap (zeros where none reached it), then zeroed. */
    private static List<float[]> gradients(List<Parameter> parameters) {
        List<float[]> out = new ArrayList<>();
        for (Parameter p : parameters) {
            if (!ContractTensors.gradientReached(p.getArray())) {
                out.add(new float[(int) p.getArray().size()]);
                continue;
            }
            try (NDArray gradient = p.getArray().getGradient()) {
                out.add(gradient.toFloatArray());
                gradient.subi(gradient.duplicate());
            }
        }
        return out;
    }
}
