package org.openmtl.core.adapt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.transfer.TransferRunner;

/**
 * The frozen-trunk probe that {@code ./mtl adapt} (frozen mode) and {@code ./mtl transfer} (every
 * readout) share gives, bit for bit, the numbers both commands gave before it was one class: a
 * tiny fixed adaptation (its fine-tune and scratch modes too, which share the probe's training
 * loop) and a tiny fixed transfer matrix, one engine thread, against numbers recorded with the
 * code of commit da04147, when each command still held its own copy of the frozen branch
 * ({@code frozen-probe/expected.json}). Every number is compared exactly: a difference is a
 * change of behaviour, never noise. On a mismatch the numbers of this run are in
 * {@code target/frozen-probe-actual.json}.
 */
class FrozenProbeTest {

    @TempDir Path dir;

    @Test
    void adaptAndTransferGiveTheNumbersTheyGaveBeforeTheProbeWasShared() throws IOException {
        MtlRuntime mtl = MtlRuntime.discover(Path.of("no-plugins-dir"));
        Path run = AdaptFixtures.trainRun(mtl, dir.resolve("run"), "threads=1");
        Map<String, Object> actual = new LinkedHashMap<>();
        actual.put("adapt", adaptNumbers(mtl, run));
        actual.put("transfer", transferNumbers(mtl));

        Gson gson = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeSpecialFloatingPointValues().create();
        String actualJson = gson.toJson(actual);
        Path target = Path.of("target");
        if (Files.isDirectory(target)) {
            Files.writeString(target.resolve("frozen-probe-actual.json"), actualJson);
        }
        String expectedJson;
        try (InputStream in = FrozenProbeTest.class.getResourceAsStream("/frozen-probe/expected.json")) {
            assertTrue(in != null, "the recorded numbers frozen-probe/expected.json are on the test class path");
            expectedJson = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // both through the same parser, so that each number is one double on both sides
        Object expected = gson.fromJson(expectedJson, Object.class);
        Object measured = gson.fromJson(actualJson, Object.class);
        assertEquals(expected, measured, "the frozen probe's numbers changed; this run's are in target/frozen-probe-actual.json");
    }

    /**
     * Adaptation of the fixture run to t2: every (k, draw, mode)'s test metrics and curve. The
     * trunk modes are in too: their training loop is the probe's ({@link StepLoop}).
     */
    @SuppressWarnings("unchecked")
    private Map<String, Object> adaptNumbers(MtlRuntime mtl, Path run) throws IOException {
        List<String> overrides = List.of("adapt.from=" + run, "adapt.task=t2", "adapt.k=1,4", "adapt.draws=2",
                "adapt.steps=6", "adapt.eval.every=3", "adapt.eval.examples=40", "adapt.batch.size=8", "adapt.target=0.5",
                "adapt.modes=frozen,fine-tune,scratch", "adapt.probe=mlp", "adapt.probe.hidden=5", "threads=1", "progress=none",
                "output.dir=" + dir.resolve("adapt"));
        new Adaptation(mtl).run(ConfigSource.load(null, overrides), "./mtl adapt (test)");
        Map<String, Object> result = read(dir.resolve("adapt/adapt.json"));
        List<Map<String, Object>> numbers = new ArrayList<>();
        for (Map<String, Object> e : (List<Map<String, Object>>) result.get("entries")) {
            Map<String, Object> n = new LinkedHashMap<>();
            for (String field : List.of("k", "draw", "mode", "test", "curve", "steps_to_target")) {
                n.put(field, e.get(field));
            }
            numbers.add(n);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("representation_width", result.get("representation_width"));
        out.put("entries", numbers);
        return out;
    }

    /** A transfer matrix over t0 and t1 (inline trials): each readout's loss, metrics and test losses. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> transferNumbers(MtlRuntime mtl) throws IOException {
        List<String> overrides = new ArrayList<>(AdaptFixtures.DATASET);
        overrides.addAll(List.of("tasks=t0,t1", "architecture=hard-sharing", "epochs=1", "batch.size=32",
                "diagnostics.gradients=false", "checkpoint=false", "executor=inline", "transfer.steps=5",
                "transfer.batch.size=16", "output.dir=" + dir.resolve("transfer")));
        new TransferRunner(mtl).run(ConfigSource.load(null, overrides), "none");
        Map<String, Object> transfer = read(dir.resolve("transfer/transfer.json"));
        Map<String, Object> readouts = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir.resolve("transfer/readouts"))) {
            for (Path r : files.filter(f -> f.getFileName().toString().equals("result.json")).toList()) {
                Map<String, Object> result = read(r);
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("final_train_loss", result.get("final_train_loss"));
                n.put("tasks", result.get("tasks"));
                n.put("representation_width", result.get("representation_width"));
                n.put("test_losses", read(r.resolveSibling("test_losses.json")).get("losses"));
                readouts.put(result.get("source") + "->" + result.get("target"), n);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("raw", transfer.get("raw"));
        out.put("normalized", transfer.get("normalized"));
        out.put("readouts", readouts);
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Path file) throws IOException {
        return new Gson().fromJson(ResultFiles.readJson(file), Map.class);
    }
}
