package org.openmtl.core.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.cli.Main;
import org.openmtl.core.config.ConfigException;

/**
 * The builders validate exactly as the command line does: the same exception type the command
 * line maps to exit code 2, with the very message it prints, and nothing written.
 */
class RunBuilderValidationTest {

    @TempDir Path dir;

    private final Mtl mtl = Mtl.builder().pluginsDirectory(Path.of("no-plugins-dir")).build();

    /** The builder's exception next to what {@code ./mtl run} prints for the same values. */
    private void sameAsCommandLine(UnaryOperator<Run.Builder> configure, String expectedFragment) {
        Run.Builder builder = configure.apply(mtl.run().dataset("synthetic").outputDir(dir.resolve("out")));
        ConfigException e = assertThrows(ConfigException.class, builder::build);
        assertTrue(e.getMessage().contains(expectedFragment), e.getMessage());

        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(builder.overrides());
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int code;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            code = Main.execute(args.toArray(String[]::new));
        } finally {
            System.setErr(err);
        }
        assertEquals(Main.BAD_INPUT, code);
        assertEquals("error: " + e.getMessage(), captured.toString(StandardCharsets.UTF_8).strip());
        assertFalse(Files.exists(dir.resolve("out")), "nothing is written for a configuration that fails validation");
    }

    @Test
    void anUnknownKeyFailsWithTheCommandLinesMessage() {
        sameAsCommandLine(b -> b.weighting("equal").key("weighting.equal.no-such-key", 1), "weighting.equal.no-such-key");
    }

    @Test
    void aBadValueFailsWithTheCommandLinesMessage() {
        sameAsCommandLine(b -> b.key("epochs", "many"), "epochs");
        sameAsCommandLine(b -> b.epochs(-3), "epochs");
    }

    @Test
    void anUnknownPluginFailsWithTheCommandLinesMessageListingTheAvailableOnes() {
        sameAsCommandLine(b -> b.weighting("no-such-weighting"), "no weighting plugin is named 'no-such-weighting'");
        ConfigException e = assertThrows(ConfigException.class, () -> mtl.run().weighting("no-such-weighting").build());
        assertTrue(e.getMessage().contains("equal"), "lists the available weightings: " + e.getMessage());
    }

    @Test
    void aValidRunResolvesEveryKeyWithItsDefault() {
        Run run = mtl.run().dataset("synthetic").weighting("equal").key("dataset.synthetic.tasks", 3).epochs(2).seed(7)
                .outputDir(dir).build();
        assertEquals(2, run.config().epochs());
        assertEquals(7, run.config().seed());
        assertEquals("3", run.config().resolved().get("dataset.synthetic.tasks"));
        assertEquals("equal", run.config().resolved().get("weighting"));
        assertTrue(run.config().resolved().containsKey("batch.size"), "defaults are resolved too");
    }

    @Test
    void aBuilderWithoutAFrameworkDiscoversThePluginsOfItsPluginsDirectory() {
        Run run = Run.builder().dataset("synthetic").weighting("pcgrad").key("plugins.dir", dir.resolve("no-jars"))
                .outputDir(dir.resolve("out")).build();
        assertEquals("pcgrad", run.config().resolved().get("weighting"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> Run.builder().key("plugins.dir", dir.resolve("no-jars")).weighting("no-such-weighting").build());
        assertTrue(e.getMessage().contains("no weighting plugin is named 'no-such-weighting'"), e.getMessage());
    }

    @Test
    void aSweepValidatesEveryTrialOfItsGridBeforeAnythingRuns() {
        ConfigException e = assertThrows(ConfigException.class, () -> mtl.sweep().key("dataset", "synthetic")
                .axis("weighting", "equal", "no-such-weighting").executor("inline").outputDir(dir.resolve("sweep")).build());
        assertTrue(e.getMessage().contains("no weighting plugin is named 'no-such-weighting'"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("sweep")));
    }
}
