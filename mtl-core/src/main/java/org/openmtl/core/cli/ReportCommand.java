package org.openmtl.core.cli;

import com.google.gson.Gson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.DirectoryChecks;
import org.openmtl.core.report.HtmlReport;
import org.openmtl.core.result.ResultFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ./mtl report DIR}: (re)builds the HTML report of the runs under a directory. */
@Command(name = "report", description = "(Re)build DIR/report.html from the result.json files under DIR; for a"
        + " sweep directory also summary.md and summary.json.")
final class ReportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "A run directory, or a directory of runs.")
    Path directory;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        if (!Files.exists(directory)) {
            throw new ConfigException("DIR: " + directory + " does not exist; name a run or sweep directory");
        }
        // the report is written into DIR
        DirectoryChecks.writable("DIR", directory);
        if (Files.isRegularFile(directory.resolve("sweep.json"))) {
            // a sweep: summary and report again from its trials, with the current summary's columns
            org.openmtl.core.run.MtlRuntime mtl = org.openmtl.core.run.MtlRuntime.discover(java.nio.file.Path.of("plugins"));
            Map<String, Object> summary = new org.openmtl.core.sweep.SweepRunner(mtl).resummarize(directory);
            System.out.print(org.openmtl.core.sweep.SweepSummary.markdown(summary));
            System.out.println("summary: " + directory.resolve("summary.md"));
            System.out.println("report:  " + directory.resolve("report.html"));
            return Main.OK;
        }
        List<Path> results;
        try (Stream<Path> walk = Files.walk(directory, 4)) {
            results = walk.filter(p -> p.getFileName().toString().equals("result.json"))
                    .filter(p -> !p.toString().contains("checkpoint")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
        if (results.isEmpty()) {
            throw new ConfigException(directory + " holds no result.json (run ./mtl run or ./mtl demo first)");
        }
        List<HtmlReport.Entry> entries = new ArrayList<>();
        for (Path file : results) {
            Map<String, Object> result;
            try {
                result = new Gson().fromJson(ResultFiles.readJson(file), Map.class);
            } catch (IOException | RuntimeException e) {
                throw new ConfigException(file + " is not a readable result: " + e.getMessage(), e);
            }
            Path relative = directory.relativize(file.getParent());
            String label = relative.toString().isEmpty() ? directory.getFileName().toString() : relative.toString();
            entries.add(new HtmlReport.Entry(label, result));
        }
        Path report = directory.resolve("report.html");
        try {
            HtmlReport.write(report, "OpenMTL report: " + directory.getFileName(), results.size() + " run(s) under " + directory, entries);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + report, e);
        }
        System.out.println("report: " + report);
        return Main.OK;
    }
}
