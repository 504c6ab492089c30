package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.core.adapt.AdaptSettings;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.sweep.SweepRunner;

/**
 * Every config and study committed under {@code configs/} and {@code studies/} is valid: each of
 * its trials resolves against the registered plugins (names, keys, types, ranges), so the commands
 * the docs give for reproducing a table do not fail on a typo; so does each of its named budgets.
 * Nothing is trained.
 */
class CommittedConfigsTest {

    @TempDir Path dir;

    static Stream<Path> committed() throws IOException {
        List<Path> files = new ArrayList<>();
        for (String folder : List.of("configs", "studies")) {
            try (Stream<Path> list = Files.list(Path.of(folder))) {
                list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".properties"))
                        .sorted().forEach(files::add);
            }
        }
        return files.stream();
    }

    @ParameterizedTest
    @MethodSource("committed")
    void everyTrialResolves(Path file) {
        ConfigSource plain = ConfigSource.load(file, List.of());
        resolves(file, plain);
        // and so does every named budget the file defines (e.g. budget=paper)
        for (String budget : plain.budgets()) {
            resolves(file, ConfigSource.load(file, List.of("budget=" + budget)));
        }
    }

    private void resolves(Path file, ConfigSource source) {
        if (source.values().keySet().stream().anyMatch(k -> k.startsWith("adapt."))) {
            // an ./mtl adapt config: its keys and values are checked here, its run on the command line
            AdaptSettings.parse(ConfigSource.of(withFrom(source.values())));
            return;
        }
        Map<String, String> values = new LinkedHashMap<>(source.values());
        // ./mtl group's own keys are not run keys
        RunKeys.groupingKeys().forEach(k -> values.remove(k.name()));
        // nor are ./mtl transfer's and ./mtl weak's: their values are checked here, the rest is the
        // run config of the encoders or of the end model
        for (ConfigKey key : Stream.concat(RunKeys.transferKeys().stream(), RunKeys.weakKeys().stream()).toList()) {
            String raw = values.remove(key.name());
            if (raw != null) {
                try {
                    PluginConfigs.parse(key.name(), key, raw);
                } catch (PluginConfigException e) {
                    fail(file + ": " + e.getMessage());
                }
            }
        }
        RunKeys.sweepKeys().forEach(k -> values.remove(k.name()));
        MtlRuntime mtl = MtlRuntime.discover(dir.resolve("no-plugins"));
        List<SweepRunner.ResolvedTrial> trials = new SweepRunner(mtl).resolve(ConfigSource.of(values), dir.resolve("out"));
        assertFalse(trials.isEmpty(), file.toString());
    }

    /** An adapt config names its run on the command line (adapt.from); any path stands in for it. */
    private static Map<String, String> withFrom(Map<String, String> values) {
        Map<String, String> complete = new LinkedHashMap<>(values);
        complete.putIfAbsent("adapt.from", "runs/some-run");
        return complete;
    }
}
