package org.openmtl.core.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openmtl.core.pareto.FrontMetrics;

/**
 * The report's Pareto section on synthetic sweeps: what it draws is read back from the page (each
 * marker carries its values and whether it is non-dominated) and compared with the trials that went
 * in, with dominance computed here independently, and the table's hypervolumes with
 * {@link FrontMetrics} on the same points.
 */
class ParetoReportTest {

    private static final Pattern GROUP = Pattern.compile("<g ([^>]*)data-configuration=\"([^\"]*)\" class=\"series\">(.*?)</g>",
            Pattern.DOTALL);
    private static final Pattern POINT = Pattern.compile("data-values=\"([^\"]*)\" data-non-dominated=\"(true|false)\"");
    private static final Pattern HYPERVOLUME = Pattern.compile(
            "<th scope=\"row\"><span class=\"nowrap\"><svg class=\"swatch\".*?</svg>([^<]*)</span>(.*?)</th><td>(\\d+)</td>"
                    + "<td>(\\d+)</td><td class=\"hypervolume( best)?\" data-value=\"([^\"]*)\">([^<]*)");

    /** The cell after a row's hypervolume: its hypervolume per seed, mean ± std, and whether it is marked best. */
    private static final Pattern PER_SEED = Pattern.compile(
            "^ ?(?:<span class=\"best-mark\"[^>]*>\u2605</span>)?</td><td( class=\"best\")?>([^ <]+) \u00b1 ([^ <]+)");

    /** A point as drawn, with the verdict the page gives it. */
    record Drawn(double[] values, boolean nonDominated) {}

    /** The figure's HTML. */
    private static String figure(String html, String id) {
        int start = html.indexOf("<figure id=\"" + id + "\"");
        assertTrue(start >= 0, id + " is drawn");
        return html.substring(start, html.indexOf("</figure>", start));
    }

    /** Per configuration the points drawn in a figure (every panel's). */
    private static Map<String, List<Drawn>> drawn(String figure) {
        Map<String, List<Drawn>> out = new LinkedHashMap<>();
        Matcher g = GROUP.matcher(figure);
        while (g.find()) {
            List<Drawn> points = out.computeIfAbsent(g.group(2), k -> new ArrayList<>());
            Matcher p = POINT.matcher(g.group(3));
            while (p.find()) {
                points.add(new Drawn(Arrays.stream(p.group(1).split(",")).mapToDouble(Double::parseDouble).toArray(),
                        Boolean.parseBoolean(p.group(2))));
            }
        }
        return out;
    }

    /** Whether a dominates b, written out here rather than taken from the code under test. */
    private static boolean dominates(double[] a, double[] b, boolean[] maximize) {
        boolean strictly = false;
        for (int i = 0; i < a.length; i++) {
            double better = maximize[i] ? a[i] - b[i] : b[i] - a[i];
            if (better < 0) {
                return false;
            }
            strictly |= better > 0;
        }
        return strictly;
    }

    /**
     * Checks a front's figure against the sweep's trials: each configuration's points, each drawn
     * {@code panels} times, and each marked dominated exactly when another point of its
     * configuration dominates it.
     */
    private static void checkFigure(ParetoFixtures.Sweep sweep, String figure, boolean test, int panels) {
        Map<String, List<Drawn>> drawn = drawn(figure);
        boolean[] maximize = sweep.maximize(test);
        assertEquals(new TreeSet<>(sweep.configurations().stream().map(c -> "weighting=" + c).toList()),
                new TreeSet<>(drawn.keySet()));
        for (String c : sweep.configurations()) {
            List<double[]> points = sweep.points(c, test);
            List<Drawn> seen = drawn.get("weighting=" + c);
            assertEquals(points.size() * panels, seen.size(), c + ": one marker per completed trial and panel");
            for (double[] p : points) {
                boolean dominated = points.stream().anyMatch(q -> dominates(q, p, maximize));
                long matches = seen.stream().filter(d -> Arrays.equals(d.values(), p)).count();
                long sameInput = points.stream().filter(q -> Arrays.equals(q, p)).count();
                assertEquals(sameInput * panels, matches, c + " " + Arrays.toString(p) + " drawn with its values");
                assertTrue(seen.stream().filter(d -> Arrays.equals(d.values(), p)).allMatch(d -> d.nonDominated() == !dominated),
                        c + " " + Arrays.toString(p) + " should be " + (dominated ? "dominated" : "non-dominated"));
            }
        }
    }

