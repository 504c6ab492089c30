package org.openmtl.core.report;

import static org.openmtl.core.report.Html.escape;
import static org.openmtl.core.report.ReportData.map;
import static org.openmtl.core.report.ReportData.number;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.openmtl.core.api.EpochRecord;
import org.openmtl.core.api.RunResult;
import org.openmtl.core.io.DurableFiles;
import org.openmtl.core.report.ReportData.Method;
import org.openmtl.core.report.ReportData.Primary;
import org.openmtl.core.report.ReportData.Stats;

/**
 * A self-contained HTML page comparing the methods of a run or sweep: per-task test metrics over
 * seeds with the best marked and Δm% against the single-task baseline, learning curves with phase
 * boundaries, the two-task trade-off with its Pareto front, each configuration's Pareto fronts from a
 * sweep summary ({@link ParetoFigures}), task weights and gradient cosines over
 * training, task affinity, pictures of learned structures, and the cost of each method. Figures are
 * inline SVG drawn here; the page loads nothing and its one small script only shows and hides
 * methods when their legend entry is clicked. Every name from a configuration, dataset or result is
 * escaped.
 */
public final class HtmlReport {

    private HtmlReport() {}

    /**
     * One trial in the report.
     *
     * @param label the trial's name (its configuration and seed)
     * @param group the method it belongs to: trials with the same group are one configuration over
     *     seeds, aggregated in the table and drawn as one line with a min–max band
     * @param result its result (as in result.json)
     */
    public record Entry(String label, String group, Map<String, Object> result) {

        public Entry {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(result, "result");
            group = group == null ? label : group;
        }

        /** A trial that is its own method. */
        public Entry(String label, Map<String, Object> result) {
            this(label, label, result);
        }
    }

    /**
     * Writes the report atomically; every entry is its own method unless entries share a group.
     *
     * @param file the HTML file
     * @param title the page title
     * @param subtitle a line under the title (what was run, how to reproduce it)
     * @param entries the trials
     * @throws IOException if writing fails
     */
    public static void write(Path file, String title, String subtitle, List<Entry> entries) throws IOException {
        DurableFiles.writeString(file, render(title, subtitle, entries, Map.of(), null));
    }

    /**
     * Writes the report with a sweep's summary (as {@code SweepSummary.summarize} returns it), whose
     * groups give Δm% and negative transfer for the methods with the same label, atomically.
     *
     * @param file the HTML file
     * @param title the page title
     * @param subtitle a line under the title
     * @param entries the trials, grouped into methods by {@link Entry#group()}
     * @param summary the summary, or an empty map
     * @throws IOException if writing fails
     */
    public static void write(Path file, String title, String subtitle, List<Entry> entries, Map<String, Object> summary)
            throws IOException {
        DurableFiles.writeString(file, render(title, subtitle, entries, summary, null));
    }

    /**
     * Writes the report with a Markdown summary table (as {@code summary.md} holds) shown as given.
     *
     * @param file the HTML file
     * @param title the page title
     * @param subtitle a line under the title
     * @param entries the trials
     * @param summaryTable a Markdown pipe table, or null for none
     * @throws IOException if writing fails
     */
    public static void write(Path file, String title, String subtitle, List<Entry> entries, String summaryTable)
            throws IOException {
        DurableFiles.writeString(file, render(title, subtitle, entries, Map.of(), summaryTable));
    }


    /**
     * Renders the report without a sweep summary.
     *
     * @param title the page title
     * @param subtitle a line under the title
     * @param entries the trials
     * @return the HTML text
     */
    public static String render(String title, String subtitle, List<Entry> entries) {
        return render(title, subtitle, entries, Map.of(), null);
    }

