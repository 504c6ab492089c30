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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.data.DatasetContext;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.data.TaskTarget;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.task.Task;
import org.openmtl.core.plugin.PluginRegistry;
import org.openmtl.core.plugin.RegisteredPlugin;

/**
 * The gradient cosine and the lookahead affinity against a computation done here another way: a
 * fresh forward and backward per task, and the SGD step applied to a copy of the network's shared
 * parameters by hand.
 */
class AffinityDiagnosticsTest {

    private final PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader(), Path.of("none"));

    private Object create(PluginKind kind, String name, Map<String, String> values) {
        RegisteredPlugin p = registry.require(kind, name);
        return p.factory().create(PluginConfigs.of(p.descriptor(), values, 1));
    }

    @Test
    @SuppressWarnings("unchecked")
    void cosineAndLookaheadMatchAnIndependentComputationAndTheParametersAreRestored() {
        Engine engine = EngineOps.engine();
        MultiTaskDataset dataset = ((DatasetProvider) create(PluginKind.DATASET, "synthetic", Map.of("tasks", "3",
                "groups", "2", "train.examples", "64", "validation.examples", "40", "test.examples", "8")))
                .load(new DatasetContext(Path.of("data"), 0, 4));
        double lr = 0.05;
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
            double[][] lookahead = new double[3][3];
            for (int i = 0; i < 3; i++) {
                List<Parameter> shared = network.sharedParameters();
                for (int s = 0; s < shared.size(); s++) {
                    float[] w = initial.get(s).clone();
                    for (int x = 0; x < w.length; x++) {
                        w[x] -= (float) (lr * grads.get(i).get(s)[x]);
                    }
                    shared.get(s).getArray().set(w);
                }
                for (int j = 0; j < 3; j++) {
                    lookahead[i][j] = 1 - loss(network, store, batch, tasks.get(j)).getFloat() / before[j];
                }
                for (int s = 0; s < shared.size(); s++) {
                    shared.get(s).getArray().set(initial.get(s));
                }
            }

            Map<String, Object> measured = new AffinityDiagnostics(dataset, 32, 16)
                    .measure(engine, network, store, manager, tasks, lr);
            Map<String, Map<String, Double>> cosine = (Map<String, Map<String, Double>>) measured.get("gradient_cosine");
            Map<String, Map<String, Double>> ahead = (Map<String, Map<String, Double>>) measured.get("lookahead");
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
                    assertEquals(lookahead[i][j], ahead.get(names.get(i)).get(names.get(j)), 1e-4, "lookahead " + i + j);
                }
            }
            // a step on a task lowers its own loss
            for (int i = 0; i < 3; i++) {
                assertTrue(ahead.get(names.get(i)).get(names.get(i)) > 0);
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