    /** Checks the table beside a front: counts, and hypervolumes equal to FrontMetrics' against the given reference. */
    private static void checkTable(ParetoFixtures.Sweep sweep, String html, String figureId, boolean test, double[] reference) {
        int start = html.indexOf("</figure>", html.indexOf("<figure id=\"" + figureId + "\""));
        String table = html.substring(html.indexOf("<table class=\"pareto-table\"", start), html.indexOf("</table>",
                html.indexOf("<table class=\"pareto-table\"", start)));
        boolean[] maximize = sweep.maximize(test);
        Matcher m = HYPERVOLUME.matcher(table);
        double best = Double.NEGATIVE_INFINITY;
        String bestRow = null;
        List<String> rows = new ArrayList<>();
        Map<String, Boolean> marked = new LinkedHashMap<>();
        Map<String, double[]> perSeed = new LinkedHashMap<>();
        assertTrue(table.contains(">hypervolume per seed \u2191</th>"), "the column of hypervolumes per seed");
        while (m.find()) {
            String c = (m.group(1) + m.group(2).replace("<wbr>", "")).substring("weighting=".length());
            rows.add(c);
            double[][] points = sweep.points(c, test).toArray(new double[0][]);
            assertEquals(points.length, Integer.parseInt(m.group(3)), c + " points");
            long nonDominated = Arrays.stream(points).filter(p -> Arrays.stream(points).noneMatch(q -> dominates(q, p, maximize))).count();
            assertEquals(nonDominated, Integer.parseInt(m.group(4)), c + " non-dominated");
            double expected = FrontMetrics.hypervolume(points, maximize, reference);
            assertEquals(expected, Double.parseDouble(m.group(6)), 1e-12, c + " hypervolume");
            assertEquals(String.format(Locale.ROOT, "%.4g", expected), m.group(7).strip(), c + " hypervolume as written");
            marked.put(c, m.group(5) != null);
            // hypervolume per seed: each seed's points alone against the same reference, mean and sample std
            Map<Integer, List<double[]>> bySeed = new LinkedHashMap<>();
            sweep.trials().stream().filter(t -> t.configuration().equals(c) && t.test() != null)
                    .forEach(t -> bySeed.computeIfAbsent(t.seed(), k -> new ArrayList<>()).add(test ? t.test() : t.losses()));
            double[] volumes = bySeed.values().stream()
                    .mapToDouble(p -> FrontMetrics.hypervolume(p.toArray(new double[0][]), maximize, reference)).toArray();
            double mean = Arrays.stream(volumes).average().orElseThrow();
            double std = Math.sqrt(Arrays.stream(volumes).map(v -> (v - mean) * (v - mean)).sum() / (volumes.length - 1));
            Matcher h = PER_SEED.matcher(table.substring(m.end()));
            assertTrue(h.find(), c + ": a hypervolume per seed");
            assertEquals(String.format(Locale.ROOT, "%.4g", mean), h.group(2), c + " hypervolume per seed, mean");
            assertEquals(String.format(Locale.ROOT, "%.2g", std), h.group(3), c + " hypervolume per seed, std");
            perSeed.put(c, new double[] {mean, h.group(1) != null ? 1 : 0});
            if (expected > best) {
                best = expected;
                bestRow = c;
            }
        }
        assertEquals(sweep.configurations(), rows);
        for (Map.Entry<String, Boolean> e : marked.entrySet()) {
            assertEquals(e.getKey().equals(bestRow), e.getValue(), e.getKey() + ": only the largest hypervolume is marked best");
        }
        double bestPerSeed = perSeed.values().stream().mapToDouble(v -> v[0]).max().orElseThrow();
        perSeed.forEach((c, v) -> assertEquals(v[0] == bestPerSeed, v[1] == 1, c + ": only the largest hypervolume per seed is marked"));
    }

    /** The reference point FrontMetrics' rule gives the configurations' points. */
    private static double[] automaticReference(ParetoFixtures.Sweep sweep, boolean test) {
        List<double[][]> sets = new ArrayList<>();
        for (String c : sweep.configurations()) {
            sets.add(sweep.points(c, test).toArray(new double[0][]));
        }
        return FrontMetrics.referencePoint(sets, sweep.maximize(test), FrontMetrics.DEFAULT_MARGIN);
    }

