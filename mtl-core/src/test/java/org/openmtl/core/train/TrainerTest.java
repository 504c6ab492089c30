package org.openmtl.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.TaskGradients;
import org.openmtl.api.weighting.TaskLosses;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.run.MtlRuntime;

/** The trainer on the synthetic dataset with the built-in plugins (found by name). */
class TrainerTest {

    @TempDir Path dir;

    private final MtlRuntime mtl = MtlRuntime.discover(Path.of("no-plugins-dir"));

    private RunConfig config(String output, String... more) {
        List<String> overrides = new ArrayList<>(List.of(
                "dataset=synthetic", "dataset.synthetic.tasks=2", "dataset.synthetic.groups=1",
                "dataset.synthetic.train.examples=256", "dataset.synthetic.validation.examples=64",
                "dataset.synthetic.test.examples=64", "architecture=hard-sharing", "weighting=equal",
                "selector=all", "optimizer=adam", "epochs=2", "batch.size=32", "progress=none",
                "output.dir=" + dir.resolve(output)));
        overrides.addAll(List.of(more));
        return mtl.configure(null, overrides);
    }

    private MultiTaskTrainer.Plugins plugins(RunConfig config, org.openmtl.api.weighting.Weighting weighting) {
        MultiTaskTrainer.Plugins real = pluginsOf(config);
        return new MultiTaskTrainer.Plugins(real.dataset(), real.architecture(), weighting, real.selector(), real.optimizer());
    }

    private MultiTaskTrainer.Plugins pluginsOf(RunConfig config) {
        Object dataset = create(config, PluginKind.DATASET);
        return new MultiTaskTrainer.Plugins(
                ((org.openmtl.api.data.DatasetProvider) dataset).load(new org.openmtl.api.data.DatasetContext(
                        config.dataDirectory(), config.trainLimit(), config.seed())),
                (org.openmtl.api.architecture.Architecture) create(config, PluginKind.ARCHITECTURE),
                (org.openmtl.api.weighting.Weighting) create(config, PluginKind.WEIGHTING),
                (org.openmtl.api.selector.TaskSelector) create(config, PluginKind.SELECTOR),
                (org.openmtl.api.optim.Optimizer) create(config, PluginKind.OPTIMIZER));
    }

    private Object create(RunConfig config, PluginKind kind) {
        return mtl.registry().require(kind, config.pluginName(kind)).factory().create(config.pluginConfig(kind));
    }

    private Map<String, Object> train(RunConfig config, MultiTaskTrainer.Plugins plugins) {
        return new MultiTaskTrainer(config, plugins, Progress.forMode("none"), Map.of()).train();
    }

    @Test
    void aLossWeightingIsAskedForItsObjectiveOncePerStepAndNothingElse() {
        RunConfig config = config("losses");
        LossWeighting weighting = mock(LossWeighting.class);
        when(weighting.requirement()).thenReturn(GradientRequirement.LOSSES);
        when(weighting.lastWeights()).thenReturn(new double[] {1, 1});
        when(weighting.objective(any(), any())).thenAnswer(inv -> ((TaskLosses) inv.getArgument(0)).weightedSum(new double[] {1, 1}));
        Map<String, Object> result = train(config, plugins(config, weighting));
        assertEquals("completed", result.get("status"));
        // 256 examples in batches of 32: 8 steps per epoch, 2 epochs
        verify(weighting, times(16)).objective(any(), any());
        verify(weighting).initialize(any());
        verify(weighting, times(2)).onEpochEnd(any(Integer.class), any());
        // a weighting that declares only losses is never handed a per-task gradient
        verify(weighting, org.mockito.Mockito.atLeastOnce()).requirement();
        verify(weighting, org.mockito.Mockito.atLeastOnce()).lastWeights();
        verify(weighting, org.mockito.Mockito.atLeastOnce()).parameters();
        verify(weighting, org.mockito.Mockito.atLeastOnce()).state();
        // the preference the result records, and whether it draws one per step (it must not: the network reads none)
        verify(weighting, org.mockito.Mockito.atLeastOnce()).preference();
        verify(weighting, org.mockito.Mockito.atLeastOnce()).drawsPreferences();
        // and asked each step whether it wants the losses after the update, and whether its
        // parameters got a gradient
        verify(weighting, times(16)).needsLossesAfterUpdate();
        verify(weighting, times(16)).parametersHaveGradients();
        org.mockito.Mockito.verifyNoMoreInteractions(weighting);
    }

