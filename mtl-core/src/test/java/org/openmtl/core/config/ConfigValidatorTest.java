package org.openmtl.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.core.plugin.PluginRegistry;
import org.openmtl.core.plugin.RegisteredPlugin;

class ConfigValidatorTest {

    @TempDir Path dir;

    /** A registry with one plugin of each kind (named like the defaults) and one extra weighting. */
    static PluginRegistry registry() {
        List<RegisteredPlugin> plugins = new java.util.ArrayList<>();
        plugins.add(plugin(PluginKind.DATASET, "multimnist"));
        plugins.add(plugin(PluginKind.DATASET, "synthetic", ConfigKey.integer("tasks", 4, 1, 64, "Number of tasks.")));
        plugins.add(plugin(PluginKind.ARCHITECTURE, "hard-sharing"));
        plugins.add(plugin(PluginKind.WEIGHTING, "equal"));
        plugins.add(plugin(PluginKind.WEIGHTING, "static",
                ConfigKey.numbers("weights", "", "Fixed task weights."),
                ConfigKey.choice("mode", "explicit", "Where weights come from.", "explicit", "proportional")));
        plugins.add(plugin(PluginKind.SELECTOR, "all"));
        plugins.add(plugin(PluginKind.OPTIMIZER, "adam", ConfigKey.number("lr", 1e-3, 0.0, 10.0, "Learning rate.")));
        return PluginRegistry.of(plugins);
    }

    static RegisteredPlugin plugin(PluginKind kind, String name, ConfigKey... keys) {
        PluginDescriptor d = PluginDescriptor.builder(kind, name).setDescription("test " + name).addKeys(keys).build();
        PluginFactory<Object> factory = new PluginFactory<>() {
            @Override
            public PluginDescriptor descriptor() {
                return d;
            }

            @Override
            public Object create(PluginConfig config) {
                return null;
            }
        };
        return new RegisteredPlugin(d, factory, "test.jar");
    }

    private RunConfig validate(Path file, String... overrides) {
        return new ConfigValidator(registry()).validate(ConfigSource.load(file, List.of(overrides)));
    }

    @Test
    void defaultsApplyWhenNothingIsSet() {
        RunConfig c = validate(null);
        assertEquals(1L, c.seed());
        assertEquals(10, c.epochs());
        assertEquals(256, c.batchSize());
        assertEquals("hard-sharing", c.pluginName(PluginKind.ARCHITECTURE));
        assertEquals(1e-3, c.pluginConfig(PluginKind.OPTIMIZER).getDouble("lr"), 0);
    }

    @Test
    void overridesBeatTheFileWhichBeatsDefaults() throws Exception {
        Path file = dir.resolve("run.properties");
        Files.writeString(file, "epochs = 3\nseed = 7\noptimizer.adam.lr = 0.01\n");
        RunConfig c = validate(file, "seed=9");
        assertEquals(3, c.epochs());
        assertEquals(9L, c.seed());
        assertEquals(0.01, c.pluginConfig(PluginKind.OPTIMIZER).getDouble("lr"), 0);
        assertEquals("9", c.resolved().get("seed"));
    }

    @Test
    void yamlNestedAndDottedKeysAndListsAreRead() throws Exception {
        Path file = dir.resolve("run.yaml");
        Files.writeString(file, "epochs: 4\nbatch.size: 32\nweighting: static\nweighting.static:\n  weights: [1, 2.5]\n"
                + "optimizer:\n  adam:\n    lr: 0.002\n");
        RunConfig c = validate(file);
        assertEquals(4, c.epochs());
        assertEquals(32, c.batchSize());
        assertEquals(List.of(1.0, 2.5), c.pluginConfig(PluginKind.WEIGHTING).getDoubleList("weights"));
        assertEquals(0.002, c.pluginConfig(PluginKind.OPTIMIZER).getDouble("lr"), 0);
    }