    /**
     * Renders the report.
     *
     * @param title the page title
     * @param subtitle a line under the title
     * @param entries the trials
     * @param summary a sweep summary (Δm% per group), or an empty map
     * @param summaryTable a Markdown table shown as given, or null
     * @return the HTML text
     */
    public static String render(String title, String subtitle, List<Entry> entries, Map<String, Object> summary,
            String summaryTable) {
        return new Page(new ReportData(entries, summary == null ? Map.of() : summary)).render(title, subtitle, summaryTable);
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
                sb.append('<').append(tag).append('>').append(escape(cell.strip())).append("</").append(tag).append('>');
            }
            sb.append("</tr>");
            row++;
        }
        return sb.append("</table>").toString();
    }

    /** One rendering of the page: its sections, figure numbers and table of contents. */
    private static final class Page {

        private final ReportData data;
        private final StringBuilder body = new StringBuilder();
        private final List<String[]> contents = new ArrayList<>();
        private int figures;

        Page(ReportData data) {
            this.data = data;
        }

        String render(String title, String subtitle, String summaryTable) {
            resultsSection();
            trainSizeSection();
            if (summaryTable != null && !summaryTable.isBlank()) {
                section("summary-table", "Summary table");
                body.append("<div class=\"scroll\">").append(table(summaryTable)).append("</div>");
            }
            curvesSection();
            tradeOffSection();
            paretoSection();
            weightsSection();
            cosineSection();
            affinitySection();
            transferMatrixSection();
            structureSection();
            costSection();
            trialsSection();

            StringBuilder sb = new StringBuilder(body.length() + 8192);
            sb.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                    .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                    .append("<title>").append(escape(title)).append("</title><style>").append(CSS).append("</style></head><body>");
            sb.append("<header><h1>").append(escape(title)).append("</h1><p class=\"sub\">").append(escape(subtitle)).append("</p>");
            int trials = data.methods.stream().mapToInt(m -> m.trials().size()).sum();
            sb.append("<p class=\"meta\">").append(data.methods.size()).append(data.methods.size() == 1 ? " method, " : " methods, ")
                    .append(trials).append(trials == 1 ? " trial, " : " trials, ").append(data.tasks.size())
                    .append(data.tasks.size() == 1 ? " task" : " tasks").append(data.tasks.isEmpty() ? "" : ": ");
            List<String> taskNames = new ArrayList<>();
            for (String t : data.tasks) {
                Primary p = data.primary.get(t);
                taskNames.add("<b>" + escape(t) + "</b> (" + escape(p.metric()) + ", " + (p.higherIsBetter() ? "higher" : "lower")
                        + " is better)");
            }
            sb.append(String.join(", ", taskNames)).append("</p></header>");
            sb.append("<nav class=\"toc\" aria-label=\"contents\"><h2>Contents</h2><ol>");
            for (String[] c : contents) {
                sb.append("<li><a href=\"#").append(c[0]).append("\">").append(escape(c[1])).append("</a></li>");
            }
            sb.append("</ol></nav><main>").append(body).append("</main>");
            sb.append("<footer>Written by OpenMTL. Figures are drawn from each trial's result.json; hover a point, bar or cell for its"
                    + " value, click a legend entry to hide or show a method.</footer>");
            sb.append("<script>").append(SCRIPT).append("</script></body></html>\n");
            return sb.toString();
        }

        private void section(String id, String heading) {
            contents.add(new String[] {id, heading});
            body.append("<section id=\"").append(id).append("\"><h2>").append(escape(heading)).append("</h2>");
        }

        private void endSection() {
            body.append("</section>");
        }

        /** A numbered figure; svg is trusted (drawn here), title and caption are escaped. */
        private void figure(String id, String kind, String title, String content, String caption, String legend) {
            figures++;
            body.append("<figure id=\"").append(id).append("\" class=\"fig\" data-figure=\"").append(kind).append("\">")
                    .append("<div class=\"fig-title\">").append(escape(title)).append("</div>");
            if (legend != null) {
                body.append(legend);
            }
            body.append(content).append("<figcaption><b>Figure ").append(figures).append(".</b> ").append(escape(caption))
                    .append("</figcaption></figure>");
        }

        /** The legend of the methods, whose entries show and hide a method in every figure. */
        private String methodLegend(List<Method> methods) {
            StringBuilder sb = new StringBuilder("<div class=\"legend\">");
            for (Method m : methods) {
                sb.append("<button type=\"button\" data-m=\"").append(m.index()).append("\" aria-pressed=\"true\" title=\"show or hide ")
                        .append(escape(m.label())).append("\">").append(swatch(m.index())).append(escape(m.label())).append("</button>");
            }
            return sb.append("</div>").toString();
        }

        private static String swatch(int color) {
            String dash = Palette.dash(color);
            return "<svg class=\"swatch\" width=\"22\" height=\"10\" aria-hidden=\"true\"><line x1=\"1\" y1=\"5\" x2=\"21\" y2=\"5\" stroke=\""
                    + Palette.color(color) + "\" stroke-width=\"3\"" + (dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\"")
                    + "/></svg>";
        }

        private static String taskLegend(List<String> tasks) {
            StringBuilder sb = new StringBuilder("<div class=\"legend static\">");
            for (int i = 0; i < tasks.size(); i++) {
                sb.append("<span>").append(swatch(i)).append(escape(tasks.get(i))).append("</span>");
            }
            return sb.append("</div>").toString();
        }

        // ---------------------------------------------------------------- sections

        private void resultsSection() {
            section("results", "Results per method");
            if (data.methods.isEmpty()) {
                body.append("<p class=\"note\">No trials.</p>");
                endSection();
                return;
            }
            Map<String, Double> best = new LinkedHashMap<>();
            for (String task : data.tasks) {
                boolean higher = data.primary.get(task).higherIsBetter();
                double b = Double.NaN;
                for (Method m : data.methods) {
                    double v = data.testMetric(m, task).mean();
                    if (Double.isFinite(v) && (!Double.isFinite(b) || (higher ? v > b : v < b))) {
                        b = v;
                    }
                }
                best.put(task, b);
            }
            boolean anyTransfer = data.methods.stream().anyMatch(m -> data.transfer(m) != null);
            body.append("<p class=\"note\">Test metrics at each trial's selected epoch: mean \u00b1 sample standard deviation over the"
                    + " completed seeds. <span class=\"best-mark\">\u2605</span> marks the best mean per task (the metric's"
                    + " direction respected)");
            body.append(anyTransfer ? "; below a value, the task's relative gain against the single-task network of the same seed,"
                    + " <span class=\"neg\">\u25bc</span> where it is negative (negative transfer)." : ".");
            body.append("</p><div class=\"scroll\"><table class=\"results\"><thead><tr><th>method</th><th>seeds</th>");
            for (String task : data.tasks) {
                Primary p = data.primary.get(task);
                body.append("<th>").append(escape(task)).append("<br><small>").append(escape(p.metric())).append(' ')
                        .append(p.higherIsBetter() ? "\u2191" : "\u2193").append("</small></th>");
            }
            if (anyTransfer) {
                body.append("<th>\u0394m%<br><small>vs single-task \u2191</small></th>");
            }
            body.append("<th>parameters</th><th>ms/step</th><th>peak memory</th></tr></thead><tbody>");
            for (Method m : data.methods) {
                int failed = m.trials().size() - m.completed().size();
                body.append("<tr><th scope=\"row\">").append(swatch(m.index())).append(escape(m.label())).append("</th><td>")
                        .append(m.completed().size()).append(failed > 0 ? " <span class=\"failed\">(" + failed + " failed)</span>" : "")
                        .append("</td>");
                ReportData.Transfer transfer = data.transfer(m);
                for (String task : data.tasks) {
                    Stats s = data.testMetric(m, task);
                    boolean isBest = s.present() && data.methods.size() > 1 && s.mean() == best.get(task);
                    body.append("<td").append(isBest ? " class=\"best\"" : "").append('>');
                    body.append(s.present() ? valueText(s, data.primary.get(task).metric()) : "\u2014");
                    if (isBest) {
                        body.append(" <span class=\"best-mark\" title=\"best mean for this task\">\u2605</span>");
                    }
                    if (transfer != null && transfer.gains().get(task) != null && Double.isFinite(transfer.gains().get(task))) {
                        double g = transfer.gains().get(task);
                        boolean negative = transfer.negative().contains(task);
                        body.append("<br><small class=\"").append(negative ? "neg" : "gain").append("\" title=\"")
                                .append(negative ? "negative transfer: " : "").append("relative gain vs single-task\">")
                                .append(negative ? "\u25bc " : "").append(String.format(Locale.ROOT, "%+.2f%%", g)).append("</small>");
                    }
                    body.append("</td>");
                }
                if (anyTransfer) {
                    if (transfer == null || !Double.isFinite(transfer.deltaM().mean())) {
                        body.append("<td>\u2014</td>");
                    } else {
                        Stats d = transfer.deltaM();
                        body.append("<td class=\"").append(d.mean() < 0 ? "neg" : "gain").append("\">")
                                .append(String.format(Locale.ROOT, "%+.2f", d.mean()))
                                .append(d.n() > 1 ? String.format(Locale.ROOT, " \u00b1 %.2f", d.std()) : "");
                        if (!transfer.negative().isEmpty()) {
                            body.append("<br><small>negative: ").append(escape(String.join(", ", transfer.negative()))).append("</small>");
                        }
                        body.append("</td>");
                    }
                }
                Stats params = data.resultNumber(m, "parameters");
                Stats ms = data.resultNumber(m, "ms_per_step");
                Stats rss = data.resultNumber(m, "peak_rss_mb");
                body.append("<td>").append(params.present() ? String.format(Locale.ROOT, "%,d", Math.round(params.mean())) : "\u2014")
                        .append("</td><td>").append(ms.present() ? String.format(Locale.ROOT, "%.2f", ms.mean())
                                + (ms.n() > 1 ? String.format(Locale.ROOT, " \u00b1 %.2f", ms.std()) : "") : "\u2014")
                        .append("</td><td>").append(rss.present() ? String.format(Locale.ROOT, "%,.0f MB", rss.mean()) : "\u2014")
                        .append("</td></tr>");
            }
            body.append("</tbody></table></div>");
            endSection();
        }

        /** Δm% against single-task per training-set size, from a sweep summary over dataset.train.limit. */
        private void trainSizeSection() {
            List<String> sizes = new ArrayList<>();
            List<Integer> limits = new ArrayList<>();
            for (Object o : ReportData.list(data.transferBySize.get("sizes"))) {
                int limit = (int) number(o);
                limits.add(limit);
                sizes.add(limit == 0 ? "all" : String.format(Locale.ROOT, "%,d", limit));
            }
            List<String> labels = new ArrayList<>();
            List<Charts.Series> series = new ArrayList<>();
            for (Object o : ReportData.list(data.transferBySize.get("rows"))) {
                Map<String, Object> row = map(o);
                String label = String.valueOf(row.get("configuration"));
                List<double[]> points = new ArrayList<>();
                for (Object c : ReportData.list(row.get("cells"))) {
                    Map<String, Object> cell = map(c);
                    Map<String, Object> d = map(cell.get("delta_m_percent"));
                    double mean = number(d.get("mean"));
                    double std = number(d.get("n")) > 1 ? number(d.get("std")) : Double.NaN;
                    points.add(new double[] {limits.indexOf((int) number(cell.get("train_limit"))), mean,
                            Double.isFinite(std) ? mean - std : Double.NaN, Double.isFinite(std) ? mean + std : Double.NaN});
                }
                series.add(new Charts.Series(label, labels.size(), -1, points));
                labels.add(label);
            }
            String svg = Charts.categoryLines("\u0394m% against the single-task networks per training-set size", series, sizes, 0,
                    "training examples (" + ReportData.TRAIN_LIMIT + ")", "\u0394m% vs single-task");
            if (svg == null) {
                return;
            }
            section("transfer-size", "Forward transfer by training-set size");
            body.append("<p class=\"note\">\u0394m% of each configuration against the single-task networks trained on the same"
                    + " examples (the same " + ReportData.TRAIN_LIMIT + " and seed), per training-set size; sizes are evenly spaced"
                    + " in increasing order, \u201call\u201d is every training example. Above the dashed line the configuration beats"
                    + " the single-task networks at that size.</p>");
            figure("fig-transfer-size", "transfer-by-size", "\u0394m% by training-set size", svg,
                    "\u0394m% against single-task per " + ReportData.TRAIN_LIMIT + ": mean over seeds, the band \u00b1 one sample"
                            + " standard deviation where there are several seeds.", taskLegend(labels));
            endSection();
        }

        private static String valueText(Stats s, String metric) {
            boolean percent = metric.toLowerCase(Locale.ROOT).contains("accuracy") && s.max() <= 1 && s.min() >= 0;
            if (percent) {
                return String.format(Locale.ROOT, s.n() > 1 ? "%.2f%% \u00b1 %.2f" : "%.2f%%", 100 * s.mean(), 100 * s.std());
            }
            return Html.metric(s.mean()) + (s.n() > 1 ? " \u00b1 " + Html.metric(s.std()) : "");
        }

        private void curvesSection() {
            List<String> figuresHtml = new ArrayList<>();
            boolean anyBand = false;
            for (int t = 0; t < data.tasks.size(); t++) {
                String task = data.tasks.get(t);
                String metric = data.primary.get(task).metric();
                List<Charts.Series> series = new ArrayList<>();
                for (Method m : data.methods) {
                    List<double[]> points = ReportData.perEpoch(m.usableResults(),
                            r -> r.validation().getOrDefault(task, Map.of()).getOrDefault(metric, Double.NaN));
                    anyBand |= m.usable().size() > 1;
                    series.add(new Charts.Series(m.label(), m.index(), m.index(), points));
                }
                String svg = Charts.lines("validation " + metric + " of " + task + " per epoch", series, phaseMarks(), "epoch",
                        "validation " + metric);
                if (svg != null) {
                    figuresHtml.add(task);
                    figuresHtml.add(svg);
                }
            }
            if (figuresHtml.isEmpty()) {
                return;
            }
            section("curves", "Learning curves");
            body.append("<p class=\"note\">Validation value of each task's primary metric per epoch, one line per method (the mean over"
                    + " its seeds").append(anyBand ? ", the shaded band from the lowest to the highest seed" : "")
                    .append("). Dashed vertical lines mark where an architecture's training phase changes.</p>");
            body.append(methodLegend(data.methods)).append("<div class=\"figs\">");
            for (int i = 0; i < figuresHtml.size(); i += 2) {
                String task = figuresHtml.get(i);
                Primary p = data.primary.get(task);
                figure("fig-curve-" + data.tasks.indexOf(task), "learning-curve", "Task " + task + ": validation " + p.metric(),
                        figuresHtml.get(i + 1), "Validation " + p.metric() + " of task " + task + " per epoch ("
                                + (p.higherIsBetter() ? "higher" : "lower") + " is better).", null);
            }
            body.append("</div>");
            endSection();
        }

        /** Where each method's phase changes (in its first usable trial), named by the new phase. */
        private List<Charts.PhaseMark> phaseMarks() {
            List<Charts.PhaseMark> marks = new ArrayList<>();
            for (Method m : data.methods) {
                if (m.usable().isEmpty()) {
                    continue;
                }
                List<EpochRecord> history = m.usableResults().get(0).history();
                List<Charts.PhaseMark> changes = new ArrayList<>();
                List<Charts.PhaseMark> firsts = new ArrayList<>();
                Set<String> seen = new LinkedHashSet<>();
                String previous = null;
                for (int i = 0; i < history.size(); i++) {
                    String phase = history.get(i).phase();
                    if (phase == null || phase.isEmpty()) {
                        continue;
                    }
                    // numbered rounds of one phase (policy-1, policy-2, ...) are one kind of phase
                    String kind = phase.replaceAll("-\\d+$", "");
                    double epoch = history.get(i).epoch() > 0 ? history.get(i).epoch() : i + 1;
                    if (previous == null) {
                        seen.add(kind);
                    } else if (!kind.equals(previous)) {
                        Charts.PhaseMark mark = new Charts.PhaseMark(epoch - 0.5, kind, m.index());
                        changes.add(mark);
                        if (seen.add(kind)) {
                            firsts.add(mark);
                        }
                    }
                    previous = kind;
                }
                // alternating phases (policy, weights, policy, ...) would hide the curves: only the first of each then
                marks.addAll(changes.size() > 4 ? firsts : changes);
            }
            return marks;
        }

        private void tradeOffSection() {
            if (data.tasks.size() != 2) {
                return;
            }
            String a = data.tasks.get(0);
            String b = data.tasks.get(1);
            Primary pa = data.primary.get(a);
            Primary pb = data.primary.get(b);
            List<Charts.ScatterGroup> groups = new ArrayList<>();
            for (Method m : data.methods) {
                List<double[]> points = new ArrayList<>();
                List<String> labels = new ArrayList<>();
                for (Entry e : m.completed()) {
                    Map<String, Object> tasks = map(e.result().get("tasks"));
                    points.add(new double[] {number(map(tasks.get(a)).get(pa.metric())), number(map(tasks.get(b)).get(pb.metric()))});
                    labels.add(m.label() + ", " + ReportData.seedLabel(e));
                }
                groups.add(new Charts.ScatterGroup(m.label(), m.index(), points, labels));
            }
            String svg = Charts.scatter("test " + pa.metric() + " of " + a + " against test " + pb.metric() + " of " + b, groups,
                    a + " " + pa.metric(), pa.higherIsBetter(), b + " " + pb.metric(), pb.higherIsBetter());
            if (svg == null) {
                return;
            }
            section("tradeoff", "Two-task trade-off");
            figure("fig-pareto", "pareto", "Task " + a + " against task " + b + " (test)", svg,
                    "Test " + pa.metric() + " of " + a + " against test " + pb.metric() + " of " + b
                            + ": hollow points are single seeds, filled points the method means; the dashed staircase is the Pareto"
                            + " front of the means (ringed), the methods no other method beats in both tasks.",
                    methodLegend(data.methods));
            endSection();
        }

        /** The sweep summary's Pareto fronts per configuration: one figure and one table per front. */
        private void paretoSection() {
            String[][] kinds = {{"test", "Test metrics"}, {"train_loss", "Final training losses"}};
            List<String[]> shown = new ArrayList<>();
            List<ParetoFigures.Front> fronts = new ArrayList<>();
            for (String[] kind : kinds) {
                ParetoFigures.Front front = ParetoFigures.read(map(data.paretoFront.get(kind[0])), data::methodIndex,
                        data.methods.size());
                if (front != null) {
                    shown.add(kind);
                    fronts.add(front);
                }
            }
            if (fronts.isEmpty()) {
                return;
            }
            section("pareto-fronts", "Pareto fronts per configuration");
            int k = fronts.get(0).dimensions();
            body.append("<p class=\"note\">Each configuration's trials (one point per seed) as a front, as the sweep summary"
                    + " measured them (summary.json, pareto_front; see docs/pareto.md). Filled markers: the configuration's"
                    + " non-dominated points; hollow markers: points another point of the same configuration dominates");
            if (k == 2) {
                body.append("; the line joining a configuration's non-dominated points bounds the region they dominate");
            } else if (k <= ParetoFigures.MAX_PROJECTED) {
                body.append(" (in all ").append(k).append(" objectives: a point may look dominated in a projection and not be)");
            } else {
                body.append("; each line is a point, every axis oriented with the better end up");
            }
            body.append(k > ParetoFigures.MAX_PROJECTED ? ". The black dashed line" : ". The cross")
                    .append(" is the reference point the hypervolumes are measured against, shared by every"
                    + " configuration, so their hypervolumes can be compared within this sweep (not across sweeps). A configuration"
                    + " has a colour and a marker shape.</p>");
            body.append(frontLegend(fronts));
            for (int i = 0; i < fronts.size(); i++) {
                ParetoFigures.Front front = fronts.get(i);
                String[] kind = shown.get(i);
                boolean rays = kind[0].equals("train_loss") && front.dimensions() == 2 && front.hasRays();
                List<String> names = front.objectives().stream().map(ParetoFigures.Objective::shortLabel).toList();
                String what = kind[1].toLowerCase(Locale.ROOT) + " (" + String.join(", ", names) + ")";
                String drawing = front.dimensions() == 2 ? "one plane"
                        : front.dimensions() <= ParetoFigures.MAX_PROJECTED ? "pairwise projections" : "parallel coordinates";
                body.append("<h3>").append(escape(kind[1])).append("</h3><div class=\"pareto-row\">");
                figure("fig-front-" + kind[0], front.dimensions() == 2 ? "pareto-front"
                        : front.dimensions() <= ParetoFigures.MAX_PROJECTED ? "pareto-projections" : "pareto-parallel",
                        "Fronts: " + kind[1].toLowerCase(Locale.ROOT),
                        ParetoFigures.figure(front, "Pareto fronts per configuration, " + what + ", as " + drawing, rays),
                        "Fronts per configuration, " + what + ", " + drawing + (front.dimensions() > ParetoFigures.MAX_PROJECTED
                                ? ": solid lines non-dominated points, pale dashed lines dominated ones, the black dashed line the"
                                        + " shared reference point"
                                : ": filled markers non-dominated, hollow dominated, the cross the shared reference point") + (rays ? "; dotted lines: the preference rays"
                                        + " l \u221d 1/p along which a run reaches its preference exactly" : "") + ".", null);
                body.append("<div class=\"pareto-side\"><p class=\"note\">").append(ParetoFigures.referenceSentence(front))
                        .append("</p><div class=\"scroll\">").append(ParetoFigures.table(front)).append("</div></div></div>");
            }
            endSection();
        }

        /** The configurations of the fronts with their markers; those that are a method of the page show and hide it. */
        private static String frontLegend(List<ParetoFigures.Front> fronts) {
            Map<String, ParetoFigures.Configuration> all = new LinkedHashMap<>();
            fronts.forEach(f -> f.configurations().forEach(c -> all.putIfAbsent(c.label(), c)));
            StringBuilder sb = new StringBuilder("<div class=\"legend\">");
            for (ParetoFigures.Configuration c : all.values()) {
                if (c.method() >= 0) {
                    sb.append("<button type=\"button\" data-m=\"").append(c.method()).append("\" aria-pressed=\"true\" title=\"show or"
                            + " hide ").append(escape(c.label())).append("\">");
                } else {
                    sb.append("<span>");
                }
                sb.append(ParetoFigures.swatch(c.color())).append(escape(c.label())).append(c.method() >= 0 ? "</button>" : "</span>");
            }
            return sb.append("</div>").toString();
        }

        private void weightsSection() {
            List<Method> varying = new ArrayList<>();
            Map<Method, List<Charts.Series>> charts = new LinkedHashMap<>();
            for (Method m : data.methods) {
                List<Charts.Series> series = new ArrayList<>();
                double lo = Double.POSITIVE_INFINITY;
                double hi = Double.NEGATIVE_INFINITY;
                boolean changes = false;
                for (int t = 0; t < data.tasks.size(); t++) {
                    String task = data.tasks.get(t);
                    List<double[]> points = ReportData.perEpoch(m.usableResults(), r -> r.weights().getOrDefault(task, Double.NaN));
                    for (double[] p : points) {
                        lo = Math.min(lo, p[1]);
                        hi = Math.max(hi, p[1]);
                    }
                    double first = points.isEmpty() ? Double.NaN : points.get(0)[1];
                    changes |= points.stream().anyMatch(p -> Math.abs(p[1] - first) > 1e-9 * Math.max(1, Math.abs(first)));
                    series.add(new Charts.Series(task, t, -1, points));
                }
                if (changes && Double.isFinite(lo)) {
                    varying.add(m);
                    charts.put(m, series);
                }
            }
            if (varying.isEmpty()) {
                return;
            }
            section("weights", "Task weights over training");
            body.append("<p class=\"note\">The weight each method gave each task per epoch (mean over seeds, band from the lowest to"
                    + " the highest seed); only methods whose weights change are shown.</p>").append(taskLegend(data.tasks))
                    .append("<div class=\"figs\">");
            for (Method m : varying) {
                String svg = Charts.lines("task weights of " + m.label() + " per epoch", charts.get(m), List.of(), "epoch", "task weight");
                figure("fig-weights-" + m.index(), "weights", "Task weights: " + m.label(), svg,
                        "Task weights of " + m.label() + " per epoch, one line per task.", null);
            }
            body.append("</div>");
            endSection();
        }

        private void cosineSection() {
            List<String[]> out = new ArrayList<>();
            for (Method m : data.methods) {
                int k = data.tasks.size();
                double[][] sum = new double[k][k];
                int[][] count = new int[k][k];
                boolean any = false;
                for (Entry e : m.usable()) {
                    for (Map<String, Object> record : ReportData.history(e.result())) {
                        Map<String, Object> cosine = map(map(record.get("gradients")).get("cosine"));
                        if (cosine.isEmpty()) {
                            cosine = map(map(map(record.get("diagnostics")).get("gradients")).get("cosine"));
                        }
                        for (Map.Entry<String, Object> c : cosine.entrySet()) {
                            int[] pair = pair(c.getKey());
                            double v = number(c.getValue());
                            if (pair != null && Double.isFinite(v)) {
                                sum[pair[0]][pair[1]] += v;
                                sum[pair[1]][pair[0]] += v;
                                count[pair[0]][pair[1]]++;
                                count[pair[1]][pair[0]]++;
                                any = true;
                            }
                        }
                    }
                }
                if (!any) {
                    continue;
                }
                double[][] mean = new double[k][k];
                List<Integer> measured = new ArrayList<>();
                for (int i = 0; i < k; i++) {
                    boolean row = false;
                    for (int j = 0; j < k; j++) {
                        mean[i][j] = i == j ? 1 : count[i][j] == 0 ? Double.NaN : sum[i][j] / count[i][j];
                        row |= count[i][j] > 0;
                    }
                    if (row) {
                        measured.add(i);
                    }
                }
                List<String> names = measured.stream().map(data.tasks::get).toList();
                double[][] shown = new double[measured.size()][measured.size()];
                for (int i = 0; i < measured.size(); i++) {
                    for (int j = 0; j < measured.size(); j++) {
                        shown[i][j] = mean[measured.get(i)][measured.get(j)];
                    }
                }
                out.add(new String[] {Integer.toString(m.index()), m.label(),
                        Charts.heatmap("gradient cosine between tasks of " + m.label(), names, names, shown, 1, "")});
            }
            if (out.isEmpty()) {
                return;
            }
            section("gradients", "Gradient cosines");
            body.append("<p class=\"note\">Cosine between the tasks' gradients with respect to the shared parameters, averaged over"
                    + " the epochs and seeds (the history's gradient diagnostics). Blue: aligned gradients; orange: conflicting.</p>"
                    + "<div class=\"figs\">");
            for (String[] f : out) {
                figure("fig-cosine-" + f[0], "gradient-cosine", "Gradient cosine: " + f[1], f[2],
                        "Mean gradient cosine between tasks for " + f[1] + ".", null);
            }
            body.append("</div>");
            endSection();
        }

        /** The two tasks a "a|b" diagnostics key names, matched against the known task names. */
        private int[] pair(String key) {
            for (int i = 0; i < data.tasks.size(); i++) {
                String a = data.tasks.get(i);
                if (key.startsWith(a + "|")) {
                    int j = data.tasks.indexOf(key.substring(a.length() + 1));
                    if (j >= 0) {
                        return new int[] {i, j};
                    }
                }
            }
            return null;
        }

        private void affinitySection() {
            String[][] measures = {{"gradient_cosine", "gradient cosine"}, {"lookahead", "lookahead (row \u2192 column)"},
                    {"difficult_examples", "difficult-example agreement"}};
            List<String[]> out = new ArrayList<>();
            for (Method m : data.methods) {
                for (Entry e : m.usable()) {
                    Map<String, Object> affinity = map(e.result().get("affinity"));
                    for (int k = 0; k < measures.length; k++) {
                        Map<String, Object> matrix = map(affinity.get(measures[k][0]));
                        if (matrix.isEmpty()) {
                            continue;
                        }
                        List<String> names = new ArrayList<>(matrix.keySet());
                        double[][] values = new double[names.size()][names.size()];
                        double max = 1e-12;
                        for (int i = 0; i < names.size(); i++) {
                            Map<String, Object> row = map(matrix.get(names.get(i)));
                            for (int j = 0; j < names.size(); j++) {
                                values[i][j] = number(row.get(names.get(j)));
                                if (Double.isFinite(values[i][j])) {
                                    max = Math.max(max, Math.abs(values[i][j]));
                                }
                            }
                        }
                        String who = m.trials().size() > 1 ? m.label() + ", " + ReportData.seedLabel(e) : m.label();
                        out.add(new String[] {"fig-affinity-" + m.index() + "-" + m.trials().indexOf(e) + "-" + k,
                                measures[k][1] + ": " + who, Charts.heatmap(measures[k][1] + " of " + who, names, names, values, max,
                                        measures[k][0].equals("lookahead") ? "affected task" : "")});
                    }
                }
            }
            if (out.isEmpty()) {
                return;
            }
            section("affinity", "Task affinity");
            body.append("<p class=\"note\">Averaged over the epochs (diagnostics.affinity=true). Gradient cosine and difficult-example"
                    + " agreement are symmetric; lookahead row i, column j is the relative drop of task j's loss after the optimizer's"
                    + " update on task i alone, per unit of learning rate (TAG). Blue: positive, orange: negative; colours scaled to the largest magnitude.</p><div class=\"figs\">");
            for (String[] f : out) {
                figure(f[0], "affinity", f[1], f[2], "Task affinity (" + f[1] + ").", null);
            }
            body.append("</div>");
            endSection();
        }

        /** The transfer matrix of ./mtl transfer: normalized and raw, sources by targets. */
        private void transferMatrixSection() {
            if (data.transferMatrix.isEmpty()) {
                return;
            }
            List<String> targets = new ArrayList<>();
            ReportData.list(data.transferMatrix.get("targets")).forEach(t -> targets.add(String.valueOf(t)));
            List<String> sources = new ArrayList<>();
            ReportData.list(data.transferMatrix.get("sources")).forEach(s -> sources.add(String.valueOf(map(s).get("name"))));
            Map<String, Object> raw = map(data.transferMatrix.get("raw"));
            String[][] shown = {{"normalized", "normalized (ordinal win rates)"}, {"primary", "raw test primary metric"},
                    {"loss", "raw test loss"}};
            section("transfer-matrix", "Transfer matrix");
            body.append("<p class=\"note\">Rows: source encoders, frozen; columns: target tasks; each cell a readout trained on"
                    + " the encoder's features with the same budget (Taskonomy, Zamir et al. 2018). Normalized: ")
                    .append(escape(String.valueOf(data.transferMatrix.get("normalization"))))
                    .append(". Colours scaled to each matrix's largest magnitude.</p><div class=\"figs\">");
            for (int k = 0; k < shown.length; k++) {
                Map<String, Object> matrix = map(k == 0 ? data.transferMatrix.get("normalized") : raw.get(shown[k][0]));
                double[][] values = new double[sources.size()][targets.size()];
                double max = 1e-12;
                for (int i = 0; i < sources.size(); i++) {
                    Map<String, Object> row = map(matrix.get(sources.get(i)));
                    for (int j = 0; j < targets.size(); j++) {
                        values[i][j] = number(row.get(targets.get(j)));
                        if (Double.isFinite(values[i][j])) {
                            max = Math.max(max, Math.abs(values[i][j]));
                        }
                    }
                }
                figure("fig-transfer-matrix-" + k, "transfer-matrix", "Transfer: " + shown[k][1],
                        Charts.heatmap("transfer matrix, " + shown[k][1], sources, targets, values, max, "target task"),
                        "Transfer matrix (" + shown[k][1] + "), source rows to target columns.", null);
            }
            body.append("</div>");
            endSection();
        }

        private void structureSection() {
            List<String[]> out = new ArrayList<>();
            for (Method m : data.methods) {
                // one picture per distinct structure of the method (seeds may learn different ones)
                Map<String, List<String>> distinct = new LinkedHashMap<>();
                Map<String, Object> structures = new LinkedHashMap<>();
                for (Entry e : m.usable()) {
                    Object s = e.result().get("structure");
                    if (s == null || (s instanceof Map<?, ?> mp && mp.isEmpty())) {
                        continue;
                    }
                    String key = StructureFigures.json(s);
                    distinct.computeIfAbsent(key, k -> new ArrayList<>()).add(ReportData.seedLabel(e));
                    structures.put(key, s);
                }
                int k = 0;
                for (Map.Entry<String, List<String>> d : distinct.entrySet()) {
                    String who = m.label() + (m.usable().size() > 1 ? " (" + String.join(", ", d.getValue()) + ")" : "");
                    out.add(new String[] {"fig-structure-" + m.index() + "-" + k++, who,
                            StructureFigures.render(structures.get(d.getKey()), data.tasks)});
                }
            }
            if (out.isEmpty()) {
                return;
            }
            section("structures", "Learned structures");
            body.append("<p class=\"note\">The structure each adaptive architecture ended with (result.json's structure). A branching"
                    + " tree runs from the input through each layer's nodes, labelled with the tasks they serve, to one head per task; a"
                    + " policy matrix shows per task and block the select probability and whether the block is executed.</p>");
            for (String[] f : out) {
                figure(f[0], "structure", "Structure: " + f[1], "<div class=\"structure\">" + f[2] + "</div>",
                        "Structure learned by " + f[1] + ".", null);
            }
            endSection();
        }

        private void costSection() {
            List<Charts.Bar> time = new ArrayList<>();
            List<Charts.Bar> memory = new ArrayList<>();
            for (Method m : data.methods) {
                Stats ms = data.resultNumber(m, "ms_per_step");
                Stats rss = data.resultNumber(m, "peak_rss_mb");
                time.add(new Charts.Bar(m.label(), m.index(), ms.mean(), ms.n() > 1 ? ms.min() : Double.NaN, ms.max(),
                        ms.present() ? String.format(Locale.ROOT, "%.2f ms", ms.mean()) : "\u2014"));
                memory.add(new Charts.Bar(m.label(), m.index(), rss.mean(), rss.n() > 1 ? rss.min() : Double.NaN, rss.max(),
                        rss.present() ? String.format(Locale.ROOT, "%,.0f MB", rss.mean()) : "\u2014"));
            }
            String timeSvg = Charts.bars("milliseconds per training step per method", time, "ms per training step");
            String memorySvg = Charts.bars("peak resident memory per method", memory, "peak resident memory of the trial (MB)");
            if (timeSvg == null && memorySvg == null) {
                return;
            }
            section("cost", "Cost per method");
            body.append("<div class=\"figs\">");
            if (timeSvg != null) {
                figure("fig-cost-time", "cost-time", "Time per training step", timeSvg,
                        "Median milliseconds per training step of each trial, mean over seeds (whisker: lowest to highest seed).", null);
            }
            if (memorySvg != null) {
                figure("fig-cost-memory", "cost-memory", "Peak memory", memorySvg,
                        "Peak resident memory of each trial's JVM, mean over seeds (whisker: lowest to highest seed); \u2014 where a"
                                + " trial did not record it.", null);
            } else {
                body.append("<p class=\"note\">No trial recorded its peak memory.</p>");
            }
            body.append("</div>");
            endSection();
        }

        private void trialsSection() {
            section("trials", "Trials");
            body.append("<div class=\"scroll\"><table class=\"trials\"><thead><tr><th>trial</th><th>method</th><th>status</th>"
                    + "<th>selected epoch</th><th>epochs</th><th>seconds</th></tr></thead><tbody>");
            for (Method m : data.methods) {
                for (int i = 0; i < m.trials().size(); i++) {
                    Entry e = m.trials().get(i);
                    RunResult r = m.results().get(i);
                    String status = r.status() == null ? "unknown" : r.status().json();
                    boolean ok = r.completed();
                    body.append("<tr><td>").append(escape(e.label())).append("</td><td>").append(escape(m.label())).append("</td><td")
                            .append(ok ? "" : " class=\"failed\"").append('>').append(escape(status));
                    if (!ok && r.reason() != null) {
                        body.append(": ").append(escape(r.reason()));
                    }
                    body.append("</td><td>").append(r.selectedEpoch() > 0 ? Integer.toString(r.selectedEpoch()) : "\u2014")
                            .append("</td><td>").append(r.epochsCompleted())
                            .append("</td><td>").append(Double.isFinite(r.seconds()) && r.seconds() > 0
                                    ? String.format(Locale.ROOT, "%.1f", r.seconds()) : "\u2014")
                            .append("</td></tr>");
                }
            }
            body.append("</tbody></table></div>");
            endSection();
        }
    }

    private static final String CSS = """
            :root{--ink:#1d2330;--muted:#5b6472;--line:#dde1e7;--card:#fff;--bg:#f6f7f9;--accent:#0072B2}
            *{box-sizing:border-box}
            body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);
            background:var(--bg);margin:0;padding:0 clamp(.75rem,3vw,2.5rem) 3rem;max-width:1280px;margin-inline:auto}
            header{padding:1.6rem 0 .4rem}
            h1{font-size:1.65rem;margin:0 0 .2rem;letter-spacing:-.01em}
            h2{font-size:1.25rem;margin:0 0 .6rem;padding-top:.4rem}
            p.sub{color:var(--muted);margin:.1rem 0}
            p.meta{color:var(--muted);font-size:.92rem;margin:.3rem 0}
            p.note{color:var(--muted);font-size:.92rem;max-width:75ch}
            nav.toc{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.6rem 1.2rem;margin:1rem 0}
            nav.toc h2{font-size:1rem;margin:0}
            nav.toc ol{margin:.3rem 0;padding-left:1.3rem;columns:2 16rem}
            a{color:var(--accent)}
            section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:1rem 1.3rem;margin:1.2rem 0}
            .scroll{overflow-x:auto}
            table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:.92rem}
            th,td{padding:.4rem .7rem;border-bottom:1px solid var(--line);text-align:right;vertical-align:top;white-space:nowrap}
            thead th{background:#f0f2f5;font-weight:600}
            th:first-child,td:first-child,tbody th{text-align:left}
            tbody th{font-weight:600}
            td.best{font-weight:700}
            .best-mark{color:#B8860B}
            .neg{color:#B34700}
            .gain{color:#00598C}
            .failed{color:#B34700}
            small{font-size:.8em}
            .figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,470px),1fr));gap:1.2rem}
            figure.fig{margin:0;padding:.7rem;border:1px solid var(--line);border-radius:6px;background:#fff;min-width:0}
            .fig-title{font-weight:600;margin-bottom:.3rem}
            figcaption{font-size:.86rem;color:var(--muted);margin-top:.3rem}
            figure svg{display:block;height:auto;margin:0 auto}
            .structure{overflow-x:auto}
            .legend{display:flex;flex-wrap:wrap;gap:.3rem .5rem;margin:.3rem 0 .8rem}
            .legend button,.legend span{font:inherit;font-size:.86rem;border:1px solid var(--line);background:#fff;border-radius:999px;
            padding:.1rem .6rem;display:inline-flex;align-items:center;gap:.35rem;color:var(--ink)}
            .legend button{cursor:pointer}
            .legend button[aria-pressed=false]{opacity:.4;text-decoration:line-through}
            svg.swatch{display:inline-block;vertical-align:middle;margin-right:.3rem}
            pre.json{background:#f4f5f7;border:1px solid var(--line);border-radius:6px;padding:.6rem;overflow:auto;max-height:26rem;font-size:.8rem}
            footer{color:var(--muted);font-size:.85rem;margin-top:2rem}
            svg text{font-family:inherit}
            svg .tick{font-size:11px;fill:#4a5260}
            svg .axis-label{font-size:12.5px;fill:#1d2330}
            svg .plot{fill:#fcfcfd;stroke:#c9ced6}
            svg .grid{stroke:#eceef2}
            svg .axis{stroke:#8a919c}
            svg .line{fill:none;stroke-width:2.2;stroke-linejoin:round}
            svg .band{opacity:.14}
            svg .phase{stroke-dasharray:5 4;stroke-width:1.3}
            svg .phase-label{font-size:10.5px}
            svg .pareto{fill:none;stroke:#333;stroke-width:1.6;stroke-dasharray:7 4}
            svg .seed{fill:#fff;stroke-width:1.8}
            svg .mean{stroke:#fff;stroke-width:1.5}
            svg .front-ring{fill:none;stroke-width:1.6}
            svg .whisker{stroke:#222;stroke-width:1.3}
            svg .bar-label,svg .node-label{font-size:12px;fill:#1d2330}
            svg .node-label.on-dark{fill:#fff}
            svg .edge{fill:none;stroke:#9aa1ab;stroke-width:1.8}
            svg .node{stroke:#5b6472;stroke-width:1.2}
            svg .cell{stroke:#fff;stroke-width:1}
            svg .cell.on{stroke:#1d2330;stroke-width:2}
            svg .cell-text{font-size:11px}
            svg .skip{stroke:#5b6472;stroke-width:1.5}
            svg .colorbar{fill:none;stroke:#9aa1ab}
            svg .reference{stroke:#333;stroke-width:1.2;stroke-dasharray:4 3}
            svg .front-line{fill:none;stroke-width:2;stroke-linejoin:round}
            svg .pt.nd{stroke-width:1}
            svg .pt.dom{stroke-width:1.6}
            svg .pt.parallel{fill:none;stroke-width:1.8}
            svg .pt.dom.parallel{stroke-width:1.2;stroke-dasharray:3 3;opacity:.55}
            svg .preference-ray{stroke-width:1.3;stroke-dasharray:2 4}
            svg .ray-hover{stroke:transparent;stroke-width:8;fill:none}
            svg .reference-cross{stroke:#1d2330;stroke-width:2}
            svg .reference-hit{fill:transparent}
            h3{font-size:1.05rem;margin:1rem 0 .4rem}
            .pareto-row{display:flex;flex-wrap:wrap;gap:1.2rem;align-items:flex-start}
            .pareto-row figure.fig{flex:0 1 540px;min-width:min(100%,420px)}
            .pareto-side{flex:1 1 420px;min-width:0}
            table.pareto-table th,table.pareto-table td{padding:.35rem .5rem}
            table.pareto-table thead th,table.pareto-table tbody th{white-space:normal}
            table.pareto-table .nowrap{white-space:nowrap}
            svg .off{display:none}
            @media print{body{background:#fff}section{border:none}.legend button{border:none}}
            """;

    /** Shows and hides a method in every figure when its legend entry is clicked. */
    private static final String SCRIPT = """
            (function(){
              document.querySelectorAll('.legend button[data-m]').forEach(function(button){
                button.addEventListener('click', function(){
                  var m = button.getAttribute('data-m');
                  var hide = button.getAttribute('aria-pressed') !== 'false';
                  document.querySelectorAll('.legend button[data-m="' + m + '"]').forEach(function(b){
                    b.setAttribute('aria-pressed', hide ? 'false' : 'true');
                  });
                  document.querySelectorAll('svg [data-m="' + m + '"]').forEach(function(g){
                    g.classList.toggle('off', hide);
                  });
                });
              });
            })();
            """;
}