    @Test
    void aWeightingThatAsksGetsTheSameBatchsLossesAfterEachUpdate() {
        RunConfig config = config("losses");
        LossWeighting weighting = mock(LossWeighting.class);
        when(weighting.requirement()).thenReturn(GradientRequirement.LOSSES);
        when(weighting.lastWeights()).thenReturn(new double[] {1, 1});
        when(weighting.needsLossesAfterUpdate()).thenReturn(true);
        when(weighting.parametersHaveGradients()).thenReturn(true);
        List<double[]> before = new ArrayList<>();
        List<List<String>> beforeTasks = new ArrayList<>();
        when(weighting.objective(any(), any())).thenAnswer(inv -> {
            TaskLosses losses = inv.getArgument(0);
            before.add(losses.values());
            beforeTasks.add(losses.tasks());
            return losses.weightedSum(new double[] {1, 1});
        });
        List<double[]> after = new ArrayList<>();
        List<List<String>> afterTasks = new ArrayList<>();
        org.mockito.Mockito.doAnswer(inv -> {
            TaskLosses losses = inv.getArgument(0);
            after.add(losses.values());
            afterTasks.add(losses.tasks());
            return null;
        }).when(weighting).afterUpdate(any(), any());
        assertEquals("completed", train(config, plugins(config, weighting)).get("status"));
        assertEquals(16, after.size());
        assertEquals(beforeTasks, afterTasks);
        // the same examples under the updated parameters: lower losses on most steps (a step
        // on a batch lowers that batch's loss), which the next batch's losses would not give
        int lower = 0;
        for (int i = 0; i < after.size(); i++) {
            if (after.get(i)[0] + after.get(i)[1] < before.get(i)[0] + before.get(i)[1]) {
                lower++;
            }
        }
        assertTrue(lower >= 14, lower + " of 16 steps lowered their own batch's loss");
    }

    @Test
    void aGradientWeightingUpdatingEveryFourStepsCombinesOnlyOnThoseSteps() {
        RunConfig config = config("every", "epochs=1");
        GradientWeighting weighting = mock(GradientWeighting.class);
        // the interface's default: the losses themselves are the task objectives
        when(weighting.taskObjectives(any(), any())).thenCallRealMethod();
        when(weighting.requirement()).thenReturn(GradientRequirement.PARAMETERS);
        when(weighting.updateEvery()).thenReturn(4);
        when(weighting.lastWeights()).thenReturn(new double[] {0.25, 0.75});
        when(weighting.combine(any(), any())).thenReturn(Combination.weights(0.25, 0.75));
        assertEquals("completed", train(config, plugins(config, weighting)).get("status"));
        // 8 steps, global steps 0..7: combined at 0 and 4 only
        verify(weighting, times(2)).combine(any(), any());
    }

    @Test
    @SuppressWarnings("unchecked")
    void theHistoryHoldsGradientCosinesNormsAndTheParetoGap() {
        RunConfig config = config("cosine", "epochs=2");
        Map<String, Object> result = train(config, pluginsOf(config));
        for (Map<String, Object> epoch : (List<Map<String, Object>>) result.get("history")) {
            Map<String, Object> gradients = (Map<String, Object>) epoch.get("gradients");
            double cosine = ((Map<String, Double>) gradients.get("cosine")).get("t0|t1");
            assertTrue(cosine >= -1 && cosine <= 1, "cosine " + cosine);
            Map<String, Double> norm = (Map<String, Double>) gradients.get("norm");
            double gap = (Double) gradients.get("pareto_gap");
            assertTrue(gap >= 0 && gap <= Math.min(norm.get("t0"), norm.get("t1")) + 1e-9, "gap " + gap);
        }
        RunConfig off = config("no-diagnostics", "epochs=1", "diagnostics.gradients=false");
        Map<String, Object> quiet = train(off, pluginsOf(off));
        assertFalse(((List<Map<String, Object>>) quiet.get("history")).get(0).containsKey("gradients"));
    }