    @Test
    void anUnknownKeyIsNamedWithTheClosestKnownKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> validate(null, "epocs=3"));
        assertTrue(e.getMessage().contains("'epocs'"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean 'epochs'"), e.getMessage());
        ConfigException e2 = assertThrows(ConfigException.class, () -> validate(null, "nosuch.key=1"));
        assertTrue(e2.getMessage().contains("'nosuch.key'"), e2.getMessage());
        ConfigException e3 = assertThrows(ConfigException.class, () -> validate(null, "optimizer.adam.lrr=1"));
        assertTrue(e3.getMessage().contains("did you mean 'optimizer.adam.lr'"), e3.getMessage());
    }

    @Test
    void anUnknownKeyInAFileNamesTheFileAndLine() throws Exception {
        Path file = dir.resolve("run.properties");
        Files.writeString(file, "# comment\nepochs = 3\nbatchsize = 7\n");
        ConfigException e = assertThrows(ConfigException.class, () -> validate(file));
        assertTrue(e.getMessage().contains("run.properties line 3"), e.getMessage());
        assertTrue(e.getMessage().contains("batch.size"), e.getMessage());
    }

    @Test
    void wrongTypesAndRangesNameTheKeyAndWhatWasExpected() {
        ConfigException type = assertThrows(ConfigException.class, () -> validate(null, "epochs=many"));
        assertTrue(type.getMessage().startsWith("epochs: 'many' is not valid; expected integer"), type.getMessage());
        ConfigException range = assertThrows(ConfigException.class, () -> validate(null, "epochs=0"));
        assertTrue(range.getMessage().contains("out of range") && range.getMessage().contains("[1, 100000]"), range.getMessage());
        ConfigException plugin = assertThrows(ConfigException.class, () -> validate(null, "optimizer.adam.lr=-1"));
        assertTrue(plugin.getMessage().startsWith("optimizer.adam.lr:"), plugin.getMessage());
        ConfigException choice = assertThrows(ConfigException.class, () -> validate(null, "selection=best"));
        assertTrue(choice.getMessage().contains("best-validation, last"), choice.getMessage());
        ConfigException notChosen = assertThrows(ConfigException.class, () -> validate(null, "dataset.synthetic.tasks=x"));
        assertTrue(notChosen.getMessage().startsWith("dataset.synthetic.tasks:"), notChosen.getMessage());
    }

    @Test
    void anUnknownPluginNameListsTheAvailableOnes() {
        ConfigException e = assertThrows(ConfigException.class, () -> validate(null, "weighting=nosuch"));
        assertTrue(e.getMessage().contains("no weighting plugin is named 'nosuch'"), e.getMessage());
        assertTrue(e.getMessage().contains("available: equal, static"), e.getMessage());
    }

    @Test
    void malformedInputIsReported() throws Exception {
        assertThrows(ConfigException.class, () -> validate(null, "epochs"));
        assertThrows(ConfigException.class, () -> validate(dir.resolve("missing.properties")));
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "epochs: [1\n");
        ConfigException e = assertThrows(ConfigException.class, () -> validate(bad));
        assertTrue(e.getMessage().contains("bad.yaml"), e.getMessage());
        Path txt = dir.resolve("run.txt");
        Files.writeString(txt, "epochs=1\n");
        assertThrows(ConfigException.class, () -> validate(txt));
    }

    @Test
    void pluginSeedsDifferByKindAndFollowTheMasterSeed() {
        long a = ConfigValidator.pluginSeed(1, PluginKind.SELECTOR);
        assertEquals(a, ConfigValidator.pluginSeed(1, PluginKind.SELECTOR));
        assertTrue(a != ConfigValidator.pluginSeed(1, PluginKind.WEIGHTING));
        assertTrue(a != ConfigValidator.pluginSeed(2, PluginKind.SELECTOR));
    }

    @Test
    void keySuggestionsUseEditDistance() {
        assertEquals(1, KeySuggestions.distance("epoch", "epochs"));
        assertEquals(3, KeySuggestions.distance("kitten", "sitting"));
        assertEquals(java.util.Optional.empty(), KeySuggestions.closest("completely.different.thing", List.of("seed")));
    }
}
