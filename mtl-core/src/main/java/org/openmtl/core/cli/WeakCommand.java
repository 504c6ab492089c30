package org.openmtl.core.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.weak.WeakRunner;
import org.openmtl.core.weak.WeakSeeds;
import org.openmtl.core.weak.WeakSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ./mtl weak CONFIG [key=value ...]}: label model, then an end model on its probabilistic labels. */
@Command(name = "weak", mixinStandardHelpOptions = true,
        description = {"Weak supervision (MeTaL): fits the label model (label-model=metal, independent or majority-vote)"
                + " on labeling sources' votes on the training split, without gold labels; trains the run's end model"
                + " on its probabilistic labels with the expected cross-entropy under them; tests it on the held-out"
                + " gold labels. Writes <output.dir>/result.json (the end model's run), weak.json and weak.md (label"
                + " model accuracy per task on the training split, estimated vs planted source accuracies, the end"
                + " model's test metrics) and prints the tables.",
            "",
            "The votes: the dataset's own sources (dataset=mnist-weak), or weak.votes=<file.csv> with your sources'"
                + " votes, one row per training example (format: docs/guide.md, section 10).",
            "",
            "weak.seeds=1,2,3,4,5: one run per seed in <output.dir>/seed-<s>/, then weak-summary.json and"
                + " weak-summary.md with each number's mean and standard deviation over the seeds.",
            "",
            "Exit codes: 0 done; 2 bad input, nothing written (a bad key, a malformed votes file, named by line and"
                + " column, votes the label model cannot fit); 1 a failure while running."})
final class WeakCommand implements Callable<Integer> {

    @Parameters(paramLabel = "[CONFIG] [key=value]", description = "A config file (.properties or .yaml), then overrides.")
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() {
        ConfigSource source = ConfigArguments.load(arguments);
        MtlRuntime mtl = MtlRuntime.discover(MtlRuntime.pluginsDirectory(source));
        String commandLine = "./mtl weak " + String.join(" ", arguments);
        Path output = Path.of(source.values().getOrDefault(RunKeys.OUTPUT_DIR, "runs/weak"));
        List<Long> seeds = WeakSeeds.seeds(source);
        if (!seeds.isEmpty()) {
            Map<String, Object> summary = new WeakSeeds(new WeakRunner(mtl)).run(source, seeds, commandLine);
            System.out.println();
            System.out.print(WeakSeeds.markdown(summary));
            System.out.println("weak supervision over seeds " + seeds + ": " + output.resolve("weak-summary.json")
                    + " (summary: " + output.resolve("weak-summary.md") + "; each seed's run: "
                    + output.resolve("seed-<s>") + ")");
            if (!"completed".equals(summary.get("status"))) {
                System.err.println("error: an end model's run failed; see the result.json of each seed-<s> directory");
                return Main.FAILURE;
            }
            return Main.OK;
        }
        Map<String, Object> weak = new WeakRunner(mtl).run(source, commandLine);
        System.out.println();
        System.out.print(WeakSummary.markdown(weak));
        System.out.println("weak supervision: " + output.resolve("weak.json") + " (summary: " + output.resolve("weak.md")
                + "; the end model's run: " + output.resolve("result.json") + ")");
        if (!"completed".equals(weak.get("status"))) {
            System.err.println("error: the end model's run failed; see " + output.resolve("result.json"));
            return Main.FAILURE;
        }
        return Main.OK;
    }
}
