package org.openmtl.plugins.architecture;

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
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.task.Task;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

/** What the mmoe, ple and mtan tests share: building, counting, copying weights, the partition check. */
final class ExpertMixtureChecks {

    /** Three tasks of 3, 2 and 2 outputs, as in the contract tests. */
    static final List<Task> TASKS = List.of(Task.classification("a", 3, 0), Task.classification("b", 2, 1),
            Task.regression("c", 2, 2));
    /** MultiMNIST's two tasks. */
    static final List<Task> DIGITS = List.of(Task.classification("left", 10, 0), Task.classification("right", 10, 1));
    static final Shape VECTOR = new Shape(8);
    static final Shape IMAGE = new Shape(1, 28, 28);

    /** Lenet by hand: conv 1→10 k5, conv 10→20 k5, fc 320→50. */
    static final long CONV1 = 1 * 25 * 10 + 10;
    static final long CONV2 = 10 * 25 * 20 + 20;
    static final long FC = 320 * 50 + 50;
    static final long LENET = CONV1 + CONV2 + FC;
    /** A lenet head: fc 50→50, fc 50→o. */
    static long lenetHead(int outputs) {
        return (50 * 50 + 50) + (50L * outputs + outputs);
    }

    private ExpertMixtureChecks() {}

    static MultiTaskNetwork build(NDManager manager, PluginFactory<Architecture> factory, List<Task> tasks,
            Shape example, int seed, String... settings) {
        ContractTensors.seedEngine(seed);
        return TestPlugins.create(factory, settings).build(new NetworkContext(tasks, example, manager, seed));
    }

    static long count(List<Parameter> parameters) {
        return parameters.stream().mapToLong(p -> p.getArray().size()).sum();
    }

    static long count(MultiTaskNetwork network) {
        return count(new ArrayList<>(network.block().getParameters().values()));
    }

    /**
     * The parameters of one named child of a network's root block, in block order.
     *
     * @param network the network
     * @param child the child's name without the index prefix (e.g. {@code a_head})
     * @return its parameters
     */
    static List<Parameter> named(MultiTaskNetwork network, String child) {
        List<Parameter> found = new ArrayList<>();
        for (Pair<String, Parameter> p : network.block().getParameters()) {
            if (p.getKey().replaceFirst("^[0-9]+", "").startsWith(child + "_")) {
                found.add(p.getValue());
            }
        }
        assertFalse(found.isEmpty(), "no parameters under " + child);
        return found;
    }

    /** Copies values parameter by parameter, checking the shapes agree. */
    static void copy(List<Parameter> from, List<Parameter> to) {
        assertEquals(from.size(), to.size(), "parameter lists of different lengths");
        for (int i = 0; i < from.size(); i++) {
            assertEquals(from.get(i).getArray().getShape(), to.get(i).getArray().getShape(), to.get(i).getName());
            to.get(i).getArray().set(from.get(i).getArray().toFloatArray());
        }
    }

    /**
     * Sets a gate (a linear layer after flattening: weight and bias) so that its softmax is the
     * given distribution whatever the input: weight 0, bias log p (a large negative for p = 0).
     */
    static void forceGate(List<Parameter> gate, double... distribution) {
        assertEquals(2, gate.size());
        NDArray weight = gate.get(0).getArray();
        weight.set(new float[(int) weight.size()]);
        float[] bias = new float[distribution.length];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = distribution[i] == 0 ? -40f : (float) Math.log(distribution[i]);
        }
        gate.get(1).getArray().set(bias);
    }

    static void assertClose(NDArray expected, NDArray actual, float tolerance, String message) {
        assertEquals(expected.getShape(), actual.getShape(), message);
        float[] e = expected.toFloatArray();
        float[] a = actual.toFloatArray();
        for (int i = 0; i < e.length; i++) {
            assertEquals(e[i], a[i], tolerance * Math.max(1, Math.abs(e[i])), message + " at " + i);
        }
    }

    /**
     * The partition is the one the gradients show: for each task, a backward of that task's output
     * alone gives a non-zero gradient to every shared parameter and every parameter of that task,
     * and none (no gradient, or exactly zero) to any other task's parameter.
     *
     * @param networks builds a fresh network with the same tasks (one per task, so no gradient is
     *     left over from another task's backward)
     * @param tasks the tasks
     * @param example one example's shape
     */
    static void assertPartitionFollowsTheGradients(NDManager manager, Supplier<MultiTaskNetwork> networks,
            List<Task> tasks, Shape example) {
        for (Task task : tasks) {
            MultiTaskNetwork network = networks.get();
            ParameterStore store = new ParameterStore(manager, false);
            ContractTensors.seedEngine(11);
            NDArray input = manager.randomNormal(new Shape(6).addAll(example));
            try (GradientCollector collector = ContractTensors.newGradientCollector()) {
                NDList representation = network.encode(store, input, true);
                NDArray output = network.decode(store, representation, task.name(), true);
                collector.backward(output.mul(manager.randomNormal(output.getShape())).sum());
            }
            Map<String, String> paths = new HashMap<>();
            for (Pair<String, Parameter> p : network.block().getParameters()) {
                paths.put(p.getValue().getId(), p.getKey());
            }
            for (Parameter parameter : network.sharedParameters()) {
                assertTrue(depends(parameter), "shared parameter " + paths.get(parameter.getId()) + " got no gradient from task "
                        + task.name() + " on " + example + ": not every task depends on it");
            }
            for (Parameter parameter : network.taskParameters(task.name())) {
                if (!parameter.requiresGradient()) {
                    continue; // BatchNorm running statistics: the task's state, not trained by gradient
                }
                assertTrue(depends(parameter), "task " + task.name() + "'s parameter " + paths.get(parameter.getId())
                        + " got no gradient from its task on " + example);
            }
            for (Task other : tasks) {
                if (other != task) {
                    for (Parameter parameter : network.taskParameters(other.name())) {
                        assertFalse(depends(parameter), "task " + other.name() + "'s parameter " + paths.get(parameter.getId())
                                + " got a gradient from task " + task.name() + " on " + example);
                    }
                }
            }
        }
    }

    private static boolean depends(Parameter parameter) {
        NDArray array = parameter.getArray();
        return ContractTensors.gradientReached(array) && ContractTensors.isNonZero(array.getGradient());
    }
}
