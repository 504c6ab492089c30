package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.core.plugin.RegisteredPlugin;
import org.openmtl.core.run.MtlRuntime;

/**
 * Every registered plugin has its page, {@code docs/methods/<kind>/<name>.md}, that page names
 * every one of its keys, and the index links it.
 */
class MethodPagesTest {

    private static final Path METHODS = Path.of("..", "docs", "methods");

    @Test
    void everyPluginHasAPageNamingEveryKeyAndTheIndexLinksIt() throws IOException {
        MtlRuntime mtl = MtlRuntime.discover(Path.of("no-plugins-dir"));
        String index = Files.readString(METHODS.resolve("README.md"));
        List<String> problems = new ArrayList<>();
        for (PluginKind kind : PluginKind.values()) {
            for (RegisteredPlugin plugin : mtl.registry().plugins(kind)) {
                PluginDescriptor d = plugin.descriptor();
                String relative = kind.configName() + "/" + d.name() + ".md";
                Path page = METHODS.resolve(relative);
                if (!Files.isRegularFile(page)) {
                    problems.add("no page " + page + " for " + kind.configName() + " " + d.name());
                    continue;
                }
                String text = Files.readString(page);
                for (ConfigKey key : d.keys()) {
                    String full = d.keyPrefix() + key.name();
                    if (!text.contains(full)) {
                        problems.add(page + " does not name its key " + full);
                    }
                }
                if (!index.contains("(" + relative + ")")) {
                    problems.add("docs/methods/README.md does not link " + relative);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
