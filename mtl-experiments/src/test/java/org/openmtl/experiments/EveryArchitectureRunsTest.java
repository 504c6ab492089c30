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
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.RepresentationGradients;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.core.plugin.RegisteredPlugin;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.run.MtlRuntime;

/**
 * Every registered architecture trains end to end under the three kinds of weighting (losses only,
 * representation gradients, shared-parameter gradients), and the loss goes down; an architecture
 * whose representation gradients do not stand for its shared parameters' refuses the
 * representation-gradient weighting instead (exit 2). A preference-conditioned architecture trains
 * with a weighting that draws a preference per step ({@code cosmos}) and refuses the others (exit
 * 2); that weighting is refused on every other architecture.
 */
class EveryArchitectureRunsTest {

    @TempDir Path dir;

    static Stream<Arguments> cases() {
        List<String> names = MtlRuntime.discover(Path.of("no-plugins-dir")).registry().names(PluginKind.ARCHITECTURE);
        assertTrue(names.size() >= 7, "expected every built-in architecture, found " + names);
        return names.stream().flatMap(a -> Stream.of("equal", "mgda-ub", "pcgrad", "cosmos").map(w -> Arguments.of(a, w)));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("cases")
    void trainsAndLowersTheLoss(String architecture, String weighting) throws Exception {
        Path out = dir.resolve(architecture + "-" + weighting);
        RegisteredPlugin plugin = MtlRuntime.discover(Path.of("no-plugins-dir")).registry()
                .require(PluginKind.ARCHITECTURE, architecture);
        Architecture created = (Architecture) plugin.factory().create(PluginConfigs.of(plugin.descriptor(), Map.of(), 1));
        boolean faithful = created.representationGradients() == RepresentationGradients.FAITHFUL;
        boolean conditioned = created.conditionedOnPreference();
        Cli.Outcome o = Cli.run("run", "dataset=synthetic", "dataset.synthetic.tasks=3", "dataset.synthetic.train.examples=256",
                "dataset.synthetic.validation.examples=64", "dataset.synthetic.test.examples=64",
                "architecture=" + architecture, "weighting=" + weighting, "optimizer.adam.lr=0.01",
                "epochs=3", "batch.size=32", "progress=none", "checkpoint=false", "output.dir=" + out);
        if (conditioned != weighting.equals("cosmos")) {
            assertEquals(2, o.exitCode(), architecture + "/" + weighting + ": " + o.out() + o.err());
            assertTrue(o.err().contains("architecture '" + architecture + "'") && o.err().contains("weighting '" + weighting + "'"),
                    o.err());
            return;
        }
        if (!faithful && weighting.equals("mgda-ub")) {
            assertEquals(2, o.exitCode(), architecture + "/" + weighting + ": " + o.out() + o.err());
            return;
        }
        assertEquals(0, o.exitCode(), architecture + "/" + weighting + ": " + o.out() + o.err());
        JsonObject result = ResultFiles.readJson(out.resolve("result.json")).getAsJsonObject();
        assertEquals("completed", result.get("status").getAsString());
        JsonArray history = result.getAsJsonArray("history");
        double first = history.get(0).getAsJsonObject().getAsJsonObject("train").getAsJsonObject("t0").get("loss").getAsDouble();
        double last = history.get(2).getAsJsonObject().getAsJsonObject("train").getAsJsonObject("t0").get("loss").getAsDouble();
        assertTrue(last < first, architecture + "/" + weighting + ": training loss of t0 " + first + " -> " + last);
    }
}
