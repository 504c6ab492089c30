package org.openmtl.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Named budgets: {@code budgets.<name>.<key>} bundles picked by {@code budget=<name>}. */
class ConfigBudgetTest {

    private static final String STUDY = """
            epochs: 10
            optimizer.adam.lr: 0.001
            output.dir: runs/study
            budgets:
              paper:
                epochs: 100
                optimizer.adam.gamma: 0.85
                output.dir: runs/study-paper
              quick:
                epochs: 1
            """;

    @TempDir Path dir;

    private Path study() throws Exception {
        Path file = dir.resolve("study.yaml");
        Files.writeString(file, STUDY);
        return file;
    }

    @Test
    void withoutABudgetTheFileIsTakenAsWrittenAndTheDefinitionsLeaveNoKeys() throws Exception {
        ConfigSource source = ConfigSource.load(study(), List.of());
        assertEquals(List.of("paper", "quick"), source.budgets());
        Map<String, String> values = source.values();
        assertEquals("10", values.get("epochs"));
        assertEquals("runs/study", values.get("output.dir"));
        assertFalse(values.keySet().stream().anyMatch(k -> k.startsWith("budget")), values.toString());
    }

    @Test
    void aBudgetOverridesTheFileButNotTheCommandLine() throws Exception {
        ConfigSource source = ConfigSource.load(study(), List.of("budget=paper", "optimizer.adam.gamma=0.5"));
        Map<String, String> values = source.values();
        assertEquals("100", values.get("epochs"));
        assertEquals("runs/study-paper", values.get("output.dir"));
        assertEquals("0.5", values.get("optimizer.adam.gamma"), "the command line wins over the budget");
        assertEquals("0.001", values.get("optimizer.adam.lr"), "keys the budget does not set keep the file's value");
        assertFalse(values.containsKey("budget"));
        assertFalse(values.keySet().stream().anyMatch(k -> k.startsWith("budgets.")), values.toString());
        assertTrue(source.origin("epochs").contains("budget 'paper'"), source.origin("epochs"));
    }

    @Test
    void anUnknownBudgetNamesTheKeyAndTheDefinedOnes() throws Exception {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigSource.load(study(), List.of("budget=papr")));
        assertTrue(e.getMessage().startsWith("budget: no budget is named 'papr'"), e.getMessage());
        assertTrue(e.getMessage().contains("defined: paper, quick"), e.getMessage());

        ConfigException none = assertThrows(ConfigException.class,
                () -> ConfigSource.load(null, List.of("budget=paper")));
        assertTrue(none.getMessage().contains("defines none"), none.getMessage());
    }

    @Test
    void aBudgetDefinitionWithoutAKeyIsRefused() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "epochs: 3\nbudgets.paper: 100\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigSource.load(file, List.of()));
        assertTrue(e.getMessage().startsWith("budgets.paper: a budget key is budgets.<name>.<key>"), e.getMessage());
    }
}
