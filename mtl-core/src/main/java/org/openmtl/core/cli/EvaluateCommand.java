package org.openmtl.core.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openmtl.core.config.DirectoryChecks;
import org.openmtl.core.run.MtlRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./mtl evaluate RUN_DIR}: evaluates a finished run's saved model. */
@Command(name = "evaluate", description = "Load a finished run's saved model and evaluate it on validation and test.")
final class EvaluateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "RUN_DIR", description = "A run's output directory (with result.json and model.params).")
    Path runDirectory;

    @Option(names = "--plugins-dir", description = "Directory of extra plugin jars (default: ${DEFAULT-VALUE}).")
    Path pluginsDir = Path.of("plugins");

    @Override
    public Integer call() {
        DirectoryChecks.readable("--plugins-dir", pluginsDir);
        Map<String, Map<String, Map<String, Double>>> result = MtlRuntime.discover(pluginsDir).evaluate(runDirectory);
        result.forEach((split, tasks) -> tasks.forEach((task, metrics) -> {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-10s %-12s", split, task));
            metrics.forEach((m, v) -> line.append(String.format(Locale.ROOT, "  %s %.4f", m, v)));
            System.out.println(line);
        }));
        return Main.OK;
    }
}
