package org.openmtl.core.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openmtl.core.api.RunResult;

/** Renders per-task test metrics of one or more results as a text table. */
final class ResultTable {

    private ResultTable() {}

    static String render(List<Map.Entry<String, RunResult>> results) {
        Set<String> columns = new LinkedHashSet<>();
        for (Map.Entry<String, RunResult> r : results) {
            Map<String, Map<String, Double>> tasks = r.getValue().tasks();
            tasks.forEach((task, metrics) -> {
                String metric = metrics.containsKey("accuracy") ? "accuracy" : metrics.keySet().iterator().next();
                columns.add(task + " " + metric);
            });
        }
        List<String> header = new ArrayList<>();
        header.add("method");
        header.addAll(columns);
        header.add("params");
        header.add("ms/step");
        List<List<String>> rows = new ArrayList<>();
        for (Map.Entry<String, RunResult> r : results) {
            Map<String, Map<String, Double>> tasks = r.getValue().tasks();
            List<String> row = new ArrayList<>();
            row.add(r.getKey());
            for (String c : columns) {
                String task = c.substring(0, c.lastIndexOf(' '));
                String metric = c.substring(c.lastIndexOf(' ') + 1);
                Object v = tasks.containsKey(task) ? tasks.get(task).get(metric) : null;
                row.add(v instanceof Number n ? String.format(Locale.ROOT, "%.4f", n.doubleValue()) : "-");
            }
            row.add(String.format(Locale.ROOT, "%,d", r.getValue().parameters()));
            double ms = r.getValue().msPerStep();
            row.add(Double.isFinite(ms) ? String.format(Locale.ROOT, "%.1f", ms) : "-");
            rows.add(row);
        }
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        appendRow(sb, header, widths);
        List<String> rule = new ArrayList<>();
        for (int w : widths) {
            rule.add("-".repeat(w));
        }
        appendRow(sb, rule, widths);
        for (List<String> row : rows) {
            appendRow(sb, row, widths);
        }
        return sb.toString().stripTrailing();
    }

    private static void appendRow(StringBuilder sb, List<String> cells, int[] widths) {
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            if (i == 0) {
                sb.append(c).append(" ".repeat(widths[i] - c.length()));
            } else {
                sb.append("  ").append(" ".repeat(widths[i] - c.length())).append(c);
            }
        }
        sb.append('\n');
    }
}
