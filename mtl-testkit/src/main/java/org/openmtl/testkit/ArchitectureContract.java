package org.openmtl.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.architecture.PreferenceConditionedNetwork;
import org.openmtl.api.architecture.TrainingPhase;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.task.Task;

/**
 * The contract every architecture plugin passes, on real tensors: it builds for small tasks on
 * vectors (and on 1&times;28&times;28 images if it {@linkplain #supportsImages() supports them});
 * each task decodes to (batch, outputs); shared, task and extra parameters partition the parameters
 * of {@code block()}; the engine seed alone fixes the initial parameters; networks share no arrays;
 * a training forward and backward reaches every shared and task parameter, and gives bit-identical
 * gradients when garbage is collected between the forward and the backward pass ({@link
 * MemorySafety}); the phases cover the epoch budget.
 *
 * <p>Usage, in the plugin's test sources:
 *
 * <pre>{@code
 * class CrossStitchContractTest extends ArchitectureContract {
 *     protected PluginFactory<Architecture> factory() { return new CrossStitchFactory(); }
 *     protected boolean supportsImages() { return true; }
 * }
 * }</pre>
 *
 * Tests run sequentially (one gradient collector per JVM).
 */
public abstract class ArchitectureContract extends PluginContract<Architecture> {

    @Override
    protected final PluginKind kind() {
        return PluginKind.ARCHITECTURE;
    }

    /**
     * Whether the architecture builds for (C, H, W) image examples; the image checks run only when
     * it does.
     *
     * @return false by default
     */
    protected boolean supportsImages() {
        return false;
    }

    /**
     * The tasks networks are built for.
     *
     * @return two classification tasks and a regression task by default
     */
    protected List<Task> tasks() {
        return List.of(
                Task.classification("digit", 3, 0),
                Task.classification("parity", 2, 1),
                Task.regression("size", 2, 2));
    }

    /**
     * The example shapes the checks run on: (8), and (1, 28, 28) when images are supported.
     *
     * @return the shapes
     */
    protected final List<Shape> exampleShapes() {
        return supportsImages()
                ? List.of(new Shape(8), new Shape(1, 28, 28))
                : List.of(new Shape(8));
    }

    /**
     * The batch size of the forward passes.
     *
     * @return 4 by default
     */
    protected int batchSize() {
        return 4;
    }

    /**
     * Builds a network as a run would: engine seeded, a fresh plugin, parameters in {@code
     * manager}.
     *
     * @param manager the manager that owns the parameters
     * @param exampleShape one example's shape
     * @param seed the engine and plugin seed
     * @return the network
     */
    protected final MultiTaskNetwork build(NDManager manager, Shape exampleShape, int seed) {
        ContractTensors.seedEngine(seed);
        return newPlugin(seed).build(new NetworkContext(tasks(), exampleShape, manager, seed));
    }

    /**
     * An architecture that declares {@link Architecture#conditionedOnPreference()} builds a {@link
     * PreferenceConditionedNetwork}, conditioned from the start on a preference over its tasks, whose
     * selection and front preferences are preferences and which takes a front preference as its
     * own; one that does not declare it builds no such network.
     */
    @Test
    public void aNetworkReadsAPreferenceExactlyWhenItsArchitectureSaysSo() {
        for (Shape example : exampleShapes()) {
            try (NDManager manager = ContractTensors.newManager()) {
                MultiTaskNetwork network = build(manager, example, 1);
                boolean declared = newPlugin(1).conditionedOnPreference();
                assertEquals(declared, network instanceof PreferenceConditionedNetwork,
                        "conditionedOnPreference() is " + declared + " on examples " + example);
                if (!(network instanceof PreferenceConditionedNetwork conditioned)) {
                    continue;
                }
                assertPreference(conditioned.preference(), "the initial preference");
                assertPreference(conditioned.selectionPreference(), "the selection preference");
                assertFalse(conditioned.frontPreferences().isEmpty(), "a front of at least one preference");
                for (double[] p : conditioned.frontPreferences()) {
                    assertPreference(p, "a front preference");
                }
                double[] first = conditioned.frontPreferences().get(0);
                conditioned.condition(first);
                assertArrayEquals(first, conditioned.preference(), "the preference it was conditioned on");
            }
        }
    }

    private void assertPreference(double[] p, String what) {
        assertEquals(tasks().size(), p.length, what + ": one weight per task");
        double sum = 0;
        for (double w : p) {
            assertTrue(w >= 0 && Double.isFinite(w), what + ": a finite non-negative weight, got " + w);
            sum += w;
        }
        assertEquals(1.0, sum, 1e-9, what + ": sums to 1");
    }

