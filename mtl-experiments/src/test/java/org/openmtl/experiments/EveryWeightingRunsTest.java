package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.core.plugin.PluginRegistry;
import org.openmtl.core.plugin.RegisteredPlugin;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.run.MtlRuntime;

/**
 * Every registered weighting trains through the command line and records, per epoch, the task
 * weights it used and the gradient cosines.
 */
class EveryWeightingRunsTest {

    @TempDir Path dir;

    static Stream<String> weightings() {
        List<String> names = MtlRuntime.discover(Path.of("no-plugins-dir")).registry().names(PluginKind.WEIGHTING);
        assertTrue(names.size() >= 18, "expected every built-in weighting, found " + names);
        return names.stream();
    }

    /**
     * The default architecture, or for a weighting that draws a preference per step (it trains
     * only a network that reads one) the first registered architecture whose network does.
     */
    private static String architectureFor(String weighting) {
        PluginRegistry registry = MtlRuntime.discover(Path.of("no-plugins-dir")).registry();
        RegisteredPlugin w = registry.require(PluginKind.WEIGHTING, weighting);
        if (!((Weighting) w.factory().create(PluginConfigs.of(w.descriptor(), Map.of(), 1))).drawsPreferences()) {
            return "hard-sharing";
        }
        for (RegisteredPlugin a : registry.plugins(PluginKind.ARCHITECTURE)) {
            if (((Architecture) a.factory().create(PluginConfigs.of(a.descriptor(), Map.of(), 1))).conditionedOnPreference()) {
                return a.descriptor().name();
            }
        }
        throw new AssertionError("no architecture reads a preference for weighting " + weighting);
    }

    @ParameterizedTest
    @MethodSource("weightings")
    void completesAnEpochAndRecordsWeightsAndCosines(String weighting) throws Exception {
        Path out = dir.resolve(weighting);
        Cli.Outcome o = Cli.run("run", "dataset=synthetic", "dataset.synthetic.tasks=3", "dataset.synthetic.train.examples=256",
                "dataset.synthetic.validation.examples=64", "dataset.synthetic.test.examples=64", "weighting=" + weighting,
                "architecture=" + architectureFor(weighting), "epochs=2", "batch.size=32", "progress=none",
                "output.dir=" + out);
        assertEquals(0, o.exitCode(), weighting + ": " + o.out() + o.err());
        JsonObject result = ResultFiles.readJson(out.resolve("result.json")).getAsJsonObject();
        assertEquals("completed", result.get("status").getAsString());
        JsonArray history = result.getAsJsonArray("history");
        for (int e = 0; e < history.size(); e++) {
            JsonObject epoch = history.get(e).getAsJsonObject();
            assertEquals(3, epoch.getAsJsonObject("weights").size(), weighting + " weights in epoch " + (e + 1));
            assertEquals(3, epoch.getAsJsonObject("gradients").getAsJsonObject("cosine").size(), weighting + " cosines");
        }
    }
}
