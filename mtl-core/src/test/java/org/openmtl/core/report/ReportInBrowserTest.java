package org.openmtl.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens a written report in headless Chromium: the page must log nothing to the console (no script
 * error), every expected figure must be in the DOM with a drawn SVG of real size, and the legend's
 * show/hide must work. A checking script is added to a copy of the page; it clicks every legend
 * entry twice, measures every figure, and logs one line. Skipped when no Chromium is installed
 * (Debian: {@code apt-get install -y chromium}).
 */
class ReportInBrowserTest {

    private static final String OK = "REPORT-CHECK ok";

    private static final String CHECK = """
            <script>
            (function(){
              var problems = [];
              var figures = document.querySelectorAll('figure.fig');
              figures.forEach(function(f){
                var svg = f.querySelector('svg:not(.swatch)');
                if (!svg) { problems.push(f.id + ' has no svg'); return; }
                var box = svg.getBoundingClientRect();
                if (box.width < 60 || box.height < 60) problems.push(f.id + ' is ' + box.width + 'x' + box.height);
                if (svg.querySelectorAll('*').length < 4) problems.push(f.id + ' is empty');
                if (!f.querySelector('figcaption')) problems.push(f.id + ' has no caption');
              });
              document.querySelectorAll('.legend button[data-m]').forEach(function(b){
                var m = b.getAttribute('data-m');
                var drawn = document.querySelectorAll('svg [data-m="' + m + '"]');
                b.click();
                drawn.forEach(function(g){ if (!g.classList.contains('off')) problems.push('method ' + m + ' not hidden'); });
                b.click();
                drawn.forEach(function(g){ if (g.classList.contains('off')) problems.push('method ' + m + ' not shown again'); });
              });
              if (problems.length) { console.error('REPORT-CHECK failed: ' + problems.join('; ')); }
              else { console.log('REPORT-CHECK ok ' + figures.length); }
              document.body.setAttribute('data-report-check', problems.length ? 'failed' : 'ok');
            })();
            </script>
            """;

    private static Path chromium;

    @TempDir
    Path dir;

    @BeforeAll
    static void findChromium() {
        chromium = Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser").map(Path::of).filter(Files::isExecutable)
                .findFirst().orElse(null);
    }

    /** What the browser made of a page. */
    record Outcome(String dom, List<String> console) {

        /** Console lines other than the check's own success line: script errors, failed checks. */
        List<String> problems() {
            return console.stream().filter(l -> !l.contains(OK)).toList();
        }
    }

    private static List<HtmlReport.Entry> entries() {
        List<String> tasks = List.of("left", "right");
        List<HtmlReport.Entry> entries = new ArrayList<>(ReportFixtures.sweep(tasks, List.of("equal", "uncertainty", "adaptive")));
        entries.add(new HtmlReport.Entry("with affinity", ReportFixtures.with(ReportFixtures.trial(tasks, 0.3, 1, 3, false, null),
                Map.of("affinity", Map.of("lookahead", Map.of("left", Map.of("left", 0.4, "right", -0.2),
                        "right", Map.of("left", 0.1, "right", 0.3)))))));
        return entries;
    }

    private static final List<String> EXPECTED_FIGURES = List.of("fig-curve-0", "fig-curve-1", "fig-pareto", "fig-weights-1",
            "fig-cosine-0", "fig-cosine-1", "fig-cosine-2", "fig-affinity-3-0-1", "fig-structure-2-0", "fig-structure-2-1",
            "fig-cost-time", "fig-cost-memory");

    @Test
    void theReportOpensWithoutConsoleErrorsAndShowsEveryFigure() throws Exception {
        assumeTrue(chromium != null, "no chromium binary (apt-get install -y chromium)");
        Path report = dir.resolve("report.html");
        HtmlReport.write(report, "browser check", "synthetic trials", entries());
        Outcome outcome = open(Files.readString(report));
        assertEquals(List.of(), outcome.problems(), "console output other than the check's");
        assertTrue(outcome.console().stream().anyMatch(l -> l.contains(OK)), "the check ran: " + outcome.console());
        assertTrue(outcome.dom().contains("data-report-check=\"ok\""));
        for (String id : EXPECTED_FIGURES) {
            assertTrue(outcome.dom().contains("id=\"" + id + "\""), id + " missing");
        }
    }

    @Test
    void theTransferBySizeFigureOpensWithoutConsoleErrors() throws Exception {
        assumeTrue(chromium != null, "no chromium binary (apt-get install -y chromium)");
        Path report = dir.resolve("report.html");
        HtmlReport.write(report, "browser check", "synthetic trials", ReportFixtures.sweep(List.of("left", "right"),
                List.of("weighting=equal", "weighting=mgda")), ReportFixtures.transferBySize());
        Outcome outcome = open(Files.readString(report));
        assertEquals(List.of(), outcome.problems(), "console output other than the check's");
        assertTrue(outcome.dom().contains("data-report-check=\"ok\""));
        assertTrue(outcome.dom().contains("id=\"fig-transfer-size\""));
    }

    @Test
    void theParetoFrontsOfTwoAndThreeTaskSweepsOpenWithoutConsoleErrors() throws Exception {
        assumeTrue(chromium != null, "no chromium binary (apt-get install -y chromium)");
        for (ParetoFixtures.Sweep sweep : List.of(ParetoFixtures.twoTasks(), ParetoFixtures.manyTasks(3))) {
            Outcome outcome = open(sweep.render());
            assertEquals(List.of(), outcome.problems(), "console output other than the check's");
            assertTrue(outcome.dom().contains("data-report-check=\"ok\""));
            for (String id : List.of("fig-front-test", "fig-front-train_loss")) {
                assertTrue(outcome.dom().contains("id=\"" + id + "\""), id + " missing");
            }
        }
    }

    @Test
    void theCheckFailsOnAScriptErrorAndOnAFigureWithoutItsDrawing() throws Exception {
        assumeTrue(chromium != null, "no chromium binary (apt-get install -y chromium)");
        String html = HtmlReport.render("browser check", "synthetic trials", entries());
        // break the page twice: a script error, and the pareto figure's drawing removed
        Matcher m = Pattern.compile("(<figure id=\"fig-pareto\".*?)<svg xmlns.*?</svg>", Pattern.DOTALL).matcher(html);
        assertTrue(m.find());
        String broken = html.substring(0, m.start()) + m.group(1) + html.substring(m.end());
        broken = broken.replace("</main>", "</main><script>drawMissingFigure();</script>");
        Outcome outcome = open(broken);
        String problems = String.join("\n", outcome.problems());
        assertTrue(problems.contains("ReferenceError: drawMissingFigure is not defined"), problems);
        assertTrue(problems.contains("fig-pareto has no svg"), problems);
    }

    private Outcome open(String html) throws IOException, InterruptedException {
        Path page = dir.resolve("checked.html");
        Files.writeString(page, html.replace("</body>", CHECK + "</body>"), StandardCharsets.UTF_8);
        Path stdout = dir.resolve("dom.txt");
        Path stderr = dir.resolve("console.txt");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + dir.resolve("profile"), "--window-size=1280,900", "--enable-logging=stderr", "--v=0",
                "--dump-dom", page.toUri().toString())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within 120 s");
        }
        List<String> console = new ArrayList<>();
        for (String line : Files.readAllLines(stderr, StandardCharsets.UTF_8)) {
            if (line.contains(":CONSOLE")) {
                console.add(line);
            }
        }
        return new Outcome(Files.readString(stdout, StandardCharsets.UTF_8), console);
    }
}
