package org.openmtl.core.adapt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.google.gson.Gson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.task.Task;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.train.EngineOps;
import org.openmtl.core.train.SavedModel;

/**
 * {@code ./mtl adapt} end to end on a tiny synthetic run: every (k, mode, draw) is recorded, the
 * frozen trunk stays bit for bit the saved one, the frozen mode never runs the trunk per step, and
 * scratch differs from fine-tune only in the trunk's starting values.
 */
class AdaptationTest {

    @TempDir static Path shared;
    @TempDir Path dir;

    private static MtlRuntime mtl;
    private static Path run;

    @BeforeAll
    static void trainTheRunToAdapt() {
        mtl = MtlRuntime.discover(Path.of("no-plugins-dir"));
        run = AdaptFixtures.trainRun(mtl, shared.resolve("run"));
    }

    private Map<String, Object> adapt(Adaptation.TrialObserver observer, Path from, String output, String... more) {
        List<String> overrides = new ArrayList<>(List.of("adapt.from=" + from, "adapt.task=t2", "adapt.k=1,4",
                "adapt.draws=2", "adapt.steps=6", "adapt.eval.every=4", "adapt.eval.examples=40", "adapt.batch.size=8",
                "adapt.target=0.5", "progress=none", "output.dir=" + dir.resolve(output)));
        overrides.addAll(List.of(more));
        return new Adaptation(mtl, observer).run(ConfigSource.load(null, overrides), "./mtl adapt (test)");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Path file) throws IOException {
        return new Gson().fromJson(ResultFiles.readJson(file), Map.class);
    }

