package org.openmtl.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tiny real runs through the typed API: the returned {@link RunResult} is what {@code result.json}
 * says, and a result.json written by the trainer reads into a {@link RunResult} and writes back to
 * the same JSON.
 */
class TypedRunTest {

    @TempDir Path dir;

    private final Mtl mtl = Mtl.builder().pluginsDirectory(Path.of("no-plugins-dir")).build();

    private Run.Builder tiny(Path out) {
        return mtl.run().dataset("synthetic").key("dataset.synthetic.tasks", 2)
                .key("dataset.synthetic.train.examples", 128).key("dataset.synthetic.validation.examples", 32)
                .key("dataset.synthetic.test.examples", 32).epochs(1).batchSize(32).seed(3).progress("none")
                .key("checkpoint", false).outputDir(out);
    }

    private static JsonElement file(Path resultJson) throws Exception {
        return JsonParser.parseString(Files.readString(resultJson));
    }

    @Test
    void aRunReturnsTheResultItWroteToResultJson() throws Exception {
        Path out = dir.resolve("run");
        RunResult result = tiny(out).architecture("hard-sharing").weighting("equal").build().run();

        assertEquals(RunResult.Status.COMPLETED, result.status());
        assertTrue(result.completed());
        JsonObject written = file(out.resolve("result.json")).getAsJsonObject();
        JsonObject writtenTasks = written.getAsJsonObject("tasks");
        assertEquals(Map.of("t0", 0, "t1", 0).keySet(), result.tasks().keySet());
        for (String task : result.tasks().keySet()) {
            Map<String, Double> metrics = result.tasks().get(task);
            assertEquals(writtenTasks.getAsJsonObject(task).keySet(), metrics.keySet());
            for (Map.Entry<String, Double> m : metrics.entrySet()) {
                // bit for bit: the typed value is the very number result.json holds
                assertEquals(writtenTasks.getAsJsonObject(task).get(m.getKey()).getAsDouble(), m.getValue(), 0.0);
                assertTrue(Double.isFinite(m.getValue()));
            }
            assertEquals(false, result.higherIsBetter(task, "mse").orElseThrow(), "regression mse: lower is better");
            assertEquals(result.primaryMetrics().get(task).metric(), written.getAsJsonObject("primary_metrics")
                    .getAsJsonObject(task).get("metric").getAsString());
            assertEquals(result.primaryTestMetric(task).orElseThrow(),
                    writtenTasks.getAsJsonObject(task).get(result.primaryMetrics().get(task).metric()).getAsDouble(), 0.0);
        }
        assertEquals(1, result.selectedEpoch());
        assertEquals(1, result.epochsCompleted());
        assertEquals(written.get("parameters").getAsLong(), result.parameters());
        assertTrue(result.parameters() > 0);
        assertEquals(1, result.history().size());
        EpochRecord epoch = result.history().get(0);
        assertEquals(1, epoch.epoch());
        assertEquals(4, epoch.steps(), "128 examples in batches of 32");
        assertEquals(result.tasks(), epoch.test(), "the selected epoch's test metrics are the result's");
        assertEquals(Map.of("t0", 0.5, "t1", 0.5).keySet(), epoch.weights().keySet());
        assertEquals("equal", result.config().get("weighting"));
        assertEquals(3L, result.provenance().seed().orElseThrow());
        assertTrue(result.provenance().framework().orElseThrow().startsWith("openmtl"));
        assertTrue(result.preference().isEmpty(), "equal weighting states no preference");
        assertTrue(result.section("selection").isPresent(), "untyped sections stay readable");

        // the file read back is the same record, and the record written back is the same file
        RunResult read = RunResult.read(out);
        assertEquals(result, sameJson(result, read));
        assertEquals(file(out.resolve("result.json")), JsonParser.parseString(read.toJsonText()));
    }

    @Test
    void resultFilesOfOtherShapesRoundTrip() throws Exception {
        // a preference (static weights), an adaptive architecture's structure and per-task selection
        Path pref = dir.resolve("static");
        RunResult withPreference = tiny(pref).weighting("static").key("weighting.static.weights", "3,1").build().run();
        assertEquals(0.75, withPreference.preference().get("t0"), 1e-12);
        assertEquals(0.25, withPreference.preference().get("t1"), 1e-12);
        assertEquals(file(pref.resolve("result.json")), JsonParser.parseString(RunResult.read(pref).toJsonText()));

        Path failed = dir.resolve("failed");
        Files.createDirectories(failed);
        String text = "{\"status\": \"failed\", \"reason\": \"the loss of task t0 is NaN at epoch 1, step 2\", \"tasks\": {},"
                + " \"validation\": {}, \"history\": [], \"config\": {\"seed\": \"1\"}, \"provenance\": {\"seed\": 1},"
                + " \"extra_section\": {\"kept\": [1, 2]}}";
        Files.writeString(failed.resolve("result.json"), text);
        RunResult f = RunResult.read(failed);
        assertEquals(RunResult.Status.FAILED, f.status());
        assertFalse(f.completed());
        assertTrue(f.reason().contains("NaN"));
        assertEquals(JsonParser.parseString("{\"kept\": [1, 2]}"), f.section("extra_section").orElseThrow());
        JsonObject back = JsonParser.parseString(f.toJsonText()).getAsJsonObject();
        for (String key : JsonParser.parseString(text).getAsJsonObject().keySet()) {
            assertEquals(JsonParser.parseString(text).getAsJsonObject().get(key), back.get(key), key);
        }
    }

    @Test
    void aSweepReturnsItsTrialsAndSummaryRows() {
        SweepResult sweep = mtl.sweep().key("dataset", "synthetic").key("dataset.synthetic.tasks", 2)
                .key("dataset.synthetic.train.examples", 64).key("dataset.synthetic.validation.examples", 16)
                .key("dataset.synthetic.test.examples", 16).key("epochs", 1).key("batch.size", 32).key("progress", "none")
                .key("checkpoint", false).axis("weighting", "equal", "uncertainty").seeds(1, 2).executor("inline")
                .outputDir(dir.resolve("sweep")).build().run();
        assertEquals(4, sweep.trials().size());
        assertEquals(2, sweep.summary().size());
        assertFalse(sweep.anyFailed());
        for (SweepResult.Trial t : sweep.trials()) {
            assertTrue(t.result().completed());
            assertEquals(t.point().get("weighting"), t.result().config().get("weighting"));
            assertEquals(t.point().get("seed"), t.result().config().get("seed"));
            assertEquals(RunResult.read(dir.resolve("sweep").resolve("trials").resolve(t.id())).tasks(), t.result().tasks());
        }
        for (SweepResult.SummaryRow row : sweep.summary()) {
            assertEquals(2, row.trials());
            SweepResult.MetricStats mse = row.tasks().get("t0").get("mse");
            double mean = sweep.trials().stream().filter(t -> t.point().get("weighting").equals(row.point().get("weighting")))
                    .mapToDouble(t -> t.result().testMetric("t0", "mse").orElseThrow()).average().orElseThrow();
            assertEquals(mean, mse.mean(), 1e-12);
            assertEquals(2, mse.n());
        }
        assertTrue(Files.isRegularFile(dir.resolve("sweep").resolve("report.html")));
    }

    /** The second result, after checking that both write the same JSON (records of JSON trees compare by tree). */
    private static RunResult sameJson(RunResult expected, RunResult actual) {
        assertEquals(expected.toJson(), actual.toJson());
        return actual;
    }
}
