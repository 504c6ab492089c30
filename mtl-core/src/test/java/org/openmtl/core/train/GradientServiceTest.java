package org.openmtl.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskGradients;
import org.openmtl.api.weighting.TaskLosses;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.core.plugin.PluginRegistry;
import org.openmtl.core.plugin.RegisteredPlugin;

/**
 * Checks each gradient mode against gradients computed independently: one forward and one
 * backward per task on a fresh graph. With weights w, every mode must leave Σ w_i g_i on the shared
 * parameters; gradient modes leave each head its own task's unweighted gradient, the loss mode
 * w_i times it.
 */
class GradientServiceTest {

    private static final double[] W = {0.3, 0.7};

    private final PluginRegistry registry = PluginRegistry.discover(getClass().getClassLoader(), Path.of("none"));

    private Object create(PluginKind kind, String name, Map<String, String> values) {
        RegisteredPlugin p = registry.require(kind, name);
        return p.factory().create(PluginConfigs.of(p.descriptor(), values, 1));
    }

    @Test
    void everyModeLeavesTheWeightedSumOnSharedParametersAndTheRightGradientOnHeads() {
        Engine engine = EngineOps.engine();
        MultiTaskDataset dataset = ((DatasetProvider) create(PluginKind.DATASET, "synthetic",
                Map.of("tasks", "2", "groups", "1", "train.examples", "64", "validation.examples", "8", "test.examples", "8")))
                .load(new DatasetContext(Path.of("data"), 0, 1));
        try (NDManager manager = NDManager.newBaseManager(engine.getEngineName())) {
            engine.setRandomSeed(3);
            MultiTaskNetwork network = ((Architecture) create(PluginKind.ARCHITECTURE, "hard-sharing", Map.of()))
                    .build(new NetworkContext(dataset.tasks(), dataset.exampleShape(), manager, 3));
            ParameterStore store = new ParameterStore(manager, false);
            Map<String, Task> tasks = new LinkedHashMap<>();
            dataset.tasks().forEach(t -> tasks.put(t.name(), t));
            List<String> names = new ArrayList<>(tasks.keySet());
            int[] examples = new int[32];
            for (int i = 0; i < examples.length; i++) {
                examples[i] = i;
            }
            MultiTaskBatch batch = dataset.batch(manager, Split.TRAIN, examples, names);

            // independent reference: one forward + backward per task
            List<float[]> sharedRef = new ArrayList<>();
            List<float[]> headRef = new ArrayList<>();
            for (String task : names) {
                try (GradientCollector c = engine.newGradientCollector()) {
                    NDList rep = network.encode(store, batch.input(), true);
                    TaskTarget target = batch.target(task);
                    NDArray loss = tasks.get(task).loss().compute(network.decode(store, rep, task, true), target.labels(), target.mask());
                    c.backward(loss);
                }
                sharedRef.add(gradients(network.sharedParameters()));
                headRef.add(gradients(network.taskParameters(task)));
                zero(network);
            }

            for (GradientRequirement mode : GradientRequirement.values()) {
                Weighting weighting = weighting(mode);
                Map<String, Integer> calls = new LinkedHashMap<>();
                GradientService service = new GradientService(counting(network, calls), weighting, tasks);
                try (NDManager step = manager.newSubManager()) {
                    try (GradientCollector c = engine.newGradientCollector()) {
                        service.step(store, batch, new StepContext(1, 0, step));
                    }
                }
                // one forward of the shared part and one decode per task, whatever the mode
                assertEquals(1, calls.getOrDefault("encode", 0), mode + ": forward passes of the shared part");
                assertEquals(names.size(), calls.getOrDefault("decode", 0), mode + ": task decodes");
                float[] shared = gradients(network.sharedParameters());
                float[] expected = new float[shared.length];
                for (int j = 0; j < expected.length; j++) {
                    expected[j] = (float) (W[0] * sharedRef.get(0)[j] + W[1] * sharedRef.get(1)[j]);
                }
                assertClose(expected, shared, mode + " shared");
                for (int t = 0; t < names.size(); t++) {
                    float[] head = gradients(network.taskParameters(names.get(t)));
                    float[] want = headRef.get(t).clone();
                    if (mode == GradientRequirement.LOSSES) {
                        for (int j = 0; j < want.length; j++) {
                            want[j] *= (float) W[t];
                        }
                    }
                    assertClose(want, head, mode + " head " + names.get(t));
                }
                zero(network);
            }
        }
    }