    @Test
    void aRepresentationWeightingGetsOneRowPerTaskOverTheBatchRepresentation() {
        RunConfig config = config("rep");
        GradientWeighting weighting = mock(GradientWeighting.class);
        // the interface's default: the losses themselves are the task objectives
        when(weighting.taskObjectives(any(), any())).thenCallRealMethod();
        when(weighting.requirement()).thenReturn(GradientRequirement.REPRESENTATION);
        when(weighting.lastWeights()).thenReturn(new double[] {0.5, 0.5});
        List<long[]> shapes = new ArrayList<>();
        when(weighting.combine(any(), any())).thenAnswer(inv -> {
            TaskGradients g = inv.getArgument(0);
            shapes.add(g.matrix().getShape().getShape());
            double[][] gram = g.gramian();
            assertEquals(gram[0][1], gram[1][0], 1e-6 * (1 + Math.abs(gram[0][1])));
            return Combination.weights(0.5, 0.5);
        });
        assertEquals("completed", train(config, plugins(config, weighting)).get("status"));
        assertEquals(16, shapes.size());
        // the MLP trunk ends in 64 units by default: D = batch * 64
        assertEquals(2, shapes.get(0)[0]);
        assertEquals(32L * 64, shapes.get(0)[1]);
    }

    @Test
    void aGramianWeightingNeverSeesTheMatrix() {
        RunConfig config = config("gramian", "epochs=1");
        GradientWeighting weighting = mock(GradientWeighting.class);
        // the interface's default: the losses themselves are the task objectives
        when(weighting.taskObjectives(any(), any())).thenCallRealMethod();
        when(weighting.requirement()).thenReturn(GradientRequirement.GRAMIAN);
        when(weighting.lastWeights()).thenReturn(new double[] {1, 1});
        when(weighting.combine(any(), any())).thenAnswer(inv -> {
            TaskGradients g = inv.getArgument(0);
            assertThrows(IllegalStateException.class, g::matrix);
            assertEquals(2, g.gramian().length);
            return Combination.weights(1, 1);
        });
        assertEquals("completed", train(config, plugins(config, weighting)).get("status"));
        verify(weighting, times(8)).combine(any(), any());
    }

    @Test
    void aWeightingImplementingNeitherStyleIsRejected() {
        RunConfig config = config("neither", "epochs=1");
        org.openmtl.api.weighting.Weighting weighting = mock(org.openmtl.api.weighting.Weighting.class);
        when(weighting.requirement()).thenReturn(GradientRequirement.LOSSES);
        assertThrows(IllegalArgumentException.class, () -> train(config, plugins(config, weighting)));
        verify(weighting, never()).onEpochEnd(any(Integer.class), any());
    }

