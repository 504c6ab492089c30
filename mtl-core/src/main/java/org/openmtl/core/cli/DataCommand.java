package org.openmtl.core.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openmtl.api.data.DataSource;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.DirectoryChecks;
import org.openmtl.core.plugin.RegisteredPlugin;
import org.openmtl.core.run.MtlRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./mtl data fetch NAME} and {@code ./mtl data list}. */
@Command(name = "data", description = "Fetch or list the data files datasets read.",
        subcommands = {DataCommand.Fetch.class, DataCommand.ListSources.class})
final class DataCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    static List<DataSource> sources(Path pluginsDir) {
        List<DataSource> sources = new ArrayList<>();
        for (RegisteredPlugin p : MtlRuntime.discover(pluginsDir).registry().plugins(PluginKind.DATASET)) {
            DatasetProvider provider = (DatasetProvider) p.factory().create(PluginConfigs.defaults(p.descriptor(), 0));
            for (DataSource s : provider.sources()) {
                if (sources.stream().noneMatch(x -> x.name().equals(s.name()))) {
                    sources.add(s);
                }
            }
        }
        return sources;
    }

    /** Fetches one data source. */
    @Command(name = "fetch", description = "Fetch and verify a data source's files into the data directory.")
    static final class Fetch implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "The data source, e.g. mnist (see ./mtl data list).")
        String name;

        @Option(names = "--data-dir", description = "The data directory (default: ${DEFAULT-VALUE}).")
        Path dataDir = Path.of("data");

        @Option(names = "--plugins-dir", description = "Directory of extra plugin jars (default: ${DEFAULT-VALUE}).")
        Path pluginsDir = Path.of("plugins");

        @Override
        public Integer call() {
            DirectoryChecks.writable("--data-dir", dataDir);
            DirectoryChecks.readable("--plugins-dir", pluginsDir);
            List<DataSource> sources = sources(pluginsDir);
            DataSource source = sources.stream().filter(s -> s.name().equals(name)).findFirst()
                    .orElseThrow(() -> new ConfigException("no data source is named '" + name + "'; available: "
                            + String.join(", ", sources.stream().map(DataSource::name).toList())));
            if (source.isPresent(dataDir)) {
                System.out.println(name + " is already in " + dataDir);
                return Main.OK;
            }
            source.fetch(dataDir, System.out::println);
            System.out.println(name + " fetched into " + dataDir);
            return Main.OK;
        }
    }

    /** Lists the data sources. */
    @Command(name = "list", description = "List the data sources and whether they are present.")
    static final class ListSources implements Callable<Integer> {
        @Option(names = "--data-dir", description = "The data directory (default: ${DEFAULT-VALUE}).")
        Path dataDir = Path.of("data");

        @Option(names = "--plugins-dir", description = "Directory of extra plugin jars (default: ${DEFAULT-VALUE}).")
        Path pluginsDir = Path.of("plugins");

        @Override
        public Integer call() {
            DirectoryChecks.readable("--data-dir", dataDir);
            DirectoryChecks.readable("--plugins-dir", pluginsDir);
            for (DataSource s : sources(pluginsDir)) {
                System.out.println(s.name() + (s.isPresent(dataDir) ? "  present  " : "  missing  ") + s.description());
            }
            return Main.OK;
        }
    }
}