    /**
     * A gradient weighting's task objectives (here IMTL's e^{s_t}·L_t − s_t with leaf scales s)
     * replace the losses in every gradient mode: the shared parameters get Σ w_t e^{s_t} g_t, each
     * head e^{s_t} times its own gradient, each s_t its e^{s_t} L_t − 1; the recorded losses stay
     * raw. Representation gradients come with the representation they were taken at.
     */
    @Test
    void taskObjectivesReplaceTheLossesInEveryGradientMode() {
        Engine engine = EngineOps.engine();
        MultiTaskDataset dataset = ((DatasetProvider) create(PluginKind.DATASET, "synthetic",
                Map.of("tasks", "2", "groups", "1", "train.examples", "64", "validation.examples", "8", "test.examples", "8")))
                .load(new DatasetContext(Path.of("data"), 0, 1));
        float[] scales = {0.4f, -0.3f};
        try (NDManager manager = NDManager.newBaseManager(engine.getEngineName())) {
            engine.setRandomSeed(3);
            MultiTaskNetwork network = ((Architecture) create(PluginKind.ARCHITECTURE, "hard-sharing", Map.of()))
                    .build(new NetworkContext(dataset.tasks(), dataset.exampleShape(), manager, 3));
            ParameterStore store = new ParameterStore(manager, false);
            Map<String, Task> tasks = new LinkedHashMap<>();
            dataset.tasks().forEach(t -> tasks.put(t.name(), t));
            List<String> names = new ArrayList<>(tasks.keySet());
            int[] examples = new int[32];
            for (int i = 0; i < examples.length; i++) {
                examples[i] = i;
            }
            MultiTaskBatch batch = dataset.batch(manager, Split.TRAIN, examples, names);
            List<float[]> sharedRef = new ArrayList<>();
            List<float[]> headRef = new ArrayList<>();
            double[] lossRef = new double[names.size()];
            for (int t = 0; t < names.size(); t++) {
                String task = names.get(t);
                try (GradientCollector c = engine.newGradientCollector()) {
                    NDList rep = network.encode(store, batch.input(), true);
                    TaskTarget target = batch.target(task);
                    NDArray loss = tasks.get(task).loss().compute(network.decode(store, rep, task, true), target.labels(), target.mask());
                    lossRef[t] = loss.getFloat();
                    c.backward(loss);
                }
                sharedRef.add(gradients(network.sharedParameters()));
                headRef.add(gradients(network.taskParameters(task)));
                zero(network);
            }
            for (GradientRequirement mode : List.of(GradientRequirement.REPRESENTATION,
                    GradientRequirement.PARAMETERS, GradientRequirement.GRAMIAN)) {
                List<NDArray> logScales = new ArrayList<>();
                for (float value : scales) {
                    NDArray s = manager.full(new ai.djl.ndarray.types.Shape(), value);
                    s.setRequiresGradient(true);
                    logScales.add(s);
                }
                GradientWeighting weighting = new GradientWeighting() {
                    @Override
                    public GradientRequirement requirement() {
                        return mode;
                    }

                    @Override
                    public List<NDArray> taskObjectives(TaskLosses losses, StepContext step) {
                        List<NDArray> objectives = new ArrayList<>();
                        for (int t = 0; t < losses.tasks().size(); t++) {
                            NDArray s = logScales.get(t);
                            objectives.add(losses.get(t).mul(s.exp()).sub(s));
                        }
                        return objectives;
                    }

                    @Override
                    public Combination combine(TaskGradients gradients, StepContext step) {
                        if (mode == GradientRequirement.REPRESENTATION) {
                            long size = 0;
                            for (NDArray r : gradients.representation()) {
                                size += r.size();
                                assertEquals(32, r.getShape().get(0), "the batch comes first");
                            }
                            assertEquals(gradients.matrix().getShape().get(1), size);
                        }
                        return Combination.weights(W);
                    }

                    @Override
                    public double[] lastWeights() {
                        return W.clone();
                    }
                };
                GradientService service = new GradientService(network, weighting, tasks);
                double[] values;
                try (NDManager step = manager.newSubManager()) {
                    try (GradientCollector c = engine.newGradientCollector()) {
                        values = service.step(store, batch, new StepContext(1, 0, step));
                    }
                }
                assertArrayEquals(lossRef, values, 1e-6, mode + ": the raw losses are recorded");
                float[] shared = gradients(network.sharedParameters());
                float[] expected = new float[shared.length];
                for (int j = 0; j < expected.length; j++) {
                    for (int t = 0; t < 2; t++) {
                        expected[j] += (float) (W[t] * Math.exp(scales[t]) * sharedRef.get(t)[j]);
                    }
                }
                assertClose(expected, shared, mode + " shared");
                for (int t = 0; t < names.size(); t++) {
                    float[] want = headRef.get(t).clone();
                    for (int j = 0; j < want.length; j++) {
                        want[j] *= (float) Math.exp(scales[t]);
                    }
                    assertClose(want, gradients(network.taskParameters(names.get(t))), mode + " head " + names.get(t));
                    assertEquals(Math.exp(scales[t]) * lossRef[t] - 1, logScales.get(t).getGradient().getFloat(), 1e-5,
                            mode + " log-scale " + t);
                }
                zero(network);
            }
        }
    }

