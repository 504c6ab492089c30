package org.openmtl.core.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.core.config.DirectoryChecks;
import org.openmtl.core.plugin.RegisteredPlugin;
import org.openmtl.core.run.MtlRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./mtl plugins [--verbose]}: the discovered plugins. */
@Command(name = "plugins", description = "List the discovered plugins: one line '<kind> <name>' each.")
final class PluginsCommand implements Callable<Integer> {

    @Option(names = {"-v", "--verbose"}, description = "Also show description, citation, config keys and origin.")
    boolean verbose;

    @Option(names = "--reference", description = "Print the configuration reference (docs/configuration.md) as Markdown.")
    boolean reference;

    @Option(names = "--plugins-dir", description = "Directory of extra plugin jars (default: ${DEFAULT-VALUE}).")
    Path pluginsDir = Path.of("plugins");

    @Override
    public Integer call() {
        DirectoryChecks.readable("--plugins-dir", pluginsDir);
        MtlRuntime mtl = MtlRuntime.discover(pluginsDir);
        if (reference) {
            System.out.print(org.openmtl.core.config.ConfigReference.markdown(mtl.registry()));
            return Main.OK;
        }
        for (RegisteredPlugin p : mtl.registry().plugins()) {
            PluginDescriptor d = p.descriptor();
            System.out.println(d.kind().configName() + " " + d.name());
            if (verbose) {
                System.out.println("    " + d.description());
                if (!d.citation().isBlank()) {
                    System.out.println("    citation: " + d.citation());
                }
                System.out.println("    from: " + p.origin() + " (SPI " + d.apiVersion() + ")");
                for (ConfigKey k : d.keys()) {
                    System.out.println("    " + d.keyPrefix() + k.name() + " = " + (k.defaultValue().isEmpty() ? "(unset)" : k.defaultValue())
                            + "  [" + k.expected() + "]  " + k.description());
                }
            }
        }
        return Main.OK;
    }
}
