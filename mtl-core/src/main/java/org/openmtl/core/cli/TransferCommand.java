package org.openmtl.core.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.transfer.TransferRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ./mtl transfer CONFIG [key=value ...]}: the Taskonomy transfer matrix over a dataset's tasks. */
@Command(name = "transfer", mixinStandardHelpOptions = true,
        description = {"The transfer matrix of Taskonomy (Zamir et al., CVPR 2018) over the dataset's tasks (or those of"
                + " the tasks key): trains one encoder per source task (and per group of transfer.groups) with the run"
                + " config's architecture and budget, then per (source, target) a readout on the frozen encoder's"
                + " features with transfer.steps steps; both as sweep trials (executor, workers as for ./mtl sweep),"
                + " kept and reused when run again. Writes <output.dir>/transfer.json (raw test metric and loss, the"
                + " ordinal win-rate normalization, Spearman's rho with the affinities of transfer.affinity),"
                + " transfer.md and report.html.",
            "",
            "Exit codes: 0 done; 2 bad input, nothing written (an unknown task, a dataset with fewer than 2 tasks, a"
                + " group naming an unknown task, a missing affinity file, a bad key); 1 a failure while running."
                + " Keys: docs/configuration.md (Transfer matrix keys)."})
final class TransferCommand implements Callable<Integer> {

    @Parameters(paramLabel = "[CONFIG] [key=value]", description = "A run config file (.properties or .yaml), then overrides.")
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() {
        ConfigSource source = ConfigArguments.load(arguments);
        MtlRuntime mtl = MtlRuntime.discover(MtlRuntime.pluginsDirectory(source));
        String progress = source.values().getOrDefault(RunKeys.PROGRESS, "auto");
        new TransferRunner(mtl).run(source, progress);
        Path output = Path.of(source.values().getOrDefault(RunKeys.OUTPUT_DIR, "runs/transfer"));
        System.out.println("transfer matrix: " + output.resolve("transfer.json") + " (summary: " + output.resolve("transfer.md")
                + ", report: " + output.resolve("report.html") + ")");
        return Main.OK;
    }
}