    @Test
    @SuppressWarnings("unchecked")
    void adaptJsonHasEveryKModeAndDrawWithItsMetricsCurveAndCost() throws IOException {
        adapt(Adaptation.TrialObserver.NONE, run, "all");
        Map<String, Object> result = read(dir.resolve("all/adapt.json"));
        assertEquals("completed", result.get("status"));
        assertEquals("t2", result.get("task"));
        assertEquals(List.of("t0", "t1"), ((Map<String, Object>) result.get("source")).get("trained_tasks"));
        List<Map<String, Object>> entries = (List<Map<String, Object>>) result.get("entries");
        Set<String> seen = new HashSet<>();
        for (Map<String, Object> e : entries) {
            int k = ((Number) e.get("k")).intValue();
            String mode = (String) e.get("mode");
            int draw = ((Number) e.get("draw")).intValue();
            assertTrue(seen.add(k + " " + mode + " " + draw), "twice: " + k + " " + mode + " " + draw);
            assertEquals(3 * k, ((Number) e.get("examples")).intValue());
            Map<String, Double> test = (Map<String, Double>) e.get("test");
            assertEquals(List.of("accuracy", "loss"), List.copyOf(test.keySet()));
            assertTrue(test.get("accuracy") >= 0 && test.get("accuracy") <= 1, test.toString());
            List<Map<String, Object>> curve = (List<Map<String, Object>>) e.get("curve");
            assertEquals(List.of(0, 4, 6), curve.stream().map(p -> ((Number) p.get("step")).intValue()).toList());
            Integer expectedSteps = null;
            for (Map<String, Object> p : curve) {
                if (((Number) p.get("value")).doubleValue() >= 0.5) {
                    expectedSteps = ((Number) p.get("step")).intValue();
                    break;
                }
            }
            Object steps = e.get("steps_to_target");
            assertEquals(expectedSteps, steps == null ? null : ((Number) steps).intValue(), "steps to target of " + e);
            // what passed through the trunk, counted: frozen only its draw's examples once; the
            // others a batch per step, the curve examples per measurement and the test split
            long trunk = ((Number) e.get("trunk_forward_examples")).longValue();
            long expected = mode.equals("frozen") ? 3L * k : 6L * Math.min(8, 3 * k) + 3 * 40 + 90;
            assertEquals(expected, trunk, mode + " k=" + k);
        }
        Set<String> expected = new HashSet<>();
        for (int k : new int[] {1, 4}) {
            for (String mode : List.of("frozen", "fine-tune", "scratch")) {
                for (int draw = 0; draw < 2; draw++) {
                    expected.add(k + " " + mode + " " + draw);
                }
            }
        }
        assertEquals(expected, seen);
        Map<String, Object> once = (Map<String, Object>) ((Map<String, Object>) result.get("cost")).get("frozen_features_once");
        assertEquals(40 + 90, ((Number) once.get("trunk_forward_examples")).intValue());
        Map<String, Object> evaluation = (Map<String, Object>) result.get("evaluation");
        assertEquals("validation", evaluation.get("curve_split"));
        assertEquals(40, ((Number) evaluation.get("curve_examples")).intValue());
        assertEquals(90, ((Number) evaluation.get("test_examples")).intValue());

        List<Map<String, Object>> summary = (List<Map<String, Object>>) result.get("summary");
        assertEquals(6, summary.size());
        for (Map<String, Object> row : summary) {
            double[] values = entries.stream().filter(e -> e.get("k").equals(row.get("k")) && e.get("mode").equals(row.get("mode")))
                    .mapToDouble(e -> ((Map<String, Double>) e.get("test")).get("accuracy")).toArray();
            assertEquals(2, values.length);
            assertEquals((values[0] + values[1]) / 2, ((Number) row.get("mean")).doubleValue(), 1e-12);
            assertEquals(Math.abs(values[0] - values[1]) / Math.sqrt(2), ((Number) row.get("std")).doubleValue(), 1e-12);
        }
        String markdown = Files.readString(dir.resolve("all/adapt.md"));
        assertTrue(markdown.contains("| k | frozen | fine-tune | scratch |"), markdown);
        assertTrue(markdown.contains("\n| 1 |") && markdown.contains("\n| 4 |"), markdown);
        assertTrue(markdown.contains("./mtl adapt (test)"), markdown);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDrawsAreKPerClassOfTheTrainingSplitAndShareNoInputWithTheEvaluationData() throws IOException {
        adapt(Adaptation.TrialObserver.NONE, run, "draws", "adapt.modes=frozen", "adapt.steps=1");
        List<Map<String, Object>> draws = (List<Map<String, Object>>) read(dir.resolve("draws/adapt.json")).get("draws");
        assertEquals(4, draws.size());
        RunConfig config = mtl.configure(null, AdaptFixtures.DATASET);
        MultiTaskDataset dataset = mtl.plugins(config).dataset();
        try (NDManager manager = NDManager.newBaseManager(EngineOps.engine().getEngineName())) {
            Set<String> evaluationInputs = new HashSet<>();
            for (Split split : new Split[] {Split.VALIDATION, Split.TEST}) {
                evaluationInputs.addAll(rows(dataset, manager, split, dataset.labelled(split, "t2")));
            }
            Set<String> drawnBefore = new HashSet<>();
            for (Map<String, Object> d : draws) {
                int k = ((Number) d.get("k")).intValue();
                int[] examples = ((List<Number>) d.get("examples")).stream().mapToInt(Number::intValue).toArray();
                MultiTaskBatch batch = dataset.batch(manager, Split.TRAIN, examples, List.of("t2"));
                int[] perClass = new int[3];
                for (int c : FewShotSampler.classes(batch.target("t2").labels())) {
                    perClass[c]++;
                }
                assertArrayEquals(new int[] {k, k, k}, perClass, "k=" + k);
                for (String row : rows(dataset, manager, Split.TRAIN, examples)) {
                    assertFalse(evaluationInputs.contains(row), "a drawn training input is also an evaluation input");
                }
                drawnBefore.add(Arrays.toString(examples));
            }
            assertEquals(4, drawnBefore.size(), "every (k, draw) draws its own examples");
        }
        // the same seed draws the same examples again
        adapt(Adaptation.TrialObserver.NONE, run, "draws-again", "adapt.modes=frozen", "adapt.steps=1");
        assertEquals(draws, read(dir.resolve("draws-again/adapt.json")).get("draws"));
    }

    private static List<String> rows(MultiTaskDataset dataset, NDManager manager, Split split, int[] examples) {
        NDArray inputs = dataset.batch(manager, split, examples, List.of("t2")).input();
        float[] values = inputs.toFloatArray();
        int width = (int) (values.length / examples.length);
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < examples.length; i++) {
            rows.add(Arrays.toString(Arrays.copyOfRange(values, i * width, (i + 1) * width)));
        }
        return rows;
    }