    /** Every task's decode of an encoded batch is (batch, outputs), in training and inference. */
    @Test
    public void decodesEveryTaskToBatchByOutputs() {
        for (Shape example : exampleShapes()) {
            try (NDManager manager = ContractTensors.newManager()) {
                MultiTaskNetwork network = build(manager, example, 1);
                ParameterStore parameters = new ParameterStore(manager, false);
                NDArray input = manager.randomNormal(new Shape(batchSize()).addAll(example));
                for (boolean training : new boolean[] {false, true}) {
                    NDList representation = network.encode(parameters, input, training);
                    for (Task task : tasks()) {
                        NDArray output =
                                network.decode(parameters, representation, task.name(), training);
                        assertEquals(
                                new Shape(batchSize(), task.outputs()),
                                output.getShape(),
                                "task '"
                                        + task.name()
                                        + "' on examples "
                                        + example
                                        + ", training "
                                        + training);
                    }
                }
            }
        }
    }

    /**
     * Shared, task and extra parameters are disjoint and together are exactly the parameters of
     * {@code block()}, all initialized.
     */
    @Test
    public void parametersArePartitionedIntoSharedTaskAndExtra() {
        for (Shape example : exampleShapes()) {
            try (NDManager manager = ContractTensors.newManager()) {
                MultiTaskNetwork network = build(manager, example, 1);
                Map<String, String> owner = new HashMap<>();
                claim(owner, network.sharedParameters(), "shared");
                for (Task task : tasks()) {
                    claim(owner, network.taskParameters(task.name()), "task '" + task.name() + "'");
                }
                claim(owner, network.extraParameters(), "extra");
                Set<String> inBlock = new LinkedHashSet<>();
                for (Parameter parameter : network.block().getParameters().values()) {
                    inBlock.add(parameter.getId());
                    assertTrue(
                            parameter.isInitialized(),
                            "parameter " + parameter.getName() + " is not initialized");
                    assertTrue(
                            owner.containsKey(parameter.getId()),
                            "block() parameter "
                                    + parameter.getName()
                                    + " is neither shared, nor a task's, nor extra");
                }
                for (String id : owner.keySet()) {
                    assertTrue(
                            inBlock.contains(id),
                            "a "
                                    + owner.get(id)
                                    + " parameter is not in block(), so it would not be saved");
                }
            }
        }
    }

    private static void claim(Map<String, String> owner, List<Parameter> parameters, String role) {
        for (Parameter parameter : parameters) {
            String previous = owner.putIfAbsent(parameter.getId(), role);
            if (previous != null) {
                fail("parameter " + parameter.getName() + " is both " + previous + " and " + role);
            }
        }
    }

    /** With the same engine seed, two builds start from identical parameters. */
    @Test
    public void sameEngineSeedGivesIdenticalInitialParameters() {
        for (Shape example : exampleShapes()) {
            try (NDManager first = ContractTensors.newManager();
                    NDManager second = ContractTensors.newManager()) {
                List<Parameter> a = network(build(first, example, 7));
                List<Parameter> b = network(build(second, example, 7));
                assertEquals(a.size(), b.size());
                for (int i = 0; i < a.size(); i++) {
                    assertEquals(a.get(i).getArray().getShape(), b.get(i).getArray().getShape());
                    assertTrue(
                            Arrays.equals(
                                    a.get(i).getArray().toFloatArray(),
                                    b.get(i).getArray().toFloatArray()),
                            "parameter "
                                    + a.get(i).getName()
                                    + " differs between two builds with one seed");
                }
            }
        }
    }

    private static List<Parameter> network(MultiTaskNetwork network) {
        return new ArrayList<>(network.block().getParameters().values());
    }

