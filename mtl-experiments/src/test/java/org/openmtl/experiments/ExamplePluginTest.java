package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.result.ResultFiles;

/**
 * The example third-party plugin project ({@code examples/plugin-example}), built to a jar from its
 * sources against the SPI, dropped into a plugins directory, listed by {@code ./mtl plugins} and
 * used by name in a run.
 */
class ExamplePluginTest {

    private static final Path EXAMPLE = Path.of("..", "examples", "plugin-example", "src", "main");

    @TempDir Path dir;

    /** Compiles the example's sources and packs them with its resources, as `mvn package` would. */
    private Path buildJar() throws IOException {
        return ExampleJars.build(EXAMPLE, dir.resolve("classes"), dir.resolve("plugins").resolve("mtl-plugin-example.jar"));
    }

    @Test
    void theExamplePluginsAreListedAndRunByName() throws Exception {
        Path jar = buildJar();
        Path plugins = jar.getParent();
        Cli.Outcome listed = Cli.run("plugins", "--plugins-dir", plugins.toString());
        assertEquals(0, listed.exitCode(), listed.err());
        assertTrue(listed.out().lines().toList().containsAll(List.of("weighting inverse-loss", "selector blockwise")),
                listed.out());
        Cli.Outcome verbose = Cli.run("plugins", "--plugins-dir", plugins.toString(), "--verbose");
        assertTrue(verbose.out().contains("weighting.inverse-loss.power = 1.0") && verbose.out().contains(jar.toString()),
                verbose.out());

        Path out = dir.resolve("run");
        Cli.Outcome run = Cli.run("run", "plugins.dir=" + plugins, "dataset=synthetic", "dataset.synthetic.tasks=3",
                "dataset.synthetic.train.examples=192", "dataset.synthetic.validation.examples=64",
                "dataset.synthetic.test.examples=64", "weighting=inverse-loss", "selector=blockwise", "epochs=2",
                "batch.size=32", "progress=none", "output.dir=" + out);
        assertEquals(0, run.exitCode(), run.out() + run.err());
        JsonObject result = ResultFiles.readJson(out.resolve("result.json")).getAsJsonObject();
        assertEquals("completed", result.get("status").getAsString());
        JsonObject plugin = result.getAsJsonObject("provenance").getAsJsonObject("plugins");
        assertTrue(plugin.get("weighting").getAsString().contains("mtl-plugin-example.jar"), plugin.toString());
        assertTrue(plugin.get("selector").getAsString().contains("mtl-plugin-example.jar"), plugin.toString());
        // blockwise: 3 tasks × ceil(192 / 32) steps per epoch
        assertEquals(18, result.getAsJsonArray("history").get(0).getAsJsonObject().get("steps").getAsInt());
    }
}