    /**
     * One rule for the heads on update steps and on the steps between updates: w_t times the task's
     * own gradient when the weighting scales heads, the unscaled gradient otherwise; the shared
     * parameters get Σ w_i g_i either way, clipped to the weighting's bound when it has one.
     */
    @Test
    void headsFollowOneRuleOnUpdateAndReuseStepsAndTheSharedBoundClips() {
        Engine engine = EngineOps.engine();
        MultiTaskDataset dataset = ((DatasetProvider) create(PluginKind.DATASET, "synthetic",
                Map.of("tasks", "2", "groups", "1", "train.examples", "64", "validation.examples", "8", "test.examples", "8")))
                .load(new DatasetContext(Path.of("data"), 0, 1));
        try (NDManager manager = NDManager.newBaseManager(engine.getEngineName())) {
            engine.setRandomSeed(4);
            MultiTaskNetwork network = ((Architecture) create(PluginKind.ARCHITECTURE, "hard-sharing", Map.of()))
                    .build(new NetworkContext(dataset.tasks(), dataset.exampleShape(), manager, 4));
            ParameterStore store = new ParameterStore(manager, false);
            Map<String, Task> tasks = new LinkedHashMap<>();
            dataset.tasks().forEach(t -> tasks.put(t.name(), t));
            List<String> names = new ArrayList<>(tasks.keySet());
            int[] examples = new int[32];
            for (int i = 0; i < examples.length; i++) {
                examples[i] = i;
            }
            MultiTaskBatch batch = dataset.batch(manager, Split.TRAIN, examples, names);
            List<float[]> sharedRef = new ArrayList<>();
            List<float[]> headRef = new ArrayList<>();
            for (String task : names) {
                try (GradientCollector c = engine.newGradientCollector()) {
                    NDList rep = network.encode(store, batch.input(), true);
                    TaskTarget target = batch.target(task);
                    c.backward(tasks.get(task).loss().compute(network.decode(store, rep, task, true), target.labels(), target.mask()));
                }
                sharedRef.add(gradients(network.sharedParameters()));
                headRef.add(gradients(network.taskParameters(task)));
                zero(network);
            }
            float[] combined = new float[sharedRef.get(0).length];
            double squares = 0;
            for (int j = 0; j < combined.length; j++) {
                combined[j] = (float) (W[0] * sharedRef.get(0)[j] + W[1] * sharedRef.get(1)[j]);
                squares += (double) combined[j] * combined[j];
            }
            double norm = Math.sqrt(squares);
            GradientRequirement[] modes = {
                GradientRequirement.REPRESENTATION, GradientRequirement.PARAMETERS, GradientRequirement.GRAMIAN};
            for (GradientRequirement mode : modes) {
                for (boolean scaled : new boolean[] {true, false}) {
                    for (long stepIndex : new long[] {0, 1}) {
                        for (double bound : new double[] {0, norm / 2}) {
                            String what = mode + (scaled ? " weighted" : " unweighted") + " heads, "
                                    + (stepIndex == 0 ? "update" : "reuse") + " step, bound " + bound;
                            GradientService service = new GradientService(network, weighting(mode, scaled, bound, 2), tasks);
                            try (NDManager step = manager.newSubManager()) {
                                try (GradientCollector c = engine.newGradientCollector()) {
                                    service.step(store, batch, new StepContext(1, stepIndex, step));
                                }
                            }
                            float[] expected = combined.clone();
                            if (bound > 0) {
                                for (int j = 0; j < expected.length; j++) {
                                    expected[j] *= (float) (bound / (norm + 1e-6));
                                }
                            }
                            assertClose(expected, gradients(network.sharedParameters()), what + ": shared");
                            for (int t = 0; t < names.size(); t++) {
                                float[] want = headRef.get(t).clone();
                                if (scaled) {
                                    for (int j = 0; j < want.length; j++) {
                                        want[j] *= (float) W[t];
                                    }
                                }
                                assertClose(want, gradients(network.taskParameters(names.get(t))), what + ": head " + t);
                            }
                            zero(network);
                        }
                    }
                }
            }
        }
    }