    private static Map<String, ByteBuffer> bytes(MultiTaskNetwork network) {
        Map<String, ByteBuffer> values = new LinkedHashMap<>();
        SavedModel.arrays(network).forEach((name, array) -> values.put(name, copy(array)));
        return values;
    }

    @Test
    void theFrozenModeLeavesTheTrunkBitIdenticalToTheSavedModelAndFineTuneChangesIt() throws IOException {
        List<Map<String, ByteBuffer>> frozenBefore = new ArrayList<>();
        List<Map<String, ByteBuffer>> frozenAfter = new ArrayList<>();
        List<Boolean> fineTuneChangedTrunk = new ArrayList<>();
        java.util.concurrent.atomic.AtomicReference<Map<String, ByteBuffer>> fineTuneStart =
                new java.util.concurrent.atomic.AtomicReference<>();
        adapt(new Adaptation.TrialObserver() {
            @Override
            public void started(AdaptMode mode, int k, int draw, MultiTaskNetwork network) {
                if (mode == AdaptMode.FROZEN) {
                    frozenBefore.add(bytes(network));
                } else if (mode == AdaptMode.FINE_TUNE) {
                    fineTuneStart.set(trunk(network));
                }
            }

            @Override
            public void ended(AdaptMode mode, int k, int draw, MultiTaskNetwork network) {
                if (mode == AdaptMode.FROZEN) {
                    frozenAfter.add(bytes(network));
                } else if (mode == AdaptMode.FINE_TUNE) {
                    fineTuneChangedTrunk.add(!trunk(network).equals(fineTuneStart.get()));
                }
            }
        }, run, "frozen", "adapt.modes=frozen,fine-tune");

        // the saved model, loaded into a network built here
        RunConfig config = mtl.configure(null, runOverrides());
        Architecture architecture = (Architecture) mtl.registry().require(PluginKind.ARCHITECTURE, "hard-sharing").factory()
                .create(config.pluginConfig(PluginKind.ARCHITECTURE));
        try (NDManager manager = NDManager.newBaseManager(EngineOps.engine().getEngineName())) {
            MultiTaskNetwork network = architecture.build(new NetworkContext(
                    List.of(Task.classification("t0", 3, 0), Task.classification("t1", 3, 1)), new Shape(8), manager, 1));
            SavedModel.load(run.resolve("model.params"), network);
            Map<String, ByteBuffer> savedValues = bytes(network);
            assertEquals(4, frozenAfter.size());
            for (int i = 0; i < frozenAfter.size(); i++) {
                assertEquals(savedValues, frozenBefore.get(i), "the frozen trunk starts as saved");
                assertEquals(savedValues, frozenAfter.get(i), "the frozen trunk ends as saved, bit for bit");
            }
        }
        assertEquals(List.of(true, true, true, true), fineTuneChangedTrunk, "fine-tune trains the trunk");
    }

    /** The array's bytes, copied to the heap: a later change of the array cannot reach them. */
    private static ByteBuffer copy(NDArray array) {
        ByteBuffer buffer = array.toByteBuffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return ByteBuffer.wrap(bytes);
    }

