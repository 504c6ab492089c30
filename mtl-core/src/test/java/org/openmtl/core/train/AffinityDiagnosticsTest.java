package org.openmtl.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.ndarray.types.Shape;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.data.DatasetContext;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.data.TaskTarget;
import org.openmtl.api.optim.Optimizer;
import org.openmtl.api.optim.OptimizerContext;
import org.openmtl.api.optim.ParameterUpdater;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.task.Task;
import org.openmtl.core.plugin.PluginRegistry;
import org.openmtl.core.plugin.RegisteredPlugin;
import org.openmtl.plugins.data.ArrayDataset;

/**
 * The gradient cosine against a computation done here another way (a fresh forward and backward per
 * task); TAG's lookahead affinity against expected values computed independently in numpy
 * (src/test/resources/reference/tag: generate.py, expected.json) on a tiny network with fixed
 * weights and batch, after two training steps of Adam and of SGD with momentum, so the lookahead
 * must use the optimizer's state; and the third training step after the lookahead lands where numpy's
 * does, so the lookahead left the parameters and the optimizer's state as they were.
 */
class AffinityDiagnosticsTest {

    private final PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader(), Path.of("none"));

    private Object create(PluginKind kind, String name, Map<String, String> values) {
        RegisteredPlugin p = registry.require(kind, name);
        return p.factory().create(PluginConfigs.of(p.descriptor(), values, 1));
    }

    @Test
    @SuppressWarnings("unchecked")
    void cosineMatchesAnIndependentComputationAndTheParametersAreRestored() {
        Engine engine = EngineOps.engine();
        MultiTaskDataset dataset = ((DatasetProvider) create(PluginKind.DATASET, "synthetic", Map.of("tasks", "3",
                "groups", "2", "train.examples", "64", "validation.examples", "40", "test.examples", "8")))
                .load(new DatasetContext(Path.of("data"), 0, 4));
        try (NDManager manager = NDManager.newBaseManager(engine.getEngineName())) {
            engine.setRandomSeed(4);
            MultiTaskNetwork network = ((Architecture) create(PluginKind.ARCHITECTURE, "hard-sharing", Map.of()))
                    .build(new NetworkContext(dataset.tasks(), dataset.exampleShape(), manager, 4));
            ParameterStore store = new ParameterStore(manager, false);
            List<Task> tasks = dataset.tasks();
            List<String> names = tasks.stream().map(Task::name).toList();
            int[] examples = new int[32];
            for (int i = 0; i < examples.length; i++) {
                examples[i] = i;
            }
            List<float[]> initial = new ArrayList<>();
            network.sharedParameters().forEach(p -> initial.add(p.getArray().toFloatArray()));

            // reference: per-task loss and shared gradient, one fresh graph each
            MultiTaskBatch batch = dataset.batch(manager, Split.TRAIN, examples, names);
            List<List<float[]>> grads = new ArrayList<>();
            double[] before = new double[3];
            for (int t = 0; t < 3; t++) {
                try (GradientCollector c = engine.newGradientCollector()) {
                    NDArray loss = loss(network, store, batch, tasks.get(t));
                    before[t] = loss.getFloat();
                    c.backward(loss);
                }
                List<float[]> g = new ArrayList<>();
                for (Parameter p : network.sharedParameters()) {
                    g.add(p.getArray().getGradient().toFloatArray());
                }
                grads.add(g);
                network.block().getParameters().forEach(p -> EngineOps.zeroGradient(p.getValue().getArray()));
            }
            Map<String, Object> measured = new AffinityDiagnostics(dataset, tasks, 32, 16, 10, true)
                    .epochEnded(engine, network, store, manager, tasks);
            Map<String, Map<String, Double>> cosine = (Map<String, Map<String, Double>>) measured.get("gradient_cosine");
            assertTrue(!measured.containsKey("lookahead"), "no step was measured, so no lookahead matrix");
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double dot = 0;
                    double ni = 0;
                    double nj = 0;
                    for (int s = 0; s < grads.get(i).size(); s++) {
                        for (int x = 0; x < grads.get(i).get(s).length; x++) {
                            dot += grads.get(i).get(s)[x] * grads.get(j).get(s)[x];
                            ni += grads.get(i).get(s)[x] * grads.get(i).get(s)[x];
                            nj += grads.get(j).get(s)[x] * grads.get(j).get(s)[x];
                        }
                    }
                    assertEquals(dot / Math.sqrt(ni * nj), cosine.get(names.get(i)).get(names.get(j)), 1e-4, "cosine " + i + j);
                }
            }
            // the shared parameters are exactly as before
            List<Parameter> shared = network.sharedParameters();
            for (int s = 0; s < shared.size(); s++) {
                assertArrayEquals(initial.get(s), shared.get(s).getArray().toFloatArray());
            }
            Map<String, Map<String, Double>> difficulty = (Map<String, Map<String, Double>>) measured.get("difficult_examples");
            for (String a : names) {
                assertEquals(1.0, difficulty.get(a).get(a), 0);
                for (String b : names) {
                    double v = difficulty.get(a).get(b);
                    assertTrue(v >= 0 && v <= 1 && v == difficulty.get(b).get(a));
                }
            }
        }
    }

    private static NDArray loss(MultiTaskNetwork network, ParameterStore store, MultiTaskBatch batch, Task task) {
        NDList representation = network.encode(store, batch.input(), false);
        TaskTarget target = batch.target(task.name());
        return task.loss().compute(network.decode(store, representation, task.name(), false), target.labels(), target.mask());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    @SuppressWarnings("unchecked")
    void lookaheadMatchesTheNumpyReference(int caseIndex) throws Exception {
        Map<String, Object> expected;
        try (InputStream in = getClass().getResourceAsStream("/reference/tag/expected.json")) {
            expected = new Gson().fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), Map.class);
        }
        Map<String, Object> reference = ((List<Map<String, Object>>) expected.get("cases")).get(caseIndex);
        int taskCount = ((Number) expected.get("tasks")).intValue();
        int d = ((Number) expected.get("input_dim")).intValue();
        int h = ((Number) expected.get("hidden")).intValue();
        float[] inputs = floats((List<Number>) expected.get("inputs"));
        int n = inputs.length / d;
        List<Task> tasks = new ArrayList<>();
        for (int t = 0; t < taskCount; t++) {
            tasks.add(Task.regression("t" + t, 1, t));
        }
        ArrayDataset.Builder builder = ArrayDataset.builder(tasks, new Shape(d)).setInputs(Split.TRAIN, inputs);
        boolean[] present = new boolean[n];
        java.util.Arrays.fill(present, true);
        List<List<Number>> targets = (List<List<Number>>) expected.get("targets");
        for (int t = 0; t < taskCount; t++) {
            builder.setTargets(Split.TRAIN, "t" + t, floats(targets.get(t)), present);
        }
        MultiTaskDataset dataset = builder.build();
        List<String> names = tasks.stream().map(Task::name).toList();
        int[] examples = new int[n];
        for (int i = 0; i < n; i++) {
            examples[i] = i;
        }
        Engine engine = EngineOps.engine();
        try (NDManager manager = NDManager.newBaseManager(engine.getEngineName())) {
            MultiTaskNetwork network = ((Architecture) create(PluginKind.ARCHITECTURE, "hard-sharing",
                    Map.of("mlp.hidden", String.valueOf(h), "head.hidden", "")))
                    .build(new NetworkContext(tasks, dataset.exampleShape(), manager, 1));
            ParameterStore store = new ParameterStore(manager, false);
            Map<String, List<Number>> values = (Map<String, List<Number>>) expected.get("parameters");
            setByShape(network.sharedParameters(), Map.of(new Shape(h, d), values.get("W1"), new Shape(h), values.get("b1")));
            for (int t = 0; t < taskCount; t++) {
                setByShape(network.taskParameters("t" + t),
                        Map.of(new Shape(1, h), values.get("v" + t), new Shape(1), values.get("c" + t)));
            }
            Map<String, String> optimizerKeys = (Map<String, String>) reference.get("keys");
            ParameterUpdater updater = ((Optimizer) create(PluginKind.OPTIMIZER, (String) reference.get("optimizer"),
                    optimizerKeys)).create(new OptimizerContext(10, 1));
            List<Pair<String, Parameter>> trainable = new ArrayList<>();
            network.block().getParameters().forEach(p -> trainable.add(new Pair<>(p.getKey(), p.getValue())));
            assertEquals(2 + 2 * taskCount, trainable.size(), "the network is the one generate.py models");

            trainStep(engine, network, store, dataset, examples, tasks, updater, trainable);
            trainStep(engine, network, store, dataset, examples, tasks, updater, trainable);
            AffinityDiagnostics affinity = new AffinityDiagnostics(dataset, tasks, n, n, 1, true);
            AffinityDiagnostics unnormalized = new AffinityDiagnostics(dataset, tasks, n, n, 1, false);
            affinity.lookahead(engine, network, store, manager, tasks, examples, names, updater, trainable, manager);
            unnormalized.lookahead(engine, network, store, manager, tasks, examples, names, updater, trainable, manager);
            Map<String, Map<String, Double>> measured = (Map<String, Map<String, Double>>)
                    affinity.epochEnded(engine, network, store, manager, tasks).get("lookahead");
            Map<String, Map<String, Double>> plain = (Map<String, Map<String, Double>>)
                    unnormalized.epochEnded(engine, network, store, manager, tasks).get("lookahead");
            List<List<Number>> want = (List<List<Number>>) reference.get("lookahead");
            List<List<Number>> wantPlain = (List<List<Number>>) reference.get("lookahead_unnormalized");
            for (int i = 0; i < taskCount; i++) {
                for (int j = 0; j < taskCount; j++) {
                    assertRelative(want.get(i).get(j).doubleValue(), measured.get("t" + i).get("t" + j), "Z " + i + "->" + j);
                    assertRelative(wantPlain.get(i).get(j).doubleValue(), plain.get("t" + i).get("t" + j), "unnormalized Z " + i + "->" + j);
                }
            }
            // the third training step after the lookaheads lands where numpy's does
            trainStep(engine, network, store, dataset, examples, tasks, updater, trainable);
            Map<String, List<Number>> third = (Map<String, List<Number>>) reference.get("after_third_step");
            Map<Shape, String> sharedNames = Map.of(new Shape(h, d), "W1", new Shape(h), "b1");
            for (Parameter p : network.sharedParameters()) {
                float[] got = p.getArray().toFloatArray();
                float[] wanted = floats(third.get(sharedNames.get(p.getArray().getShape())));
                for (int x = 0; x < got.length; x++) {
                    assertEquals(wanted[x], got[x], 1e-5 * Math.max(1, Math.abs(wanted[x])), p.getName() + "[" + x + "]");
                }
            }
        }
    }

    private static void assertRelative(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-5 * Math.abs(expected), what);
    }

    private static float[] floats(List<Number> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).floatValue();
        }
        return out;
    }

    private static void setByShape(List<Parameter> parameters, Map<Shape, List<Number>> values) {
        assertEquals(values.size(), parameters.size());
        for (Parameter p : parameters) {
            List<Number> v = values.get(p.getArray().getShape());
            assertTrue(v != null, "no reference value for " + p.getName() + " of shape " + p.getArray().getShape());
            p.getArray().set(floats(v));
        }
    }

    /** One training step of the summed task losses, as generate.py's train_step. */
    private static void trainStep(Engine engine, MultiTaskNetwork network, ParameterStore store, MultiTaskDataset dataset,
            int[] examples, List<Task> tasks, ParameterUpdater updater, List<Pair<String, Parameter>> trainable) {
        try (NDManager step = NDManager.newBaseManager(engine.getEngineName())) {
            MultiTaskBatch batch = dataset.batch(step, Split.TRAIN, examples, tasks.stream().map(Task::name).toList());
            try (GradientCollector c = engine.newGradientCollector()) {
                NDArray total = null;
                for (Task task : tasks) {
                    NDArray loss = loss(network, store, batch, task);
                    total = total == null ? loss : total.add(loss);
                }
                c.backward(total);
            }
            for (Pair<String, Parameter> p : trainable) {
                try (NDArray gradient = p.getValue().getArray().getGradient()) {
                    updater.update(p.getKey(), p.getValue().getArray(), gradient);
                }
            }
            updater.endStep();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theRunsMatricesAreTheMeanOfTheEpochs() {
        Map<String, Object> e1 = Map.of("affinity", Map.of("lookahead", Map.of("a", Map.of("a", 0.2, "b", -0.1))));
        Map<String, Object> e2 = Map.of("affinity", Map.of("lookahead", Map.of("a", Map.of("a", 0.4, "b", 0.3))));
        Map<String, Object> average = AffinityDiagnostics.averages(List.of(e1, Map.of(), e2));
        Map<String, Map<String, Double>> lookahead = (Map<String, Map<String, Double>>) average.get("lookahead");
        assertEquals(0.3, lookahead.get("a").get("a"), 1e-12);
        assertEquals(0.1, lookahead.get("a").get("b"), 1e-12);
        assertEquals(2, average.get("epochs"));
    }
}