    @Test
    void clippingScalesAllGradientsTogetherLikeTorch() {
        try (NDManager manager = NDManager.newBaseManager(EngineOps.engine().getEngineName())) {
            NDArray a = manager.create(new float[] {3f, 0f});
            NDArray b = manager.create(new float[] {4f});
            a.setRequiresGradient(true);
            b.setRequiresGradient(true);
            try (GradientCollector c = EngineOps.engine().newGradientCollector()) {
                c.backward(a.mul(a.getManager().create(new float[] {1.5f, 0f})).sum()
                        .add(b.mul(b.getManager().create(new float[] {0.5f})).sum()));
            }
            // gradients (1.5, 0) and (0.5): total norm sqrt(2.5); torch scales by 1/(sqrt(2.5) + 1e-6)
            double before = GradientService.clipGradientNorm(List.of(a, b), 1.0);
            assertEquals(Math.sqrt(2.5), before, 1e-6);
            double c = 1.0 / (Math.sqrt(2.5) + 1e-6);
            assertArrayEquals(new float[] {(float) (1.5 * c), 0f}, a.getGradient().toFloatArray(), 1e-6f);
            assertArrayEquals(new float[] {(float) (0.5 * c)}, b.getGradient().toFloatArray(), 1e-6f);
            // below the bound nothing changes
            assertEquals(1.0, GradientService.clipGradientNorm(List.of(a, b), 2.0), 1e-5);
            assertArrayEquals(new float[] {(float) (1.5 * c), 0f}, a.getGradient().toFloatArray(), 1e-6f);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void diagnosticsMatchGradientsComputedOneTaskAtATime() {
        Engine engine = EngineOps.engine();
        MultiTaskDataset dataset = ((DatasetProvider) create(PluginKind.DATASET, "synthetic",
                Map.of("tasks", "2", "groups", "2", "train.examples", "64", "validation.examples", "8", "test.examples", "8")))
                .load(new DatasetContext(Path.of("data"), 0, 2));
        try (NDManager manager = NDManager.newBaseManager(engine.getEngineName())) {
            engine.setRandomSeed(5);
            MultiTaskNetwork network = ((Architecture) create(PluginKind.ARCHITECTURE, "hard-sharing", Map.of()))
                    .build(new NetworkContext(dataset.tasks(), dataset.exampleShape(), manager, 5));
            ParameterStore store = new ParameterStore(manager, false);
            int[] examples = new int[32];
            for (int i = 0; i < examples.length; i++) {
                examples[i] = i;
            }
            MultiTaskBatch batch = dataset.batch(manager, Split.TRAIN, examples, List.of("t0", "t1"));
            List<double[]> g = new ArrayList<>();
            for (Task task : dataset.tasks()) {
                try (GradientCollector c = engine.newGradientCollector()) {
                    NDList rep = network.encode(store, batch.input(), false);
                    TaskTarget target = batch.target(task.name());
                    c.backward(task.loss().compute(network.decode(store, rep, task.name(), false), target.labels(), target.mask()));
                }
                float[] f = gradients(network.sharedParameters());
                double[] d = new double[f.length];
                for (int i = 0; i < f.length; i++) {
                    d[i] = f[i];
                }
                g.add(d);
                zero(network);
            }
            double g11 = dot(g.get(0), g.get(0));
            double g12 = dot(g.get(0), g.get(1));
            double g22 = dot(g.get(1), g.get(1));
            // two-vector min-norm point in closed form: γ = clip((g2 − g1)·g2 / ‖g1 − g2‖², 0, 1)
            double gamma = Math.max(0, Math.min(1, (g22 - g12) / (g11 - 2 * g12 + g22)));
            double gap = Math.sqrt(gamma * gamma * g11 + 2 * gamma * (1 - gamma) * g12 + (1 - gamma) * (1 - gamma) * g22);

            Map<String, Object> measured = new GradientDiagnostics(dataset, 32).measure(engine, network, store, manager, dataset.tasks());
            double cosine = ((Map<String, Double>) measured.get("cosine")).get("t0|t1");
            assertEquals(g12 / Math.sqrt(g11 * g22), cosine, 1e-4);
            assertEquals(Math.sqrt(g11), ((Map<String, Double>) measured.get("norm")).get("t0"), 1e-4 * Math.sqrt(g11));
            assertEquals(gap, (Double) measured.get("pareto_gap"), 1e-4 * Math.sqrt(g11 + g22));
            // the diagnostics leave no gradient behind
            float[] after = gradients(network.sharedParameters());
            for (float f : after) {
                assertEquals(0f, f);
            }
        }
    }

    /**
     * BatchNorm running statistics (mtan's attention modules with {@code attention.norm=batch}) move once per step, as after one
     * training forward, in every gradient mode (whatever the number of backward passes), and the
     * losses a weighting observes after the update leave them as they were.
     */
    @Test
    void batchNormRunningStatisticsMoveOncePerStepInEveryMode() {
        Engine engine = EngineOps.engine();
        MultiTaskDataset dataset = ((DatasetProvider) create(PluginKind.DATASET, "synthetic",
                Map.of("tasks", "2", "groups", "1", "train.examples", "64", "validation.examples", "8", "test.examples", "8")))
                .load(new DatasetContext(Path.of("data"), 0, 1));
        try (NDManager manager = NDManager.newBaseManager(engine.getEngineName())) {
            engine.setRandomSeed(5);
            MultiTaskNetwork network = ((Architecture) create(PluginKind.ARCHITECTURE, "mtan", Map.of("attention.norm", "batch")))
                    .build(new NetworkContext(dataset.tasks(), dataset.exampleShape(), manager, 5));
            List<NDArray> running = new ArrayList<>();
            for (Pair<String, Parameter> p : network.block().getParameters()) {
                Parameter.Type type = p.getValue().getType();
                if (type == Parameter.Type.RUNNING_MEAN || type == Parameter.Type.RUNNING_VAR) {
                    running.add(p.getValue().getArray());
                }
            }
            assertEquals(2 * 2 * 2 * 2, running.size(), "two tasks, two stages, two BatchNorms, mean and variance");
            List<float[]> initial = new ArrayList<>();
            running.forEach(a -> initial.add(a.toFloatArray()));
            ParameterStore store = new ParameterStore(manager, false);
            Map<String, Task> tasks = new LinkedHashMap<>();
            dataset.tasks().forEach(t -> tasks.put(t.name(), t));
            List<String> names = new ArrayList<>(tasks.keySet());
            int[] examples = new int[32];
            for (int i = 0; i < examples.length; i++) {
                examples[i] = i;
            }
            MultiTaskBatch batch = dataset.batch(manager, Split.TRAIN, examples, names);
            // one training forward, by hand
            try (NDManager step = manager.newSubManager()) {
                NDList rep = network.encode(store, batch.input(), true);
                names.forEach(t -> network.decode(store, rep, t, true));
            }
            List<float[]> once = new ArrayList<>();
            running.forEach(a -> once.add(a.toFloatArray()));
            assertFalse(Arrays.equals(initial.get(0), once.get(0)), "a training forward moves them");
            for (GradientRequirement mode : GradientRequirement.values()) {
                for (int i = 0; i < running.size(); i++) {
                    running.get(i).set(initial.get(i));
                }
                GradientService service = new GradientService(network, weighting(mode), tasks);
                try (NDManager step = manager.newSubManager()) {
                    try (GradientCollector c = engine.newGradientCollector()) {
                        service.step(store, batch, new StepContext(1, 0, step));
                    }
                    for (int i = 0; i < running.size(); i++) {
                        assertArrayEquals(once.get(i), running.get(i).toFloatArray(), 1e-7f, mode + " statistic " + i);
                    }
                    service.lossesWithoutGradient(store, batch);
                    for (int i = 0; i < running.size(); i++) {
                        assertArrayEquals(once.get(i), running.get(i).toFloatArray(), mode + " after observing, " + i);
                    }
                }
                zero(network);
            }
        }
    }

    /** The network, counting the calls of each of its methods by name. */
    private static MultiTaskNetwork counting(MultiTaskNetwork network, Map<String, Integer> calls) {
        return (MultiTaskNetwork) java.lang.reflect.Proxy.newProxyInstance(MultiTaskNetwork.class.getClassLoader(),
                new Class<?>[] {MultiTaskNetwork.class}, (proxy, method, args) -> {
                    calls.merge(method.getName(), 1, Integer::sum);
                    try {
                        return method.invoke(network, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static Weighting weighting(GradientRequirement mode) {
        if (mode == GradientRequirement.LOSSES) {
            return new LossWeighting() {
                @Override
                public NDArray objective(TaskLosses losses, StepContext step) {
                    return losses.weightedSum(W);
                }

                @Override
                public double[] lastWeights() {
                    return W.clone();
                }
            };
        }
        return new GradientWeighting() {
            @Override
            public GradientRequirement requirement() {
                return mode;
            }

            @Override
            public Combination combine(TaskGradients gradients, StepContext step) {
                assertEquals(2, gradients.gramian().length);
                return Combination.weights(W);
            }

            @Override
            public double[] lastWeights() {
                return W.clone();
            }
        };
    }

    private static Weighting weighting(GradientRequirement mode, boolean scaled, double bound, int every) {
        return new GradientWeighting() {
            @Override
            public GradientRequirement requirement() {
                return mode;
            }

            @Override
            public Combination combine(TaskGradients gradients, StepContext step) {
                return Combination.weights(W);
            }

            @Override
            public double[] lastWeights() {
                return W.clone();
            }

            @Override
            public boolean weightsHeads() {
                return scaled;
            }

            @Override
            public double sharedGradientMaxNorm() {
                return bound;
            }

            @Override
            public int updateEvery() {
                return every;
            }
        };
    }

    private static float[] gradients(List<Parameter> parameters) {
        List<Float> values = new ArrayList<>();
        for (Parameter p : parameters) {
            try (NDArray g = p.getArray().getGradient()) {
                for (float f : g.toFloatArray()) {
                    values.add(f);
                }
            }
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static void zero(MultiTaskNetwork network) {
        network.block().getParameters().forEach(p -> EngineOps.zeroGradient(p.getValue().getArray()));
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        float scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        assertArrayEquals(expected, actual, 1e-5f * (1 + scale), what);
    }
}
