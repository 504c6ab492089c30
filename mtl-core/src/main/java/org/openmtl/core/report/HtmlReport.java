package org.openmtl.core.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A self-contained HTML page comparing runs: per-task test metrics (best per column in bold),
 * parameter counts and step times, and per-task learning curves (validation metric and training
 * loss per epoch, one line per run) as inline SVG, so the page needs no script or network.
 */
public final class HtmlReport {

    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"};

    private HtmlReport() {}

    /** One run in the report: a label and its result (as in result.json). */
    public record Entry(String label, Map<String, Object> result) {}

    /**
     * Writes the report atomically.
     *
     * @param file the HTML file
     * @param title the page title
     * @param subtitle a line under the title (what was run, how to reproduce it)
     * @param entries the runs
     * @throws IOException if writing fails
     */
    public static void write(Path file, String title, String subtitle, List<Entry> entries) throws IOException {
        write(file, title, subtitle, entries, null);
    }

    /**
     * Writes the report with a summary table first (a sweep's mean ± std over seeds, Δm% and
     * negative transfer), atomically.
     *
     * @param file the HTML file
     * @param title the page title
     * @param subtitle a line under the title
     * @param entries the runs
     * @param summaryTable a Markdown pipe table (as {@code summary.md} holds), or null for none
     * @throws IOException if writing fails
     */
    public static void write(Path file, String title, String subtitle, List<Entry> entries, String summaryTable)
            throws IOException {
        String html = render(title, subtitle, entries);
        if (summaryTable != null && !summaryTable.isBlank()) {
            String marker = "<h2>Test metrics at the selected epoch</h2>";
            html = html.replace(marker, "<h2>Summary over seeds</h2>" + table(summaryTable) + marker);
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".report", ".tmp");
        Files.writeString(tmp, html, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Renders the report.
     *
     * @param title the page title
     * @param subtitle a line under the title
     * @param entries the runs
     * @return the HTML text
     */
    @SuppressWarnings("unchecked")
    public static String render(String title, String subtitle, List<Entry> entries) {
        Set<String> tasks = new LinkedHashSet<>();
        for (Entry e : entries) {
            tasks.addAll(((Map<String, Object>) e.result().getOrDefault("tasks", Map.of())).keySet());
        }
        StringBuilder sb = new StringBuilder();
        sb.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(esc(title)).append("</title>")
                .append("<style>body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}")
                .append("h1{font-size:1.5em;margin-bottom:.2em}p.sub{color:#555;margin-top:0}table{border-collapse:collapse;margin:1em 0}")
                .append("th,td{padding:.35em .8em;border-bottom:1px solid #ddd;text-align:right}th:first-child,td:first-child{text-align:left}")
                .append("th{background:#f4f4f4}td.best{font-weight:700}.charts{display:flex;flex-wrap:wrap;gap:1.2em}")
                .append("figure{margin:0}figcaption{font-size:.9em;color:#444;text-align:center}.failed{color:#b00}")
                .append(".legend span{display:inline-block;margin-right:1.2em}.legend i{display:inline-block;width:1.6em;height:3px;vertical-align:middle;margin-right:.35em}</style></head><body>");
        sb.append("<h1>").append(esc(title)).append("</h1><p class=\"sub\">").append(esc(subtitle)).append("</p>");

        // results table
        List<String> metricColumns = new ArrayList<>();
        for (String task : tasks) {
            for (Entry e : entries) {
                Map<String, Map<String, Object>> t = (Map<String, Map<String, Object>>) e.result().getOrDefault("tasks", Map.of());
                if (t.containsKey(task)) {
                    metricColumns.add(task + "\u0000" + t.get(task).keySet().iterator().next());
                    break;
                }
            }
        }
        sb.append("<h2>Test metrics at the selected epoch</h2><table><tr><th>run</th>");
        for (String c : metricColumns) {
            String[] tm = c.split("\u0000");
            sb.append("<th>").append(esc(tm[0])).append(' ').append(esc(tm[1])).append("</th>");
        }
        sb.append("<th>parameters</th><th>ms/step</th><th>selected epoch</th><th>status</th></tr>");
        double[] best = new double[metricColumns.size()];
        for (int i = 0; i < metricColumns.size(); i++) {
            String[] tm = metricColumns.get(i).split("\u0000");
            boolean higher = higherIsBetter(tm[1]);
            best[i] = higher ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            for (Entry e : entries) {
                Double v = metric(e, tm[0], tm[1]);
                if (v != null) {
                    best[i] = higher ? Math.max(best[i], v) : Math.min(best[i], v);
                }
            }
        }
        for (Entry e : entries) {
            sb.append("<tr><td>").append(esc(e.label())).append("</td>");
            for (int i = 0; i < metricColumns.size(); i++) {
                String[] tm = metricColumns.get(i).split("\u0000");
                Double v = metric(e, tm[0], tm[1]);
                boolean isBest = v != null && v == best[i] && entries.size() > 1;
                sb.append("<td").append(isBest ? " class=\"best\"" : "").append('>')
                        .append(v == null ? "&ndash;" : String.format(Locale.ROOT, "%.4f", v)).append("</td>");
            }
            Object params = e.result().get("parameters");
            Object ms = e.result().get("ms_per_step");
            sb.append("<td>").append(params instanceof Number n ? String.format(Locale.ROOT, "%,d", n.longValue()) : "&ndash;").append("</td>");
            sb.append("<td>").append(ms instanceof Number n ? String.format(Locale.ROOT, "%.1f", n.doubleValue()) : "&ndash;").append("</td>");
            Object selected = e.result().get("selected_epoch");
            sb.append("<td>").append(selected instanceof Number n ? Long.toString(n.longValue()) : "&ndash;").append("</td>");
            String status = String.valueOf(e.result().getOrDefault("status", ""));
            sb.append("<td").append("completed".equals(status) ? "" : " class=\"failed\" title=\"" + esc(String.valueOf(e.result().get("reason"))) + "\"")
                    .append('>').append(esc(status)).append("</td></tr>");
        }
        sb.append("</table>");

        // legend + curves
        sb.append("<h2>Learning curves</h2><div class=\"legend\">");
        for (int i = 0; i < entries.size(); i++) {
            sb.append("<span><i style=\"background:").append(COLORS[i % COLORS.length]).append("\"></i>").append(esc(entries.get(i).label())).append("</span>");
        }
        sb.append("</div>");
        for (String c : metricColumns) {
            String[] tm = c.split("\u0000");
            sb.append("<h3>").append(esc(tm[0])).append("</h3><div class=\"charts\">");
            sb.append(chart(entries, "validation", tm[0], tm[1], "validation " + tm[1]));
            sb.append(chart(entries, "test", tm[0], tm[1], "test " + tm[1]));
            sb.append(chart(entries, "train", tm[0], "loss", "training loss"));
            sb.append("</div>");
        }
        // task affinity heatmaps
        boolean anyAffinity = entries.stream().anyMatch(e -> e.result().get("affinity") instanceof Map);
        if (anyAffinity) {
            sb.append("<h2>Task affinity</h2><p class=\"sub\">Averaged over the epochs (diagnostics.affinity=true)."
                    + " Gradient cosine and difficult-example agreement are symmetric; lookahead row i, column j is the"
                    + " relative drop of task j's loss after a step on task i alone. Blue: positive, red: negative.</p>");
            for (Entry e : entries) {
                if (!(e.result().get("affinity") instanceof Map<?, ?> affinity)) {
                    continue;
                }
                sb.append("<h3>").append(esc(e.label())).append("</h3><div class=\"charts\">");
                for (String[] measure : new String[][] {{"gradient_cosine", "gradient cosine"}, {"lookahead", "lookahead (row → column)"},
                        {"difficult_examples", "difficult-example agreement"}}) {
                    if (affinity.get(measure[0]) instanceof Map<?, ?> m) {
                        sb.append(heatmap((Map<String, Map<String, Object>>) m, measure[1]));
                    }
                }
                sb.append("</div>");
            }
        }
        sb.append("</body></html>\n");
        return sb.toString();
    }

    /** A Markdown pipe table as an HTML table (the header row, the separator row skipped, the body). */
    static String table(String markdown) {
        StringBuilder sb = new StringBuilder("<table>");
        int row = 0;
        for (String line : markdown.strip().split("\n")) {
            String l = line.strip();
            if (!l.startsWith("|")) {
                continue;
            }
            if (row == 1 && l.replaceAll("[|\\-: ]", "").isEmpty()) {
                row++;
                continue;
            }
            String[] cells = l.substring(1, l.endsWith("|") ? l.length() - 1 : l.length()).split("\\|", -1);
            String tag = row == 0 ? "th" : "td";
            sb.append("<tr>");
            for (String cell : cells) {
                sb.append('<').append(tag).append('>').append(esc(cell.strip())).append("</").append(tag).append('>');
            }
            sb.append("</tr>");
            row++;
        }
        return sb.append("</table>").toString();
    }

    /** A task × task matrix as coloured cells with their values, blue for positive, red for negative. */
    private static String heatmap(Map<String, Map<String, Object>> matrix, String caption) {
        List<String> tasks = new ArrayList<>(matrix.keySet());
        double max = 1e-12;
        for (Map<String, Object> row : matrix.values()) {
            for (Object v : row.values()) {
                if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
                    max = Math.max(max, Math.abs(n.doubleValue()));
                }
            }
        }
        int cell = tasks.size() <= 6 ? 46 : 30;
        int label = 60;
        int w = label + cell * tasks.size() + 10;
        int h = label + cell * tasks.size() + 10;
        StringBuilder sb = new StringBuilder("<figure><svg width=\"" + w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h
                + "\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\" font-family=\"sans-serif\">");
        for (int i = 0; i < tasks.size(); i++) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", label - 6,
                    label + i * cell + cell / 2 + 4, esc(tasks.get(i))));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
                    label + i * cell + cell / 2, label - 8, esc(tasks.get(i))));
            for (int j = 0; j < tasks.size(); j++) {
                Object v = matrix.get(tasks.get(i)).get(tasks.get(j));
                double x = v instanceof Number n ? n.doubleValue() : Double.NaN;
                String fill = "#eee";
                if (Double.isFinite(x)) {
                    double a = Math.min(1, Math.abs(x) / max);
                    fill = x >= 0 ? String.format(Locale.ROOT, "rgba(31,119,180,%.3f)", a)
                            : String.format(Locale.ROOT, "rgba(214,39,40,%.3f)", a);
                }
                sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\""
                        + " stroke=\"#fff\"><title>%s, %s: %s</title></rect>", label + j * cell, label + i * cell, cell, cell, fill,
                        esc(tasks.get(i)), esc(tasks.get(j)), Double.isFinite(x) ? String.format(Locale.ROOT, "%.4f", x) : "n/a"));
                if (cell >= 40 && Double.isFinite(x)) {
                    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"%s\">%s</text>",
                            label + j * cell + cell / 2, label + i * cell + cell / 2 + 4,
                            Math.abs(x) / max > 0.6 ? "#fff" : "#222", String.format(Locale.ROOT, "%.2f", x)));
                }
            }
        }
        sb.append("</svg><figcaption>").append(esc(caption)).append("</figcaption></figure>");
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static Double metric(Entry e, String task, String metric) {
        Map<String, Map<String, Object>> t = (Map<String, Map<String, Object>>) e.result().getOrDefault("tasks", Map.of());
        Object v = t.containsKey(task) ? t.get(task).get(metric) : null;
        return v instanceof Number n ? n.doubleValue() : null;
    }

    private static boolean higherIsBetter(String metric) {
        return metric.equals("accuracy") || metric.equals("f1") || metric.equals("auc") || metric.equals("r2");
    }

    @SuppressWarnings("unchecked")
    private static String chart(List<Entry> entries, String split, String task, String metric, String caption) {
        int w = 340;
        int h = 220;
        int left = 52;
        int right = 12;
        int top = 12;
        int bottom = 34;
        List<double[][]> series = new ArrayList<>();
        double xmax = 1;
        double ymin = Double.POSITIVE_INFINITY;
        double ymax = Double.NEGATIVE_INFINITY;
        for (Entry e : entries) {
            List<Map<String, Object>> history = (List<Map<String, Object>>) e.result().getOrDefault("history", List.of());
            List<double[]> points = new ArrayList<>();
            for (Map<String, Object> record : history) {
                Map<String, Map<String, Object>> s = (Map<String, Map<String, Object>>) record.getOrDefault(split, Map.of());
                Object v = s.containsKey(task) ? s.get(task).get(metric) : null;
                if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
                    double x = ((Number) record.get("epoch")).doubleValue();
                    points.add(new double[] {x, n.doubleValue()});
                    xmax = Math.max(xmax, x);
                    ymin = Math.min(ymin, n.doubleValue());
                    ymax = Math.max(ymax, n.doubleValue());
                }
            }
            series.add(points.toArray(new double[0][]));
        }
        if (!Double.isFinite(ymin)) {
            return "";
        }
        if (ymax - ymin < 1e-9) {
            ymax = ymin + 1e-3;
        }
        double pad = (ymax - ymin) * 0.05;
        ymin -= pad;
        ymax += pad;
        StringBuilder sb = new StringBuilder("<figure><svg width=\"" + w + "\" height=\"" + h + "\" viewBox=\"0 0 " + w + " " + h
                + "\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\" font-family=\"sans-serif\">");
        sb.append("<rect x=\"").append(left).append("\" y=\"").append(top).append("\" width=\"").append(w - left - right)
                .append("\" height=\"").append(h - top - bottom).append("\" fill=\"#fafafa\" stroke=\"#ccc\"/>");
        for (int i = 0; i <= 4; i++) {
            double v = ymin + (ymax - ymin) * i / 4;
            double y = top + (h - top - bottom) * (1 - i / 4.0);
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>", left, w - right, y, y));
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#555\">%s</text>", left - 4, y + 4, tick(v, ymax - ymin)));
        }
        int stride = (int) Math.max(1, Math.ceil((xmax - 1) / 8));
        for (int e = 1; e <= xmax; e += stride) {
            double epoch = e;
            double x = left + (w - left - right) * (xmax <= 1 ? 0.5 : (epoch - 1) / (xmax - 1));
            sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%d</text>", x, h - bottom + 14, Math.round(epoch)));
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" fill=\"#333\">epoch</text>", (left + w - right) / 2, h - 4));
        for (int s = 0; s < series.size(); s++) {
            double[][] pts = series.get(s);
            if (pts.length == 0) {
                continue;
            }
            StringBuilder path = new StringBuilder();
            for (double[] p : pts) {
                double x = left + (w - left - right) * (xmax <= 1 ? 0.5 : (p[0] - 1) / (xmax - 1));
                double y = top + (h - top - bottom) * (1 - (p[1] - ymin) / (ymax - ymin));
                path.append(path.length() == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
                sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\" fill=\"%s\"><title>%s epoch %d: %.4f</title></circle>",
                        x, y, COLORS[s % COLORS.length], esc(entries.get(s).label()), Math.round(p[0]), p[1]));
            }
            sb.append("<path d=\"").append(path).append("\" fill=\"none\" stroke-width=\"1.8\" stroke=\"").append(COLORS[s % COLORS.length]).append("\"/>");
        }
        sb.append("</svg><figcaption>").append(esc(caption)).append("</figcaption></figure>");
        return sb.toString();
    }

    private static String tick(double v, double range) {
        int digits = range < 0.01 ? 4 : range < 0.1 ? 3 : range < 10 ? 2 : 0;
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
