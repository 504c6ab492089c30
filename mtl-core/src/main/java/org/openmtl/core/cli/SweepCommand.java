package org.openmtl.core.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.sweep.SweepRunner;
import org.openmtl.core.sweep.SweepSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ./mtl sweep CONFIG [key=value ...]}: a grid of runs. */
@Command(name = "sweep", description = "Run a grid of trials (axes: sweep.<key> = v1, v2, ...); results under <output.dir>/trials/<id>/.")
final class SweepCommand implements Callable<Integer> {

    @Parameters(paramLabel = "[CONFIG] [key=value]", description = "A sweep config file, then overrides.")
    List<String> arguments = new ArrayList<>();

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        ConfigSource source = ConfigArguments.load(arguments);
        MtlRuntime mtl = MtlRuntime.discover(MtlRuntime.pluginsDirectory(source));
        java.nio.file.Path output = java.nio.file.Path.of(source.values().getOrDefault(RunKeys.OUTPUT_DIR, "runs/sweep"));
        String progress = source.values().getOrDefault(RunKeys.PROGRESS, "auto");
        Map<String, Object> summary = new SweepRunner(mtl).run(source, output, progress);
        System.out.println();
        System.out.print(SweepSummary.markdown(summary));
        System.out.println();
        System.out.println("summary: " + output.resolve("summary.md"));
        System.out.println("report:  " + output.resolve("report.html"));
        boolean anyFailed = ((List<Map<String, Object>>) summary.get("groups")).stream()
                .anyMatch(g -> ((Number) g.get("failed")).intValue() > 0);
        return anyFailed ? Main.FAILURE : Main.OK;
    }
}
