package org.example.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.openmtl.core.report.HtmlReport;
import org.openmtl.core.report.ReportWriter;

/**
 * The lab's report: the framework's {@code report.html}, and beside it {@code lab-report.csv}, one
 * row per trial with its status and every task's test metrics, the table the lab pastes into its
 * notebooks. Bound by {@link LabModule} in place of the framework's {@link ReportWriter.Html}.
 */
public final class LabReportWriter implements ReportWriter {

    /** The file written beside the HTML report. */
    public static final String CSV = "lab-report.csv";

    private final ReportWriter html = new ReportWriter.Html();

    /** Creates the writer (Guice). */
    @jakarta.inject.Inject
    public LabReportWriter() {}

    @Override
    public void write(Path file, String title, String subtitle, List<HtmlReport.Entry> entries, Map<String, Object> summary)
            throws IOException {
        html.write(file, title, subtitle, entries, summary);
        TreeSet<String> columns = new TreeSet<>();
        for (HtmlReport.Entry entry : entries) {
            metrics(entry).forEach((task, values) -> values.keySet().forEach(metric -> columns.add(task + "." + metric)));
        }
        List<String> lines = new ArrayList<>();
        lines.add("trial,method,status," + String.join(",", columns));
        for (HtmlReport.Entry entry : entries) {
            StringBuilder line = new StringBuilder(entry.label().replace(',', ';')).append(',')
                    .append(entry.group().replace(',', ';')).append(',').append(entry.result().getOrDefault("status", ""));
            Map<String, Map<String, Object>> metrics = metrics(entry);
            for (String column : columns) {
                int dot = column.indexOf('.');
                Object value = metrics.getOrDefault(column.substring(0, dot), Map.of()).get(column.substring(dot + 1));
                line.append(',').append(value instanceof Number n ? String.format(Locale.ROOT, "%.6g", n.doubleValue()) : "");
            }
            lines.add(line.toString());
        }
        // written whole, then moved into place: a reader never sees half a table
        Path csv = file.resolveSibling(CSV);
        Path partial = file.resolveSibling(CSV + ".partial");
        Files.write(partial, lines, StandardCharsets.UTF_8);
        Files.move(partial, csv, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The entry's test metrics, task to metric to value ({@code tasks} of its result.json). */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> metrics(HtmlReport.Entry entry) {
        Object tasks = entry.result().get("tasks");
        return tasks instanceof Map<?, ?> m ? (Map<String, Map<String, Object>>) m : Map.of();
    }
}