    private static Map<String, ByteBuffer> trunk(MultiTaskNetwork network) {
        Map<String, ByteBuffer> values = new LinkedHashMap<>();
        int i = 0;
        for (Parameter p : network.sharedParameters()) {
            values.put("shared" + i++, copy(p.getArray()));
        }
        return values;
    }

    private static List<String> runOverrides() {
        List<String> overrides = new ArrayList<>(AdaptFixtures.DATASET);
        overrides.addAll(List.of("architecture=hard-sharing", "tasks=t0,t1"));
        return overrides;
    }

    @Test
    @SuppressWarnings("unchecked")
    void scratchAndFineTuneDifferOnlyInTheTrunksStartingValues() throws IOException {
        // scratch's freshly built trunk, saved as the model of a copy of the run: fine-tuning that
        // copy must then reproduce scratch bit for bit (the same examples, head, batch order, steps)
        Path copy = Files.createDirectories(dir.resolve("scratch-init-run"));
        Files.copy(run.resolve("result.json"), copy.resolve("result.json"));
        adapt(new Adaptation.TrialObserver() {
            @Override
            public void started(AdaptMode mode, int k, int draw, MultiTaskNetwork network) {
                try {
                    SavedModel.save(copy.resolve("model.params"), network);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }, run, "scratch", "adapt.modes=scratch", "adapt.k=4", "adapt.draws=1");
        adapt(Adaptation.TrialObserver.NONE, copy, "fine-tune-from-scratch-init", "adapt.modes=fine-tune", "adapt.k=4",
                "adapt.draws=1");
        adapt(Adaptation.TrialObserver.NONE, run, "fine-tune", "adapt.modes=fine-tune", "adapt.k=4", "adapt.draws=1");

        Map<String, Object> scratch = only(dir.resolve("scratch/adapt.json"));
        Map<String, Object> fromScratchInit = only(dir.resolve("fine-tune-from-scratch-init/adapt.json"));
        Map<String, Object> fineTune = only(dir.resolve("fine-tune/adapt.json"));
        assertEquals("scratch", scratch.get("mode"));
        assertEquals("fine-tune", fromScratchInit.get("mode"));
        for (String field : List.of("examples", "test", "curve", "steps_to_target", "trunk_forward_examples")) {
            assertEquals(scratch.get(field), fromScratchInit.get(field), field);
        }
        // and the saved trunk does make a difference, so the equality above is not vacuous
        assertNotEquals(scratch.get("curve"), fineTune.get("curve"));
        assertNotNull(fineTune.get("test"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> only(Path file) throws IOException {
        List<Map<String, Object>> entries = (List<Map<String, Object>>) read(file).get("entries");
        assertEquals(1, entries.size());
        return entries.get(0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSweepTrialIsNamedByTheSweepDirectoryAndItsId() throws IOException {
        Path sweep = Files.createDirectories(dir.resolve("sweep"));
        Files.writeString(sweep.resolve("sweep.json"),
                "{\"trials\": [{\"id\": \"0123abcd4567\", \"point\": {\"seed\": \"1\"}}]}\n");
        Path trial = Files.createDirectories(sweep.resolve("trials/0123abcd4567"));
        Files.copy(run.resolve("result.json"), trial.resolve("result.json"));
        Files.copy(run.resolve("model.params"), trial.resolve("model.params"));
        adapt(Adaptation.TrialObserver.NONE, sweep, "from-sweep", "adapt.trial=0123abcd4567", "adapt.modes=frozen",
                "adapt.k=1", "adapt.draws=1", "adapt.steps=2");
        Map<String, Object> result = read(dir.resolve("from-sweep/adapt.json"));
        Map<String, Object> source = (Map<String, Object>) result.get("source");
        assertEquals("0123abcd4567", source.get("trial"));
        assertEquals(trial.toString(), source.get("run"));
        assertEquals(1, ((List<?>) result.get("entries")).size());
    }
}
