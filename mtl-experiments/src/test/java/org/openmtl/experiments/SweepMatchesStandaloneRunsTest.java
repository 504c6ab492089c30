package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.result.ResultFiles;

/**
 * The determinism invariant: with {@code threads.per.trial} fixed, every trial of a sweep run on
 * two worker JVMs side by side gives bit-identical test metrics, validation metrics and per-epoch
 * history to {@code ./mtl run} of its resolved configuration in a JVM of its own. Six trials of
 * different architectures and weightings on real MultiMNIST digits (convolutions included, where
 * the engine's allocations used to decide whether a run ended in NaN). Only wall-clock fields
 * (seconds, ms per step) may differ.
 */
class SweepMatchesStandaloneRunsTest {

    static final Path DATA = TestMnist.DATA;

    /** History fields that measure time, not the computation. */
    private static final Set<String> TIMING = Set.of("seconds", "ms_per_step");

    /** Config keys that say where things go, not what is computed. */
    private static final Set<String> PLACES = Set.of("output.dir", "progress");

    @TempDir Path dir;

    @BeforeAll
    static void fetchMnist() {
        TestMnist.fetch();
    }

    @Test
    void everyTrialOfATwoWorkerSweepEqualsItsStandaloneRunBitForBit() throws Exception {
        Path sweep = dir.resolve("sweep");
        Cli.Outcome o = Cli.run("sweep", "dataset=multimnist", "dataset.train.limit=768", "epochs=2", "batch.size=128",
                "sweep.architecture=hard-sharing, cross-stitch, mtan", "sweep.weighting=equal, mgda",
                "workers=2", "threads.per.trial=1", "retries=0", "progress=none", "data.dir=" + DATA,
                "output.dir=" + sweep);
        assertEquals(0, o.exitCode(), o.out() + o.err());

        List<Path> trials;
        try (Stream<Path> list = Files.list(sweep.resolve("trials"))) {
            trials = list.filter(p -> Files.isRegularFile(p.resolve("result.json"))).sorted().toList();
        }
        assertEquals(6, trials.size(), "3 architectures x 2 weightings");
        for (Path trial : trials) {
            JsonObject fromSweep = ResultFiles.readJson(trial.resolve("result.json")).getAsJsonObject();
            assertEquals("completed", fromSweep.get("status").getAsString(), trial + ": " + fromSweep.get("reason"));
            JsonObject config = fromSweep.getAsJsonObject("config");
            List<String> overrides = new ArrayList<>(List.of("run"));
            for (Map.Entry<String, JsonElement> e : config.entrySet()) {
                if (!PLACES.contains(e.getKey())) {
                    overrides.add(e.getKey() + "=" + e.getValue().getAsString());
                }
            }
            assertEquals("1", config.get("threads").getAsString(), "the sweep sets each trial's threads");
            Path alone = dir.resolve("alone-" + trial.getFileName());
            overrides.add("progress=none");
            overrides.add("output.dir=" + alone);
            Cli.Outcome run = Cli.run(overrides.toArray(String[]::new));
            assertEquals(0, run.exitCode(), run.out() + run.err());
            JsonObject standalone = ResultFiles.readJson(alone.resolve("result.json")).getAsJsonObject();

            String what = config.get("architecture").getAsString() + " + " + config.get("weighting").getAsString();
            assertEquals(fromSweep.get("tasks"), standalone.get("tasks"), what + ": test metrics");
            assertEquals(fromSweep.get("validation"), standalone.get("validation"), what + ": validation metrics");
            assertEquals(fromSweep.get("selected_epoch"), standalone.get("selected_epoch"), what + ": selected epoch");
            JsonArray a = withoutTiming(fromSweep.getAsJsonArray("history"));
            JsonArray b = withoutTiming(standalone.getAsJsonArray("history"));
            assertEquals(2, a.size(), what + ": two epochs");
            assertEquals(a, b, what + ": per-epoch history");
            assertTrue(a.toString().contains("\"loss\""), what + ": the history holds training losses");
        }
    }

    private static JsonArray withoutTiming(JsonArray history) {
        JsonArray out = new JsonArray();
        for (JsonElement epoch : history) {
            JsonObject copy = epoch.getAsJsonObject().deepCopy();
            TIMING.forEach(copy::remove);
            out.add(copy);
        }
        return out;
    }
}