    @Test
    void aNonFiniteLossStopsTheRunWithAFailedResultAndTheReason() throws Exception {
        RunConfig config = config("nan", "epochs=3");
        LossWeighting weighting = mock(LossWeighting.class);
        when(weighting.requirement()).thenReturn(GradientRequirement.LOSSES);
        when(weighting.lastWeights()).thenReturn(new double[] {1, 1});
        // an objective whose gradient is NaN poisons the parameters; the next losses are NaN
        when(weighting.objective(any(), any())).thenAnswer(inv -> {
            TaskLosses l = inv.getArgument(0);
            NDArray sum = l.weightedSum(new double[] {1, 1});
            return sum.mul(Float.NaN);
        });
        Map<String, Object> result = train(config, plugins(config, weighting));
        assertEquals("failed", result.get("status"));
        assertTrue(String.valueOf(result.get("reason")).contains("became NaN at epoch 1, step 2"), String.valueOf(result.get("reason")));
        String json = Files.readString(dir.resolve("nan/result.json"));
        assertTrue(json.contains("\"status\": \"failed\""), json);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSameSeedGivesTheSameMetricsAndAnotherSeedOthers() {
        Map<String, Object> a = train(config("a"), pluginsOf(config("a")));
        Map<String, Object> b = train(config("b"), pluginsOf(config("b")));
        Map<String, Object> c = train(config("c", "seed=2"), pluginsOf(config("c", "seed=2")));
        assertEquals(a.get("tasks"), b.get("tasks"));
        assertEquals(((List<Map<String, Object>>) a.get("history")).get(1).get("train"),
                ((List<Map<String, Object>>) b.get("history")).get(1).get("train"));
        assertNotEquals(a.get("tasks"), c.get("tasks"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"all", "worst-first"})
    @SuppressWarnings("unchecked")
    void aResumedRunEndsExactlyWhereAnUninterruptedOneDoes(String selector) {
        // worst-first plans from the losses it observed: its state must travel in the checkpoint
        String s = "selector=" + selector;
        Map<String, Object> whole = train(config("whole", "epochs=3", s), pluginsOf(config("whole", "epochs=3", s)));
        // "interrupted" after two epochs, then continued with resume=true
        train(config("parts", "epochs=2", s), pluginsOf(config("parts", "epochs=2", s)));
        RunConfig resumed = config("parts", "epochs=3", "resume=true", s);
        Map<String, Object> continued = train(resumed, pluginsOf(resumed));
        List<Map<String, Object>> h1 = (List<Map<String, Object>>) whole.get("history");
        List<Map<String, Object>> h2 = (List<Map<String, Object>>) continued.get("history");
        assertEquals(3, h2.size());
        assertEquals(h1.get(2).get("train"), h2.get(2).get("train"));
        assertEquals(h1.get(2).get("test"), h2.get(2).get("test"));
        assertEquals(whole.get("tasks"), continued.get("tasks"));
    }

    @Test
    void resumingWithAnotherConfigurationIsRefused() {
        train(config("other", "epochs=1"), pluginsOf(config("other", "epochs=1")));
        RunConfig changed = config("other", "epochs=2", "resume=true", "batch.size=16");
        ConfigException e = assertThrows(ConfigException.class, () -> train(changed, pluginsOf(changed)));
        assertTrue(e.getMessage().contains("batch.size (checkpoint: 32, now: 16)"), e.getMessage());
    }

    @Test
    void anEarlierRunInTheOutputDirectoryIsKeptNotOverwritten() throws Exception {
        Path out = Files.createDirectories(dir.resolve("kept"));
        Files.writeString(out.resolve("result.json"), "{\"precious\": true}");
        train(config("kept", "epochs=1"), pluginsOf(config("kept", "epochs=1")));
        List<Path> siblings;
        try (var s = Files.list(dir)) {
            siblings = s.filter(p -> p.getFileName().toString().startsWith("kept.")).toList();
        }
        assertEquals(1, siblings.size());
        assertTrue(Files.readString(siblings.get(0).resolve("result.json")).contains("precious"));
        assertTrue(Files.exists(out.resolve("result.json")));
        assertTrue(Files.exists(out.resolve("model.params")));
        assertTrue(MultiTaskTrainer.hasCheckpoint(out));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aWeightingsPreferenceIsRecordedNormalized() {
        RunConfig weighted = config("preference", "weighting=static", "weighting.static.weights=1,3", "epochs=1");
        Map<String, Object> result = train(weighted, pluginsOf(weighted));
        assertEquals(Map.of("t0", 0.25, "t1", 0.75), result.get("preference"));
        RunConfig equal = config("equal", "epochs=1");
        assertFalse(train(equal, pluginsOf(equal)).containsKey("preference"), "equal weighting is given no preference");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theResultFollowsTheContract() throws Exception {
        train(config("contract", "dataset.synthetic.kind=classification"), pluginsOf(config("contract", "dataset.synthetic.kind=classification")));
        Map<String, Object> json = new com.google.gson.Gson().fromJson(
                ResultFiles.readJson(dir.resolve("contract/result.json")), Map.class);
        assertEquals("completed", json.get("status"));
        Map<String, Map<String, Double>> tasks = (Map<String, Map<String, Double>>) json.get("tasks");
        assertEquals(List.of("t0", "t1"), new ArrayList<>(tasks.keySet()));
        double accuracy = tasks.get("t0").get("accuracy");
        assertTrue(accuracy >= 0 && accuracy <= 1);
        Map<String, Object> config = (Map<String, Object>) json.get("config");
        assertEquals("hard-sharing", config.get("architecture"));
        assertEquals("0.001", String.valueOf(config.get("optimizer.adam.lr")).replace("1.0E-3", "0.001"));
        Map<String, Object> provenance = (Map<String, Object>) json.get("provenance");
        for (String key : List.of("framework", "djl", "engine", "java", "os", "seed")) {
            assertTrue(provenance.containsKey(key), key);
        }
        assertEquals(2, ((List<?>) json.get("history")).size());
    }

    @Test
    void aSavedModelEvaluatesToTheReportedTestMetrics() {
        RunConfig config = config("saved", "epochs=3");
        Map<String, Object> result = train(config, pluginsOf(config));
        Map<String, Map<String, Map<String, Double>>> evaluated = mtl.evaluate(dir.resolve("saved"));
        assertEquals(result.get("tasks"), evaluated.get("test"));
        assertEquals(result.get("validation"), evaluated.get("validation"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"hard-sharing", "independent", "conditioned", "cross-stitch",
        "sluice", "mmoe", "ple", "mtan", "soft-l2", "group-sparse", "fully-adaptive", "adashare", "learn-to-branch",
        "cosmos"})
    void liveArraysStayFlatOver200Steps(String architecture) {
        // every array a step makes must belong to the step: one attached to a parameter's manager
        // (the result of an operation whose first operand is a parameter) would pile up
        RunConfig config = config("memory", "epochs=1", "batch.size=8", "dataset.synthetic.train.examples=1600",
                "checkpoint=false", "architecture=" + architecture, "architecture.sluice.orthogonality=0.01",
                "architecture.soft-l2.lambda.mean=0.01",
                // a preference-conditioned network trains only with a weighting that draws preferences
                "weighting=" + (architecture.equals("cosmos") ? "cosmos" : "equal"));
        List<Integer> live = new ArrayList<>();
        NDManager system;
        try (NDManager probe = NDManager.newBaseManager(EngineOps.ENGINE)) {
            system = probe.getParentManager();
        }
        Progress counting = new Progress() {
            @Override
            public void stepEnded(int step, double meanLoss) {
                live.add(system.getManagedArrays().size());
            }
        };
        Map<String, Object> result = new MultiTaskTrainer(config, pluginsOf(config), counting, Map.of()).train();
        assertEquals("completed", result.get("status"));
        assertEquals(200, live.size());
        assertEquals(live.get(9), live.get(199), "live NDArrays grew from step 10 to step 200: " + live);
    }

    @Test
    void aGpuDeviceThatIsNotThereIsABadConfiguration() {
        Assumptions.assumeTrue(Engine.getEngine(EngineOps.ENGINE).getGpuCount() == 0);
        ConfigException e = assertThrows(ConfigException.class, () -> EngineOps.resolveDevice("gpu", Engine.getEngine(EngineOps.ENGINE)));
        assertTrue(e.getMessage().startsWith("device=gpu"), e.getMessage());
        assertEquals(ai.djl.Device.cpu(), EngineOps.resolveDevice("auto", Engine.getEngine(EngineOps.ENGINE)));
        assertFalse(EngineOps.resolveDevice("cpu", Engine.getEngine(EngineOps.ENGINE)).isGpu());
    }

    @Test
    @SuppressWarnings("unchecked")
    void withAffinityDiagnosticsTheResultHoldsTheThreeMatrices() {
        RunConfig config = config("affinity", "dataset.synthetic.tasks=3", "diagnostics.affinity=true");
        Map<String, Object> result = train(config, pluginsOf(config));
        Map<String, Object> affinity = (Map<String, Object>) result.get("affinity");
        assertEquals(2, affinity.get("epochs"));
        for (String measure : List.of("gradient_cosine", "lookahead", "difficult_examples")) {
            Map<String, Map<String, Double>> m = (Map<String, Map<String, Double>>) affinity.get(measure);
            assertEquals(List.of("t0", "t1", "t2"), List.copyOf(m.keySet()), measure);
            m.values().forEach(row -> assertEquals(3, row.size(), measure));
        }
        // each epoch's record has its own matrices
        List<Map<String, Object>> history = (List<Map<String, Object>>) result.get("history");
        assertTrue(((Map<String, Object>) history.get(1).get("affinity")).containsKey("lookahead"));
        // off by default
        RunConfig plain = config("plain", "dataset.synthetic.tasks=3");
        Map<String, Object> unmeasured = train(plain, pluginsOf(plain));
        assertFalse(unmeasured.containsKey("affinity"));
        // the lookahead restores the parameters and the optimizer's state: the same trajectory bit for bit
        assertEquals(unmeasured.get("validation"), result.get("validation"));
        assertEquals(unmeasured.get("test"), result.get("test"));
    }

    @org.junit.jupiter.params.ParameterizedTest
    // adashare: cut mid-warm-up (10 epochs: 2 warm-up, 5 search, 3 re-training), mid-search after
    // the temperature decayed once, and mid-re-training with the policy fixed
    @org.junit.jupiter.params.provider.CsvSource({"fully-adaptive, 6, 3", "learn-to-branch, 6, 4", "adashare, 10, 1",
        "adashare, 10, 4", "adashare, 10, 8"})
    @SuppressWarnings("unchecked")
    void anAdaptiveNetworkResumesWithTheStructureItHadAndEndsAsAnUninterruptedRun(String architecture, int epochs, int cut) {
        // interrupted mid-phase, after the structure changed: the resumed run rebuilds the structure,
        // loads the parameters into it, and does not change it again
        String[] keys = {"architecture=" + architecture, "dataset.synthetic.tasks=4", "dataset.synthetic.groups=2",
            "optimizer.adam.lr=0.01"};
        java.util.function.BiFunction<String, String[], RunConfig> make = (out, extra) -> {
            List<String> all = new ArrayList<>(List.of(keys));
            all.addAll(List.of(extra));
            return config(out, all.toArray(new String[0]));
        };
        RunConfig whole = make.apply("whole", new String[] {"epochs=" + epochs});
        Map<String, Object> a = train(whole, pluginsOf(whole));
        // the same run, killed when epoch cut + 1 starts (its checkpoint holds epoch cut)
        RunConfig first = make.apply("parts", new String[] {"epochs=" + epochs});
        Progress killer = new Progress() {
            @Override
            public void epochStarted(int epoch, int total, int steps, String phase) {
                if (epoch == cut + 1) {
                    throw new IllegalStateException("killed");
                }
            }
        };
        assertThrows(IllegalStateException.class,
                () -> new MultiTaskTrainer(first, pluginsOf(first), killer, Map.of()).train());
        RunConfig resumed = make.apply("parts", new String[] {"epochs=" + epochs, "resume=true"});
        Map<String, Object> b = train(resumed, pluginsOf(resumed));
        assertEquals("completed", b.get("status"), String.valueOf(b.get("reason")));
        assertEquals(a.get("structure"), b.get("structure"));
        // every epoch's record, as written to result.json, bit for bit but for the timings
        List<Map<String, Object>> h1 = historyWithoutTimings(dir.resolve("whole"));
        List<Map<String, Object>> h2 = historyWithoutTimings(dir.resolve("parts"));
        assertEquals(epochs, h1.size());
        for (int e = 0; e < epochs; e++) {
            assertEquals(h1.get(e), h2.get(e), architecture + ": epoch " + (e + 1) + " of the resumed run differs");
        }
        assertEquals(a.get("tasks"), b.get("tasks"));
        assertEquals(a.get("validation"), b.get("validation"));
        assertEquals(a.get("selected_epoch"), b.get("selected_epoch"));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> historyWithoutTimings(Path output) {
        try {
            Map<String, Object> result = new com.google.gson.Gson().fromJson(
                    Files.readString(output.resolve("result.json")), Map.class);
            List<Map<String, Object>> history = (List<Map<String, Object>>) result.get("history");
            history.forEach(h -> {
                h.remove("seconds");
                h.remove("ms_per_step");
            });
            return history;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
