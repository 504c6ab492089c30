package org.openmtl.core.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.core.api.Mtl;
import org.openmtl.core.api.Run;
import org.openmtl.core.api.RunResult;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.run.MtlRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ./mtl run [CONFIG] [key=value ...]}: one training run, through the typed API ({@link Run}). */
@Command(name = "run", description = "Train one run; writes <output.dir>/result.json.")
final class RunCommand implements Callable<Integer> {

    @Parameters(paramLabel = "[CONFIG] [key=value]", description = "An optional .properties or .yaml file, then overrides.")
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() {
        ConfigSource source = ConfigArguments.load(arguments);
        Mtl mtl = Mtl.builder().pluginsDirectory(MtlRuntime.pluginsDirectory(source)).build();
        Run run = Run.of(mtl, source);
        RunResult result = run.run();
        RunConfig config = run.config();
        System.out.println();
        System.out.println(ResultTable.render(List.of(Map.entry(config.pluginName(PluginKind.ARCHITECTURE)
                + " + " + config.pluginName(PluginKind.WEIGHTING), result))));
        System.out.println("results: " + config.outputDirectory().resolve("result.json"));
        if (!result.completed()) {
            System.err.println("error: the run failed: " + result.reason());
            return Main.FAILURE;
        }
        return Main.OK;
    }
}
