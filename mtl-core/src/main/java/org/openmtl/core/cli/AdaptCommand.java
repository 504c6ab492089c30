package org.openmtl.core.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openmtl.core.adapt.AdaptSummary;
import org.openmtl.core.adapt.Adaptation;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.run.MtlRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ./mtl adapt CONFIG [key=value ...]}: few-shot adaptation of a saved run to a held-out task. */
@Command(name = "adapt", mixinStandardHelpOptions = true,
        description = {"Adapts a finished run's saved model to a task it did not train: adds a head for adapt.task and"
                + " trains it on adapt.k labelled examples per class (adapt.draws seeded draws each) with the trunk"
                + " frozen, fine-tuned, or trained from scratch with the same architecture (adapt.modes). Writes"
                + " <output.dir>/adapt.json (test metrics and steps to adapt.target per k, mode and draw; cost per"
                + " trial) and adapt.md, and prints the table.",
            "",
            "The run: adapt.from=<run dir> (result.json and model.params), or adapt.from=<sweep dir>"
                + " adapt.trial=<trial id>. Its configuration comes from its result.json; the adapt config may set"
                + " only the adapt.* keys, output.dir (default runs/adapt), data.dir, plugins.dir, device, threads,"
                + " eval.batch.size, progress and the optimizer's keys.",
            "",
            "Exit codes: 0 done; 2 bad input, nothing written (no saved model, a task the dataset lacks or the"
                + " run trained, a regression task, a k larger than a class of the training split, a bad mode or"
                + " key); 1 a failure while running. Keys: docs/configuration.md (Adaptation keys)."})
final class AdaptCommand implements Callable<Integer> {

    @Parameters(paramLabel = "[CONFIG] [key=value]", description = "An adapt config file (.properties or .yaml), then overrides.")
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() {
        ConfigSource source = ConfigArguments.load(arguments);
        MtlRuntime mtl = MtlRuntime.discover(MtlRuntime.pluginsDirectory(source));
        Map<String, Object> result = new Adaptation(mtl).run(source, "./mtl adapt " + String.join(" ", arguments));
        Path output = Path.of(source.values().getOrDefault(RunKeys.OUTPUT_DIR, "runs/adapt"));
        System.out.println();
        System.out.print(AdaptSummary.table(result));
        System.out.println("adaptation: " + output.resolve("adapt.json") + " (summary: " + output.resolve("adapt.md") + ")");
        return Main.OK;
    }
}
