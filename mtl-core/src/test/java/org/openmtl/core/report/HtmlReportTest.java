package org.openmtl.core.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private static Map<String, Object> result(double accuracy, Map<String, Object> extra) {
        Map<String, Object> r = new java.util.LinkedHashMap<>(Map.of("status", "completed", "parameters", 1234, "ms_per_step", 5.0,
                "selected_epoch", 1, "tasks", Map.of("a", Map.of("accuracy", accuracy)),
                "history", List.of(Map.of("epoch", 1, "validation", Map.of("a", Map.of("accuracy", accuracy)),
                        "test", Map.of("a", Map.of("accuracy", accuracy)), "train", Map.of("a", Map.of("loss", 0.5))))));
        r.putAll(extra);
        return r;
    }

    @Test
    void theTableMarksTheBestRunAndFailedRunsShowTheirReason() {
        Map<String, Object> failed = new java.util.LinkedHashMap<>(result(0.1, Map.of()));
        failed.put("status", "failed");
        failed.put("reason", "the loss became NaN");
        String html = HtmlReport.render("t", "s", List.of(new HtmlReport.Entry("one", result(0.9, Map.of())),
                new HtmlReport.Entry("two", result(0.8, Map.of())), new HtmlReport.Entry("three", failed)));
        assertTrue(html.contains("<td class=\"best\">0.9000</td>"), html);
        assertTrue(html.contains("title=\"the loss became NaN\""), html);
        assertFalse(html.contains("Task affinity"), "no affinity section without affinity results");
    }

    @Test
    void affinityMatricesAreDrawnAsHeatmapsWithTheirValues() {
        Map<String, Object> affinity = Map.of("lookahead", Map.of(
                "a", Map.of("a", 0.4, "b", -0.2),
                "b", Map.of("a", 0.1, "b", 0.3)));
        String html = HtmlReport.render("t", "s", List.of(new HtmlReport.Entry("run", result(0.9, Map.of("affinity", affinity)))));
        assertTrue(html.contains("Task affinity"), html);
        assertTrue(html.contains("<title>a, b: -0.2000</title>"), html);
        // negative values red, the largest magnitude fully opaque blue
        assertTrue(html.contains("rgba(214,39,40,0.500)"), html);
        assertTrue(html.contains("rgba(31,119,180,1.000)"), html);
    }

    @Test
    void aMarkdownSummaryBecomesATableAboveTheRuns() {
        String html = HtmlReport.table("| configuration | Δm% |\n|---|---|\n| a=1 | -2.10 ± 0.08 |\n");
        assertTrue(html.equals("<table><tr><th>configuration</th><th>Δm%</th></tr><tr><td>a=1</td><td>-2.10 ± 0.08</td></tr></table>"),
                html);
    }
}
