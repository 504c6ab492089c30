package org.openmtl.core.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.group.GroupingRunner;
import org.openmtl.core.run.MtlRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ./mtl group CONFIG [key=value ...]}: which tasks to train together (Standley et al. 2020, or
 * TAG, Fifty et al. 2021, with grouping.method=tag).
 */
@Command(name = "group", mixinStandardHelpOptions = true,
        description = {"Trains one network per task subset (singles and pairs, or all with grouping.exhaustive=true),"
                + " then chooses the networks that minimize the total validation loss within grouping.budget"
                + " (grouping.method=tag: one multi-task run's lookahead affinities choose the groups); trains the"
                + " chosen networks for their test losses; writes grouping.json into output.dir. Finished"
                + " trainings are kept and reused."})
final class GroupCommand implements Callable<Integer> {

    @Parameters(paramLabel = "[CONFIG] [key=value]", description = "A run config file, then overrides.")
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() {
        ConfigSource source = ConfigArguments.load(arguments);
        MtlRuntime mtl = MtlRuntime.discover(MtlRuntime.pluginsDirectory(source));
        String progress = source.values().getOrDefault(RunKeys.PROGRESS, "auto");
        Map<String, Object> grouping = new GroupingRunner(mtl).run(source, progress);
        java.nio.file.Path output = java.nio.file.Path.of(source.values().getOrDefault(RunKeys.OUTPUT_DIR, "runs/group"));
        System.out.println();
        System.out.print(GroupingRunner.describe(grouping));
        System.out.println("grouping: " + output.resolve("grouping.json"));
        return Main.OK;
    }
}