    @Test
    void twoTasksDrawEveryConfigurationsFrontOnOnePlaneWithTheTableBesideIt() {
        ParetoFixtures.Sweep sweep = ParetoFixtures.twoTasks();
        String html = sweep.render();
        assertTrue(html.contains("<section id=\"pareto-fronts\">"), "the section is there");
        for (boolean test : new boolean[] {true, false}) {
            String id = test ? "fig-front-test" : "fig-front-train_loss";
            String figure = figure(html, id);
            assertTrue(figure.contains("data-figure=\"pareto-front\""), "one plane for two tasks");
            checkFigure(sweep, figure, test, 1);
            checkTable(sweep, html, id, test, automaticReference(sweep, test));
            // one staircase per configuration with two or more distinct non-dominated points (mgda's two are identical)
            // (test: equal and static; training losses: equal only, static has one non-dominated point)
            assertEquals(test ? 2 : 1, count(figure, "class=\"front-line\""), id);
            assertEquals(2, count(figure, "class=\"reference-cross\""), "the reference point, once");
        }
        // hand-counted (see ParetoFixtures.twoTasks): dominated test points equal 1, static 1; training losses equal 1, static 2
        assertEquals(2, count(figure(html, "fig-front-test"), "class=\"pt dom\""));
        assertEquals(3, count(figure(html, "fig-front-train_loss"), "class=\"pt dom\""));
        // axes name task, metric and direction; a point's hover text names its seed and verdict
        String test = figure(html, "fig-front-test");
        assertTrue(test.contains("<title>weighting=equal, seed 4: t0 0.7000, t1 0.3500; dominated by another point of this"
                + " configuration</title>"), test);
        assertTrue(test.contains("t0 accuracy (higher is better \u2192)"), test);
        assertTrue(test.contains("t1 mse (\u2190 lower is better)"), test);
        assertTrue(figure(html, "fig-front-train_loss").contains("t1 loss (\u2190 lower is better)"));
        // the preference 1:3 of static's trials is a ray on the training-loss plane only
        assertEquals(1, count(figure(html, "fig-front-train_loss"), "class=\"preference-ray\""));
        assertTrue(figure(html, "fig-front-train_loss").contains("weighting=static: preference (0.2500, 0.7500)"));
        assertFalse(test.contains("preference-ray"));
        // the reference point is stated: accuracies span 0.6..0.95, mse 0.1..0.5
        assertTrue(html.contains("Reference point, shared by every configuration: t0 accuracy \u2191 = 0.5650, t1 mse \u2193 = 0.5400"
                + " (the worst value of all configurations' points plus 10% of their range, per objective)."), html);
        // alignment only in the training-loss table, for static
        String lossTable = html.substring(html.indexOf("<table class=\"pareto-table\"", html.indexOf("id=\"fig-front-train_loss\"")));
        assertTrue(lossTable.substring(0, lossTable.indexOf("</table>")).contains(">alignment \u2191</th>"), lossTable);
        // a legend entry per configuration that shows and hides the method in every figure
        String section = html.substring(html.indexOf("<section id=\"pareto-fronts\">"));
        for (String c : List.of("equal", "static", "mgda")) {
            assertTrue(section.contains("title=\"show or hide weighting=" + c + "\""), c);
        }
    }

    @Test
    void aConfiguredReferencePointIsUsedAndStated() {
        ParetoFixtures.Sweep sweep = ParetoFixtures.twoTasks("pareto.reference.test=0.5, 0.6");
        String html = sweep.render();
        checkTable(sweep, html, "fig-front-test", true, new double[] {0.5, 0.6});
        assertTrue(html.contains("t0 accuracy \u2191 = 0.5000, t1 mse \u2193 = 0.6000 (set by <code>pareto.reference.test</code>)."),
                html);
        // equal by hand against (0.5, 0.6): (0.9, 0.3) adds 0.4 * 0.3, (0.8, 0.2) 0.3 * 0.1, (0.6, 0.1) 0.1 * 0.1,
        // (0.7, 0.35) nothing: 0.16
        assertTrue(html.contains("data-value=\"0.16"), html);
        // the training-loss front keeps the automatic rule
        checkTable(sweep, html, "fig-front-train_loss", false, automaticReference(sweep, false));
    }

    @Test
    void threeTasksArePairwiseProjectionsWithTheVerdictInAllObjectives() {
        ParetoFixtures.Sweep sweep = ParetoFixtures.manyTasks(3);
        String html = sweep.render();
        for (boolean test : new boolean[] {true, false}) {
            String id = test ? "fig-front-test" : "fig-front-train_loss";
            String figure = figure(html, id);
            assertTrue(figure.contains("data-figure=\"pareto-projections\""), id);
            // three pairs of three objectives: every point in each of the three panels
            checkFigure(sweep, figure, test, 3);
            checkTable(sweep, html, id, test, automaticReference(sweep, test));
            assertEquals(3, count(figure, "class=\"reference-point\""), "the reference point in every panel");
            assertFalse(figure.contains("front-line"), "no staircase in a projection");
        }
        // the planted point is dominated, so the verdict is not vacuous
        assertTrue(count(figure(html, "fig-front-test"), "class=\"pt dom\"") >= 3);
        assertTrue(figure(html, "fig-front-test").contains("t1 mse \u2193"));
    }

    @Test
    void manyTasksAreParallelCoordinates() {
        ParetoFixtures.Sweep sweep = ParetoFixtures.manyTasks(ParetoFigures.MAX_PROJECTED + 1);
        String html = sweep.render();
        String figure = figure(html, "fig-front-test");
        assertTrue(figure.contains("data-figure=\"pareto-parallel\""), figure);
        checkFigure(sweep, figure, true, 1);
        checkTable(sweep, html, "fig-front-test", true, automaticReference(sweep, true));
        assertTrue(count(figure, "class=\"pt dom parallel\"") >= 1);
    }

    @Test
    void withoutTheSummarysSectionThereIsNoParetoSection() {
        ParetoFixtures.Sweep sweep = ParetoFixtures.twoTasks();
        String html = HtmlReport.render("t", "s", sweep.entries());
        assertFalse(html.contains("pareto-fronts"));
        assertTrue(html.contains("id=\"fig-pareto\""), "the two-task trade-off of the means stays");
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }
}
