package org.openmtl.core.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.train.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ./mtl run [CONFIG] [key=value ...]}: one training run. */
@Command(name = "run", description = "Train one run; writes <output.dir>/result.json.")
final class RunCommand implements Callable<Integer> {

    @Parameters(paramLabel = "[CONFIG] [key=value]", description = "An optional .properties or .yaml file, then overrides.")
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() {
        ConfigSource source = ConfigArguments.load(arguments);
        MtlRuntime mtl = MtlRuntime.discover(MtlRuntime.pluginsDirectory(source));
        RunConfig config = mtl.configure(source);
        Map<String, Object> result = mtl.run(config, Progress.forMode(config.progress()));
        System.out.println();
        System.out.println(ResultTable.render(List.of(Map.entry(config.pluginName(org.openmtl.api.plugin.PluginKind.ARCHITECTURE)
                + " + " + config.pluginName(org.openmtl.api.plugin.PluginKind.WEIGHTING), result))));
        System.out.println("results: " + config.outputDirectory().resolve("result.json"));
        if (!"completed".equals(result.get("status"))) {
            System.err.println("error: the run failed: " + result.get("reason"));
            return Main.FAILURE;
        }
        return Main.OK;
    }
}