    /** Two networks from one factory share no parameter and no array. */
    @Test
    public void twoNetworksShareNoParameterArrays() {
        try (NDManager manager = ContractTensors.newManager()) {
            Shape example = exampleShapes().get(0);
            MultiTaskNetwork first = build(manager, example, 3);
            MultiTaskNetwork second = build(manager, example, 3);
            Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Parameter parameter : network(first)) {
                seen.add(parameter);
                seen.add(parameter.getArray());
            }
            for (Parameter parameter : network(second)) {
                assertFalse(
                        seen.contains(parameter),
                        "parameter " + parameter.getName() + " is shared by two networks");
                assertFalse(
                        seen.contains(parameter.getArray()),
                        "the array of parameter "
                                + parameter.getName()
                                + " is shared by two networks");
            }
        }
    }

    /**
     * A training forward of every task and one backward give every shared and task parameter a
     * gradient, and a finite one (every one that requires a gradient: running statistics do not).
     */
    @Test
    public void trainingForwardAndBackwardReachEverySharedAndTaskParameter() {
        for (Shape example : exampleShapes()) {
            try (NDManager manager = ContractTensors.newManager()) {
                MultiTaskNetwork network = build(manager, example, 5);
                ParameterStore parameters = new ParameterStore(manager, false);
                NDArray input = manager.randomNormal(new Shape(batchSize()).addAll(example));
                try (GradientCollector collector = ContractTensors.newGradientCollector()) {
                    NDArray objective = randomTaskObjective(network, parameters, manager, input);
                    collector.backward(objective);
                }
                List<Parameter> checked = new ArrayList<>(network.sharedParameters());
                for (Task task : tasks()) {
                    checked.addAll(network.taskParameters(task.name()));
                }
                for (Parameter parameter : checked) {
                    if (!parameter.requiresGradient()) {
                        continue; // state updated by the forward (BatchNorm running statistics), not trained
                    }
                    NDArray array = parameter.getArray();
                    assertTrue(
                            ContractTensors.gradientReached(array),
                            "parameter "
                                    + parameter.getName()
                                    + " on examples "
                                    + example
                                    + " got no gradient");
                    assertTrue(
                            ContractTensors.isFinite(array.getGradient()),
                            "parameter " + parameter.getName() + " has a non-finite gradient");
                }
            }
        }
    }

    /**
     * A training forward of every task plus the architecture's penalty, with garbage collected and
     * freed memory overwritten before the backward pass, gives every parameter the same gradient,
     * bit for bit, as the undisturbed pass: no scalar the graph reads was freed.
     *
     * @throws Exception if a pass fails
     */
    @Test
    public void gradientsAreBitIdenticalUnderGarbageCollection() throws Exception {
        Optional<String> difference = gradientDifferenceUnderCollection();
        assertTrue(
                difference.isEmpty(),
                () -> difference.orElse("") + ". Likely cause: " + MemorySafety.ADVICE);
    }

    /**
     * The memory-safety check's finding on this architecture, for every example shape.
     *
     * @return the first difference, or empty when there is none
     * @throws Exception if a pass fails
     */
    public final Optional<String> gradientDifferenceUnderCollection() throws Exception {
        return MemorySafety.differenceUnderCollection(this::trainingPassPausedBeforeBackward);
    }

    /**
     * A training forward of every task, each output projected on a random direction and summed:
     * a scalar whose gradient reaches every parameter a task's output depends on.
     */
    private NDArray randomTaskObjective(MultiTaskNetwork network, ParameterStore parameters, NDManager manager, NDArray input) {
        NDList representation = network.encode(parameters, input, true);
        NDArray objective = null;
        for (Task task : tasks()) {
            NDArray output = network.decode(parameters, representation, task.name(), true);
            NDArray term = output.mul(manager.randomNormal(output.getShape())).sum();
            objective = objective == null ? term : objective.add(term);
        }
        return objective;
    }

    private Map<String, MemorySafety.Values> trainingPassPausedBeforeBackward(Runnable pause) {
        Map<String, MemorySafety.Values> gradients = new LinkedHashMap<>();
        for (Shape example : exampleShapes()) {
            try (NDManager manager = ContractTensors.newManager()) {
                MultiTaskNetwork network = build(manager, example, 5);
                ParameterStore parameters = new ParameterStore(manager, false);
                NDArray input = manager.randomNormal(new Shape(batchSize()).addAll(example));
                try (GradientCollector collector = ContractTensors.newGradientCollector()) {
                    NDArray objective = randomTaskObjective(network, parameters, manager, input);
                    Optional<NDArray> penalty = network.penalty(parameters);
                    if (penalty.isPresent()) {
                        objective = objective.add(penalty.get());
                    }
                    pause.run();
                    collector.backward(objective);
                }
                for (var entry : network.block().getParameters()) {
                    NDArray array = entry.getValue().getArray();
                    if (array.hasGradient()) {
                        gradients.put(
                                "on examples " + example + ", the gradient of " + entry.getKey(),
                                MemorySafety.copy(array.getGradient()));
                    }
                }
            }
        }
        return gradients;
    }

    /** The training phases add up to the epoch budget. */
    @Test
    public void phasesCoverTheEpochBudget() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, exampleShapes().get(0), 1);
            for (int epochs : new int[] {1, 10}) {
                List<TrainingPhase> phases = network.phases(epochs);
                assertFalse(phases.isEmpty(), "a network needs at least one phase");
                assertEquals(
                        epochs,
                        phases.stream().mapToInt(TrainingPhase::epochs).sum(),
                        "phases " + phases + " do not add up to " + epochs + " epochs");
            }
        }
    }
}
