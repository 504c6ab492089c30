package org.openmtl.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private static final List<String> TASKS = List.of("left", "right");

    @Test
    void theBestMeanPerTaskIsMarkedRespectingTheMetricsDirection() {
        Map<String, Object> low = ReportFixtures.trial(TASKS, 0.2, 1, 3, false, null);
        Map<String, Object> high = ReportFixtures.trial(TASKS, 0.4, 1, 3, false, null);
        // "right" measured by accuracy (higher is better): the 0.4 method is best there
        for (Map<String, Object> r : List.of(low, high)) {
            r.put("primary_metrics", Map.of("left", Map.of("metric", "mse", "higher_is_better", false),
                    "right", Map.of("metric", "mse", "higher_is_better", true)));
        }
        String html = HtmlReport.render("t", "s", List.of(new HtmlReport.Entry("low", low), new HtmlReport.Entry("high", high)));
        String table = html.substring(html.indexOf("<table class=\"results\""), html.indexOf("</table>"));
        List<String> rows = List.of(table.split("<tr>"));
        String lowRow = rows.stream().filter(r -> r.contains("low</th>")).findFirst().orElseThrow();
        String highRow = rows.stream().filter(r -> r.contains("high</th>")).findFirst().orElseThrow();
        assertTrue(lowRow.contains("<td class=\"best\">0.2030"), lowRow);
        assertTrue(highRow.contains("<td class=\"best\">0.4130"), highRow);
        assertEquals(1, count(lowRow, "class=\"best\""));
        assertEquals(1, count(highRow, "class=\"best\""));
    }

    @Test
    void seedsOfAMethodAreAggregatedWithMeanAndStandardDeviation() {
        List<HtmlReport.Entry> entries = ReportFixtures.sweep(TASKS, List.of("a", "b"));
        String html = HtmlReport.render("t", "s", entries);
        // a: left mse 0.203 and 0.206 -> mean 0.2045, sample std 0.00212
        assertTrue(html.contains("0.2045 \u00b1 0.0021"), html);
        assertTrue(html.contains("<td>2</td>"), "two seeds per method");
    }

    @Test
    void deltaMByTrainingSetSizeIsAFigureWithAPointPerSizeAndSeedSpread() {
        List<HtmlReport.Entry> entries = ReportFixtures.sweep(TASKS, List.of("weighting=equal", "weighting=mgda"));
        String html = HtmlReport.render("t", "s", entries, ReportFixtures.transferBySize(), null);
        int start = html.indexOf("<figure id=\"fig-transfer-size\"");
        assertTrue(start >= 0, "the figure is drawn");
        String figure = html.substring(start, html.indexOf("</figure>", start));
        // three sizes for the first configuration, two for the second
        assertEquals(5, count(figure, "<circle"));
        // sizes as categories in increasing order, every example last
        assertTrue(figure.indexOf(">100<") < figure.indexOf(">1,000<") && figure.indexOf(">1,000<") < figure.indexOf(">all<"), figure);
        // hover text: mean and ± one standard deviation (the band's half width)
        assertTrue(figure.contains("weighting=equal, training examples (dataset.train.limit) 100: 8.7500 \u00b1 1.5000"), figure);
        assertTrue(figure.contains("weighting=mgda, training examples (dataset.train.limit) all: 0.5000<"), figure);
        assertTrue(figure.contains("class=\"reference\""), "the line of no difference");
        assertTrue(figure.contains("weighting=mgda</span>"), "a legend entry per configuration");
        assertFalse(HtmlReport.render("t", "s", entries).contains("fig-transfer-size"), "no figure without the summary's section");
    }

    @Test
    void deltaMAndNegativeTransferComeFromTheSweepSummary() {
        List<HtmlReport.Entry> entries = ReportFixtures.sweep(TASKS, List.of("architecture=independent", "architecture=hard-sharing"));
        Map<String, Object> transfer = Map.of("delta_m_percent", Map.of("mean", -2.5, "std", 0.5, "n", 2),
                "gain_percent", Map.of("left", Map.of("mean", -4.0), "right", Map.of("mean", -1.0)),
                "negative_transfer", List.of("left", "right"));
        Map<String, Object> summary = Map.of("groups", List.of(Map.of("point", Map.of("architecture", "independent")),
                Map.of("point", Map.of("architecture", "hard-sharing"), "transfer", transfer)));
        String html = HtmlReport.render("t", "s", entries, summary, null);
        assertTrue(html.contains("-2.50 \u00b1 0.50"), html);
        assertTrue(html.contains("\u25bc -4.00%"), html);
        assertTrue(html.contains("negative: left, right"), html);
    }

    @Test
    void deltaMComesFromTheTrialsTransferSectionsWithoutASummary() {
        Map<String, Object> r = ReportFixtures.with(ReportFixtures.trial(TASKS, 0.2, 1, 3, false, null), Map.of("transfer",
                Map.of("delta_m_percent", 3.25, "negative_transfer", List.of(), "tasks",
                        Map.of("left", Map.of("gain_percent", 5.0), "right", Map.of("gain_percent", 1.5)))));
        String html = HtmlReport.render("t", "s", List.of(new HtmlReport.Entry("run", r)));
        assertTrue(html.contains("+3.25"), html);
        assertTrue(html.contains("+5.00%"), html);
    }

    @Test
    void peakMemoryIsShownWhereRecordedAndADashWhereNot() {
        List<HtmlReport.Entry> entries = ReportFixtures.sweep(TASKS, List.of("a", "b"));
        String html = HtmlReport.render("t", "s", entries);
        assertTrue(html.contains("702 MB"), "a: mean of 701 and 703");
        String table = html.substring(html.indexOf("<table class=\"results\""), html.indexOf("</table>"));
        String bRow = List.of(table.split("<tr>")).stream().filter(row -> row.contains("b</th>")).findFirst().orElseThrow();
        assertTrue(bRow.contains("<td>\u2014</td></tr>"), bRow);
    }

    @Test
    void everyFigureKindIsDrawnWhenItsDataIsThere() {
        List<HtmlReport.Entry> entries = ReportFixtures.sweep(TASKS, List.of("a", "b", "c"));
        entries = new java.util.ArrayList<>(entries);
        entries.add(new HtmlReport.Entry("with affinity", ReportFixtures.with(ReportFixtures.trial(TASKS, 0.3, 1, 3, false, null),
                Map.of("affinity", Map.of("lookahead", Map.of("left", Map.of("left", 0.4, "right", -0.2),
                        "right", Map.of("left", 0.1, "right", 0.3)))))));
        String html = HtmlReport.render("t", "s", entries);
        for (String kind : List.of("learning-curve", "pareto", "weights", "gradient-cosine", "affinity", "structure", "cost-time",
                "cost-memory")) {
            assertTrue(html.contains("data-figure=\"" + kind + "\""), kind);
        }
        // weights only for the method whose weights change
        assertTrue(html.contains("id=\"fig-weights-1\""));
        assertFalse(html.contains("id=\"fig-weights-0\""));
        // the phases of method c are marked (numbered rounds as one kind)
        assertTrue(html.contains(">policy</text>") && html.contains(">retrain</text>"), "phase labels");
        // two different structures of c's seeds: a tree and a policy matrix
        assertTrue(html.contains("branching tree over 2 layers"));
        assertTrue(html.contains("policy over 2 tasks and 3 blocks"));
        // the largest affinity magnitude is drawn at full colour
        assertTrue(html.contains("left \u2192 right: -0.2000"), html);
        assertTrue(html.contains("fill=\"rgb(0,114,178)\""), "0.4 of 0.4 at full positive colour");
    }

    @Test
    void twoTaskScatterOnlyForTwoTasks() {
        List<HtmlReport.Entry> three = ReportFixtures.sweep(List.of("a", "b", "c"), List.of("x", "y"));
        assertFalse(HtmlReport.render("t", "s", three).contains("data-figure=\"pareto\""));
    }

    @Test
    void unknownStructuresAreShownAsJsonAndNeverThrow() {
        List<Object> odd = List.of(Map.of("layers", List.of(List.of(1, 2))), Map.of("layers", "not a list"),
                Map.of("select_probability", List.of(List.of(0.5)), "policy", List.of(List.of(1), List.of(0))),
                List.of(1, 2, 3), "just text", Map.of("something", Map.of("deep", List.of(1.5, Double.NaN))));
        for (Object structure : odd) {
            Map<String, Object> r = ReportFixtures.with(ReportFixtures.trial(TASKS, 0.2, 1, 2, false, null),
                    Map.of("structure", structure));
            String html = HtmlReport.render("t", "s", List.of(new HtmlReport.Entry("run", r)));
            assertTrue(html.contains("data-figure=\"structure\""), String.valueOf(structure));
            assertTrue(html.contains("<pre class=\"json\">"), String.valueOf(structure));
        }
    }

    @Test
    void aBranchingTreeHasANodePerGroupAndAHeadPerTask() {
        String svg = StructureFigures.tree(List.of(List.of(List.of("t0", "t2"), List.of("t1", "t3")),
                List.of(List.of("t0", "t2"), List.of("t1"), List.of("t3"))), List.of("t0", "t1", "t2", "t3"));
        // input + 2 + 3 nodes + 4 heads, and an edge into every node but the input
        assertEquals(10, count(svg, "class=\"node\""));
        assertEquals(9, count(svg, "class=\"edge\""));
        assertTrue(svg.contains(">t0, t2</text>") && svg.contains(">heads</text>"));
    }

    @Test
    void namesFromResultsAreEscapedEverywhere() {
        String evil = "<script>alert(1)</script>";
        String amp = "a&b\"c";
        Map<String, Object> r = ReportFixtures.trial(List.of(evil, amp), 0.2, 1, 3, true, List.of(evil, "x"));
        r.put("status", "failed " + evil);
        r.put("reason", amp + evil);
        r.put("structure", Map.of("layers", List.of(List.of(List.of(evil, amp))), evil, amp));
        Map<String, Object> ok = ReportFixtures.with(ReportFixtures.trial(List.of(evil, amp), 0.3, 1, 3, true, null),
                Map.of("structure", ReportFixtures.policyStructure(List.of(evil, amp)), "affinity",
                        Map.of("lookahead", Map.of(evil, Map.of(evil, 1.0, amp, 0.5), amp, Map.of(evil, 0.1, amp, 1.0)))));
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put(evil, Map.of("metric", evil, "higher_is_better", false));
        metrics.put(amp, Map.of("metric", amp, "higher_is_better", true));
        ok.put("primary_metrics", metrics);
        ok.put("tasks", Map.of(evil, Map.of(evil, 0.5), amp, Map.of(amp, 0.7)));
        List<HtmlReport.Entry> entries = List.of(new HtmlReport.Entry(evil, amp, r), new HtmlReport.Entry(amp, evil, ok),
                new HtmlReport.Entry(amp + "2", evil, ok));
        String html = HtmlReport.render(evil, amp, entries, Map.of(), "| " + evil + " | x |\n|---|---|\n| " + amp + " | y |");
        // the page's own script is the only script element
        assertEquals(1, count(html, "<script"), "no injected script element");
        assertFalse(html.contains(evil));
        assertFalse(html.contains(amp));
        assertFalse(html.contains("a&b"));
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(html.contains("a&amp;b&quot;c"));
        // every '&' starts an entity: no raw ampersand anywhere
        Matcher m = Pattern.compile("&(?!(amp|lt|gt|quot|#39);)").matcher(html);
        assertFalse(m.find(), () -> html.substring(Math.max(0, m.start() - 60), Math.min(html.length(), m.start() + 60)));
    }

    @Test
    void aMarkdownSummaryBecomesATable() {
        String html = HtmlReport.table("| configuration | \u0394m% |\n|---|---|\n| a=1 | -2.10 \u00b1 0.08 |\n");
        assertEquals("<table><tr><th>configuration</th><th>\u0394m%</th></tr><tr><td>a=1</td><td>-2.10 \u00b1 0.08</td></tr></table>",
                html);
    }

    @Test
    void failedTrialsShowTheirReason() {
        Map<String, Object> failed = ReportFixtures.trial(TASKS, 0.1, 1, 2, false, null);
        failed.put("status", "failed");
        failed.put("reason", "the loss became NaN");
        String html = HtmlReport.render("t", "s", List.of(new HtmlReport.Entry("ok", ReportFixtures.trial(TASKS, 0.2, 1, 2, false, null)),
                new HtmlReport.Entry("bad", failed)));
        assertTrue(html.contains("failed: the loss became NaN"), html);
    }

    @Test
    void aResultWithAlmostNothingStillRenders() {
        String html = HtmlReport.render("t", "s", List.of(new HtmlReport.Entry("empty", Map.of()),
                new HtmlReport.Entry("odd", Map.of("tasks", "no map", "history", List.of("x", 3), "ms_per_step", "fast"))));
        assertTrue(html.contains("</html>"));
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
