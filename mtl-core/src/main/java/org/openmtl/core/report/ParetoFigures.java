package org.openmtl.core.report;

import static org.openmtl.core.report.Html.coordinate;
import static org.openmtl.core.report.Html.escape;
import static org.openmtl.core.report.ReportData.list;
import static org.openmtl.core.report.ReportData.map;
import static org.openmtl.core.report.ReportData.number;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import org.openmtl.core.pareto.FrontMetrics;

/**
 * The Pareto fronts of a sweep summary ({@code pareto_front}, as the sweep's Pareto summary writes
 * it) drawn for the report. Nothing is measured here: the points, which of them are non-dominated,
 * the reference point and the hypervolumes are the summary's, so the page and {@code summary.json}
 * cannot disagree.
 *
 * <ul>
 *   <li>2 objectives: every configuration's points on one plane, its non-dominated points joined by
 *       the staircase that bounds the region they dominate, dominated points hollow, the shared
 *       reference point marked; on the training-loss plane, the ray l ∝ 1/p of each preference a
 *       configuration's trials record.</li>
 *   <li>3 to {@value #MAX_PROJECTED} objectives: a matrix of pairwise projections; more: parallel
 *       coordinates. Dominated means dominated in all objectives, not in the projection.</li>
 * </ul>
 * A configuration has a colour and a marker shape, so its points are told apart without colour too.
 */
final class ParetoFigures {

    /** Up to this many objectives the fronts are drawn as pairwise projections; beyond, as parallel coordinates. */
    static final int MAX_PROJECTED = 6;

    private ParetoFigures() {}

    /** One objective of a front: a task's metric and its direction. */
    record Objective(String task, String metric, boolean higherIsBetter) {

        /** The axis title, with the direction in words. */
        String axisLabel() {
            return task + " " + metric + (higherIsBetter ? " (higher is better \u2192)" : " (\u2190 lower is better)");
        }

        /** A short name with the direction as an arrow. */
        String shortLabel() {
            return task + " " + metric + (higherIsBetter ? " \u2191" : " \u2193");
        }
    }

    /**
     * One trial's point.
     *
     * @param seed its seed, or null where the result does not say
     * @param values one value per objective
     * @param nonDominated whether no other point of its configuration dominates it (the summary's verdict)
     * @param preference the preference it was trained with, per objective, or null
     */
    record TrialPoint(String seed, double[] values, boolean nonDominated, double[] preference) {}

    /**
     * One configuration's row of a front.
     *
     * @param label the configuration as the summary names it
     * @param color its palette index and marker shape
     * @param method the index of the report's method with these trials, or -1 (then no legend toggles it)
     * @param points its number of points
     * @param nonDominated how many of them are non-dominated
     * @param hypervolume its hypervolume against the front's reference point
     * @param perSeed the hypervolume of each seed's points alone (mean, std, n), or null where the summary has none
     * @param spread its spread Δ, NaN where the summary has none
     * @param alignment its alignment over seeds (mean, std, n), or null
     * @param trials its points
     */
    record Configuration(String label, int color, int method, int points, int nonDominated, double hypervolume, double[] perSeed,
            double spread, double[] alignment, List<TrialPoint> trials) {}

    /**
     * A front of the summary.
     *
     * @param objectives its objectives
     * @param reference the shared reference point, or null where the summary has none
     * @param referenceKey the key that set the reference point, or null where it comes from the points
     * @param margin the margin of the automatic reference point (NaN when set by a key)
     * @param configurations its configurations
     */
    record Front(List<Objective> objectives, double[] reference, String referenceKey, double margin,
            List<Configuration> configurations) {

        int dimensions() {
            return objectives.size();
        }

        /** Whether any trial records a preference with every weight positive (a ray can be drawn). */
        boolean hasRays() {
            return configurations.stream().flatMap(c -> c.trials().stream())
                    .anyMatch(t -> t.preference() != null && allWeighed(t.preference()));
        }
    }

    /**
     * Reads a front of the summary.
     *
     * @param front the front's map ({@code pareto_front.test} or {@code pareto_front.train_loss})
     * @param methodOf the report's method index of a configuration, from its point's label ({@link ReportData#pointLabel}), or -1
     * @param firstFreeColor the first palette index no method uses (for configurations without a method)
     * @return the front, or null when it has fewer than 2 objectives or no configuration with a point
     */
    static Front read(Map<String, Object> front, ToIntFunction<String> methodOf, int firstFreeColor) {
        List<Objective> objectives = new ArrayList<>();
        for (Object o : list(front.get("objectives"))) {
            Map<String, Object> m = map(o);
            objectives.add(new Objective(String.valueOf(m.get("task")), String.valueOf(m.get("metric")),
                    Boolean.TRUE.equals(m.get("higher_is_better"))));
        }
        int k = objectives.size();
        double[] reference = values(front.get("reference_point"), k);
        List<Configuration> configurations = new ArrayList<>();
        int free = firstFreeColor;
        for (Object o : list(front.get("configurations"))) {
            Map<String, Object> row = map(o);
            List<TrialPoint> trials = new ArrayList<>();
            for (Object t : list(row.get("trials"))) {
                Map<String, Object> trial = map(t);
                double[] v = values(trial.get("values"), k);
                if (v != null) {
                    trials.add(new TrialPoint(trial.get("seed") == null ? null : String.valueOf(trial.get("seed")), v,
                            Boolean.TRUE.equals(trial.get("non_dominated")), values(trial.get("preference"), k)));
                }
            }
            if (trials.isEmpty()) {
                continue;
            }
            int method = methodOf.applyAsInt(ReportData.pointLabel(map(row.get("point"))));
            Map<String, Object> a = map(row.get("alignment"));
            double[] alignment = a.isEmpty() ? null : new double[] {number(a.get("mean")), number(a.get("std")), number(a.get("n"))};
            Map<String, Object> h = map(row.get("hypervolume_per_seed"));
            double[] perSeed = h.isEmpty() ? null : new double[] {number(h.get("mean")), number(h.get("std")), number(h.get("n"))};
            configurations.add(new Configuration(String.valueOf(row.get("configuration")), method >= 0 ? method : free++, method,
                    (int) number(row.get("points")), (int) number(row.get("non_dominated")), number(row.get("hypervolume")),
                    perSeed, number(row.get("spread")), alignment, trials));
        }
        if (k < 2 || configurations.isEmpty()) {
            return null;
        }
        return new Front(objectives, reference, front.get("reference_key") instanceof String key ? key : null,
                number(front.get("margin")), configurations);
    }

    /** Whether a preference weighs every task ({@link FrontMetrics#weighed}): only then has it a ray l ∝ 1/p. */
    private static boolean allWeighed(double[] preference) {
        for (boolean w : FrontMetrics.weighed(preference)) {
            if (!w) {
                return false;
            }
        }
        return true;
    }

    /** k finite numbers from a JSON list, or null. */
    private static double[] values(Object o, int k) {
        List<?> l = list(o);
        if (l.size() != k) {
            return null;
        }
        double[] v = new double[k];
        for (int i = 0; i < k; i++) {
            v[i] = number(l.get(i));
            if (!Double.isFinite(v[i])) {
                return null;
            }
        }
        return v;
    }

    // ---------------------------------------------------------------- figures

    /**
     * The figure of a front: a plane for 2 objectives, projections up to {@value #MAX_PROJECTED}, parallel coordinates beyond.
     *
     * @param front the front
     * @param description what it shows (for screen readers)
     * @param rays whether to draw the preference rays (2 objectives only)
     * @return the SVG
     */
    static String figure(Front front, String description, boolean rays) {
        if (front.dimensions() == 2) {
            return plane(front, description, rays);
        }
        return front.dimensions() <= MAX_PROJECTED ? projections(front, description) : parallel(front, description);
    }

    /** A configuration's points on one plane with its staircase, the reference point and the rays. */
    private static String plane(Front front, String description, boolean rays) {
        Objective ox = front.objectives().get(0);
        Objective oy = front.objectives().get(1);
        NiceScale xs = scale(front, 0, 6);
        NiceScale ys = scale(front, 1, 6);
        Svg svg = new Svg(560, 440, description);
        Charts.Frame f = new Charts.Frame(svg, 72, 20, 544, 386, xs, ys);
        f.axes(ox.axisLabel(), oy.axisLabel());
        if (rays) {
            for (Configuration c : front.configurations()) {
                Set<List<Double>> drawn = new LinkedHashSet<>();
                for (TrialPoint t : c.trials()) {
                    if (t.preference() == null || !allWeighed(t.preference())
                            || !drawn.add(List.of(t.preference()[0], t.preference()[1]))) {
                        continue;
                    }
                    ray(f, c, t.preference());
                }
            }
        }
        referenceMark(svg, front, f.x(front.reference() == null ? Double.NaN : front.reference()[0]),
                f.y(front.reference() == null ? Double.NaN : front.reference()[1]), 7);
        for (Configuration c : front.configurations()) {
            String color = Palette.color(c.color());
            svg.group(groupAttributes(c));
            // identical points (seeds that reached the same values) are one corner of the staircase
            Set<List<Double>> distinct = new LinkedHashSet<>();
            List<double[]> nonDominated = new ArrayList<>();
            for (TrialPoint t : c.trials()) {
                if (t.nonDominated() && distinct.add(List.of(t.values()[0], t.values()[1]))) {
                    nonDominated.add(t.values());
                }
            }
            nonDominated.sort(Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
            if (nonDominated.size() > 1) {
                StringBuilder d = new StringBuilder();
                for (double[] p : ParetoFront.staircase(nonDominated, ox.higherIsBetter(), oy.higherIsBetter())) {
                    d.append(d.length() == 0 ? "M" : "L").append(coordinate(f.x(p[0]))).append(',').append(coordinate(f.y(p[1])));
                }
                String dash = Palette.dash(c.color());
                svg.path(d.toString(), "class=\"front-line\" stroke=\"" + color + "\""
                        + (dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\""), "front of " + c.label());
            }
            // dominated points first, so the front's markers are drawn on top
            for (boolean pass : new boolean[] {false, true}) {
                for (TrialPoint t : c.trials()) {
                    if (t.nonDominated() == pass) {
                        point(svg, c, t, f.x(t.values()[0]), f.y(t.values()[1]), 5, front.objectives());
                    }
                }
            }
            svg.endGroup();
        }
        return svg.end();
    }

    /** The ray l ∝ 1/p through the plot (losses are positive, so it runs from the origin up and right). */
    private static void ray(Charts.Frame f, Configuration c, double[] p) {
        double dx = 1 / p[0];
        double dy = 1 / p[1];
        double lo = Math.max(Math.max(f.xs().min() / dx, f.ys().min() / dy), 0);
        double hi = Math.min(f.xs().max() / dx, f.ys().max() / dy);
        if (!(hi > lo)) {
            return;
        }
        double sum = p[0] + p[1];
        Svg svg = f.svg();
        svg.group(groupAttributes(c));
        svg.line(f.x(lo * dx), f.y(lo * dy), f.x(hi * dx), f.y(hi * dy), "class=\"preference-ray\" stroke=\""
                + Palette.color(c.color()) + "\"");
        svg.path("M" + coordinate(f.x(lo * dx)) + "," + coordinate(f.y(lo * dy)) + "L" + coordinate(f.x(hi * dx)) + ","
                + coordinate(f.y(hi * dy)), "class=\"ray-hover\"", c.label() + ": preference (" + Html.metric(p[0] / sum) + ", "
                        + Html.metric(p[1] / sum) + "), the ray where p\u2081\u00b7l\u2081 = p\u2082\u00b7l\u2082 (l \u221d 1/p)");
        svg.endGroup();
    }

    /** The pairwise projections: objective i across, objective j up, for every i < j, as a lower triangle. */
    private static String projections(Front front, String description) {
        int k = front.dimensions();
        double panel = 150;
        double gapX = 70;
        double gapY = 62;
        double left = 64;
        double top = 12;
        int cells = k - 1;
        double width = left + cells * panel + (cells - 1) * gapX + 16;
        double height = top + cells * panel + cells * gapY;
        Svg svg = new Svg(width, height, description);
        NiceScale[] scales = new NiceScale[k];
        for (int i = 0; i < k; i++) {
            scales[i] = scale(front, i, 4);
        }
        for (int j = 1; j < k; j++) {
            for (int i = 0; i < j; i++) {
                double x0 = left + i * (panel + gapX);
                double y0 = top + (j - 1) * (panel + gapY);
                Charts.Frame f = new Charts.Frame(svg, x0, y0, x0 + panel, y0 + panel, scales[i], scales[j]);
                smallAxes(f, front.objectives().get(i).shortLabel(), front.objectives().get(j).shortLabel());
                double[] r = front.reference();
                referenceMark(svg, front, f.x(r == null ? Double.NaN : r[i]), f.y(r == null ? Double.NaN : r[j]), 5);
                for (Configuration c : front.configurations()) {
                    svg.group(groupAttributes(c));
                    for (boolean pass : new boolean[] {false, true}) {
                        for (TrialPoint t : c.trials()) {
                            if (t.nonDominated() == pass) {
                                point(svg, c, t, f.x(t.values()[i]), f.y(t.values()[j]), 3.6, front.objectives());
                            }
                        }
                    }
                    svg.endGroup();
                }
            }
        }
        return svg.end();
    }

    /** A small panel's frame, a few ticks, and its two objectives named below and beside it. */
    private static void smallAxes(Charts.Frame f, String xLabel, String yLabel) {
        Svg svg = f.svg();
        svg.rect(f.left(), f.top(), f.right() - f.left(), f.bottom() - f.top(), "class=\"plot\"");
        for (double t : f.ys().ticks()) {
            double y = f.y(t);
            svg.line(f.left(), y, f.right(), y, "class=\"grid\"");
            svg.text(f.left() - 5, y + 4, f.ys().label(t), "class=\"tick\" text-anchor=\"end\"");
        }
        for (double t : f.xs().ticks()) {
            double x = f.x(t);
            svg.line(x, f.top(), x, f.bottom(), "class=\"grid\"");
            svg.text(x, f.bottom() + 14, f.xs().label(t), "class=\"tick\" text-anchor=\"middle\"");
        }
        svg.label((f.left() + f.right()) / 2, f.bottom() + 32, xLabel, 26, "class=\"axis-label\" text-anchor=\"middle\"");
        double cy = (f.top() + f.bottom()) / 2;
        double lx = f.left() - 44;
        svg.label(lx, cy, yLabel, 24, "class=\"axis-label\" text-anchor=\"middle\" transform=\"rotate(-90 " + coordinate(lx) + " "
                + coordinate(cy) + ")\"");
    }

    /** Parallel coordinates: one vertical axis per objective, better up; one line per point. */
    private static String parallel(Front front, String description) {
        int k = front.dimensions();
        double left = 50;
        double step = 96;
        double top = 34;
        double bottom = 300;
        double width = left * 2 + step * (k - 1);
        Svg svg = new Svg(width, 372, description);
        double[] lo = new double[k];
        double[] hi = new double[k];
        for (int i = 0; i < k; i++) {
            NiceScale s = scale(front, i, 4);
            lo[i] = s.min();
            hi[i] = s.max();
            String loText = s.label(lo[i]);
            String hiText = s.label(hi[i]);
            double x = left + step * i;
            Objective o = front.objectives().get(i);
            svg.line(x, top, x, bottom, "class=\"axis\"");
            // better up: the best end of the range at the top
            svg.text(x, top - 8, o.higherIsBetter() ? hiText : loText, "class=\"tick\" text-anchor=\"middle\"");
            svg.text(x, bottom + 15, o.higherIsBetter() ? loText : hiText, "class=\"tick\" text-anchor=\"middle\"");
            svg.label(x, bottom + 34, o.task(), 14, "class=\"axis-label\" text-anchor=\"middle\"");
            svg.label(x, bottom + 50, o.metric() + (o.higherIsBetter() ? " \u2191" : " \u2193"), 14,
                    "class=\"tick\" text-anchor=\"middle\"");
        }
        if (front.reference() != null) {
            svg.path(polyline(front.reference(), front, lo, hi, left, step, top, bottom), "class=\"reference\" fill=\"none\"",
                    "reference point " + values(front.reference()));
        }
        for (Configuration c : front.configurations()) {
            svg.group(groupAttributes(c));
            for (boolean pass : new boolean[] {false, true}) {
                for (TrialPoint t : c.trials()) {
                    if (t.nonDominated() != pass) {
                        continue;
                    }
                    String color = Palette.color(c.color());
                    svg.path(polyline(t.values(), front, lo, hi, left, step, top, bottom), dataAttributes(t) + (pass
                            ? " class=\"pt nd parallel\" stroke=\"" + color + "\"" : " class=\"pt dom parallel\" stroke=\"" + color + "\""),
                            tooltip(c, t, front.objectives()));
                }
            }
            svg.endGroup();
        }
        return svg.end();
    }

    private static String polyline(double[] v, Front front, double[] lo, double[] hi, double left, double step, double top,
            double bottom) {
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            double u = hi[i] > lo[i] ? (v[i] - lo[i]) / (hi[i] - lo[i]) : 0.5;
            double up = front.objectives().get(i).higherIsBetter() ? u : 1 - u;
            d.append(i == 0 ? "M" : "L").append(coordinate(left + step * i)).append(',')
                    .append(coordinate(bottom - (bottom - top) * up));
        }
        return d.toString();
    }

    /** A scale of objective i covering every point and the reference point. */
    private static NiceScale scale(Front front, int i, int ticks) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Configuration c : front.configurations()) {
            for (TrialPoint t : c.trials()) {
                lo = Math.min(lo, t.values()[i]);
                hi = Math.max(hi, t.values()[i]);
            }
        }
        if (front.reference() != null) {
            lo = Math.min(lo, front.reference()[i]);
            hi = Math.max(hi, front.reference()[i]);
        }
        return NiceScale.covering(lo, hi, ticks);
    }

    /** The reference point as a cross with a hover text; nothing where the summary has none. */
    private static void referenceMark(Svg svg, Front front, double x, double y, double size) {
        if (front.reference() == null || !Double.isFinite(x) || !Double.isFinite(y)) {
            return;
        }
        svg.group("class=\"reference-point\"");
        svg.line(x - size, y - size, x + size, y + size, "class=\"reference-cross\"");
        svg.line(x - size, y + size, x + size, y - size, "class=\"reference-cross\"");
        svg.circle(x, y, size + 2, "class=\"reference-hit\"", "reference point " + values(front.reference())
                + (front.referenceKey() != null ? ", set by " + front.referenceKey() : ""));
        if (size >= 6) {
            // the label on the side with room for it
            boolean left = x + size + 60 > svg.width();
            svg.text(left ? x - size - 3 : x + size + 3, y - size, "reference", "class=\"tick\""
                    + (left ? " text-anchor=\"end\"" : ""));
        }
        svg.endGroup();
    }

    private static String groupAttributes(Configuration c) {
        return (c.method() >= 0 ? "data-m=\"" + c.method() + "\" " : "") + "data-configuration=\"" + escape(c.label())
                + "\" class=\"series\"";
    }

    /** The values and the verdict as attributes, so a check can read exactly what is drawn. */
    private static String dataAttributes(TrialPoint t) {
        StringBuilder sb = new StringBuilder("data-values=\"");
        for (int i = 0; i < t.values().length; i++) {
            sb.append(i == 0 ? "" : ",").append(t.values()[i]);
        }
        return sb.append("\" data-non-dominated=\"").append(t.nonDominated()).append('"').toString();
    }

    /** One point: filled when non-dominated, hollow when dominated, in its configuration's shape. */
    private static void point(Svg svg, Configuration c, TrialPoint t, double x, double y, double r, List<Objective> objectives) {
        String color = Palette.color(c.color());
        String attributes = dataAttributes(t) + (t.nonDominated()
                ? " class=\"pt nd\" fill=\"" + color + "\" stroke=\"#fff\""
                : " class=\"pt dom\" fill=\"#fff\" stroke=\"" + color + "\"");
        marker(svg, c.color(), x, y, r, attributes, tooltip(c, t, objectives));
    }

    private static String tooltip(Configuration c, TrialPoint t, List<Objective> objectives) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < objectives.size(); i++) {
            parts.add(objectives.get(i).task() + " " + Html.metric(t.values()[i]));
        }
        return c.label() + (t.seed() == null ? "" : ", seed " + t.seed()) + ": " + String.join(", ", parts)
                + (t.nonDominated() ? "; non-dominated" : "; dominated by another point of this configuration");
    }

    private static String values(double[] v) {
        List<String> parts = new ArrayList<>();
        for (double x : v) {
            parts.add(Html.metric(x));
        }
        return "(" + String.join(", ", parts) + ")";
    }

    /** A marker of shape {@code shape} (circle, square, triangle, diamond, inverted triangle, repeating). */
    static void marker(Svg svg, int shape, double x, double y, double r, String attributes, String tooltip) {
        switch (Math.floorMod(shape, 5)) {
            case 0 -> svg.circle(x, y, r, attributes, tooltip);
            case 1 -> svg.path(polygon(new double[] {x - r * 0.9, y - r * 0.9, x + r * 0.9, y - r * 0.9, x + r * 0.9, y + r * 0.9,
                    x - r * 0.9, y + r * 0.9}), attributes, tooltip);
            case 2 -> svg.path(polygon(new double[] {x, y - r * 1.2, x + r * 1.1, y + r * 0.8, x - r * 1.1, y + r * 0.8}), attributes,
                    tooltip);
            case 3 -> svg.path(polygon(new double[] {x, y - r * 1.25, x + r * 1.25, y, x, y + r * 1.25, x - r * 1.25, y}), attributes,
                    tooltip);
            default -> svg.path(polygon(new double[] {x, y + r * 1.2, x + r * 1.1, y - r * 0.8, x - r * 1.1, y - r * 0.8}), attributes,
                    tooltip);
        }
    }

    private static String polygon(double[] xy) {
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < xy.length; i += 2) {
            d.append(i == 0 ? "M" : "L").append(coordinate(xy[i])).append(',').append(coordinate(xy[i + 1]));
        }
        return d.append('Z').toString();
    }

    /** A legend swatch: the configuration's marker, filled, with a short line of its colour. */
    static String swatch(int color) {
        Svg svg = new Svg(24, 12, "");
        String c = Palette.color(color);
        String dash = Palette.dash(color);
        svg.line(1, 6, 23, 6, "stroke=\"" + c + "\" stroke-width=\"2\"" + (dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\""));
        marker(svg, color, 12, 6, 4, "fill=\"" + c + "\" stroke=\"#fff\"", null);
        return svg.end().replaceFirst("^<svg[^>]*>", "<svg class=\"swatch\" width=\"24\" height=\"12\" viewBox=\"0 0 24 12\""
                + " aria-hidden=\"true\">");
    }

    // ---------------------------------------------------------------- table

    /**
     * The table of a front: per configuration its points, non-dominated points, hypervolume, spread
     * and, where present, alignment; the best of each marked.
     *
     * @param front the front
     * @return the HTML table
     */
    static String table(Front front) {
        List<Configuration> rows = front.configurations();
        boolean alignment = rows.stream().anyMatch(c -> c.alignment() != null);
        double bestHv = rows.stream().mapToDouble(Configuration::hypervolume).filter(Double::isFinite).max().orElse(Double.NaN);
        double bestAlignment = rows.stream().filter(c -> c.alignment() != null).mapToDouble(c -> c.alignment()[0])
                .filter(Double::isFinite).max().orElse(Double.NaN);
        boolean perSeed = rows.stream().anyMatch(c -> c.perSeed() != null);
        double bestPerSeed = rows.stream().filter(c -> c.perSeed() != null).mapToDouble(c -> c.perSeed()[0])
                .filter(Double::isFinite).max().orElse(Double.NaN);
        boolean compare = rows.size() > 1;
        StringBuilder sb = new StringBuilder("<table class=\"pareto-table\"><thead><tr><th>configuration</th>"
                + "<th title=\"completed trials with every objective recorded\">points</th>"
                + "<th title=\"points no other point of the configuration dominates\">non-dom.</th>"
                + "<th title=\"hypervolume against the shared reference point; larger is better\">hypervolume \u2191</th>");
        if (perSeed) {
            sb.append("<th title=\"each seed's points alone against the same reference point, mean \u00b1 std over seeds: what one"
                    + " training reaches, comparable between one point per seed and a front per seed\">hypervolume per seed \u2191</th>");
        }
        sb.append("<th title=\"Deb's spread of the non-dominated points; 0 is evenly spaced\">spread \u0394</th>");
        if (alignment) {
            sb.append("<th title=\"cosine between the preference-weighted losses and the ray l \u221d 1/p, mean \u00b1 std over seeds;"
                    + " 1 is on the ray\">alignment \u2191</th>");
        }
        sb.append("</tr></thead><tbody>");
        for (Configuration c : rows) {
            sb.append("<tr><th scope=\"row\">").append(rowLabel(c)).append("</th><td>")
                    .append(c.points()).append("</td><td>").append(c.nonDominated()).append("</td>");
            boolean best = compare && c.hypervolume() == bestHv;
            sb.append("<td class=\"hypervolume").append(best ? " best" : "").append("\" data-value=\"").append(c.hypervolume())
                    .append("\">").append(Double.isFinite(c.hypervolume()) ? String.format(Locale.ROOT, "%.4g", c.hypervolume()) : "\u2014")
                    .append(best ? " <span class=\"best-mark\" title=\"largest hypervolume\">\u2605</span>" : "").append("</td>");
            if (perSeed) {
                double[] h = c.perSeed();
                best = compare && h != null && h[0] == bestPerSeed;
                sb.append("<td").append(best ? " class=\"best\"" : "").append('>')
                        .append(h == null ? "\u2014" : String.format(Locale.ROOT, "%.4g \u00b1 %.2g", h[0], h[1]))
                        .append(best ? " <span class=\"best-mark\" title=\"largest hypervolume per seed\">\u2605</span>" : "")
                        .append("</td>");
            }
            // no best spread: a front of two points has spread 0 by definition, which says nothing about its quality
            sb.append("<td>").append(Double.isFinite(c.spread()) ? String.format(Locale.ROOT, "%.3f", c.spread()) : "\u2014")
                    .append("</td>");
            if (alignment) {
                double[] a = c.alignment();
                best = compare && a != null && a[0] == bestAlignment;
                sb.append("<td").append(best ? " class=\"best\"" : "").append('>')
                        .append(a == null ? "\u2014" : String.format(Locale.ROOT, a[2] > 1 ? "%.3f \u00b1 %.3f" : "%.3f", a[0], a[1]))
                        .append(best ? " <span class=\"best-mark\" title=\"closest to its preference\">\u2605</span>" : "")
                        .append("</td>");
            }
            sb.append("</tr>");
        }
        return sb.append("</tbody></table>").toString();
    }

    /**
     * A configuration's name in the table: its swatch kept with the first key, and a line break
     * allowed after each {@code =}, so that long sweep points wrap in a narrow column.
     */
    private static String rowLabel(Configuration c) {
        String label = c.label();
        int cut = label.indexOf('=') + 1;
        return "<span class=\"nowrap\">" + swatch(c.color()) + escape(label.substring(0, cut)) + "</span>"
                + escape(label.substring(cut)).replace("=", "=<wbr>");
    }

    /**
     * The sentence that states a front's reference point and where it comes from.
     *
     * @param front the front
     * @return HTML text
     */
    static String referenceSentence(Front front) {
        if (front.reference() == null) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < front.dimensions(); i++) {
            parts.add(escape(front.objectives().get(i).shortLabel()) + " = " + Html.metric(front.reference()[i]));
        }
        String origin = front.referenceKey() != null ? "set by <code>" + escape(front.referenceKey()) + "</code>"
                : "the worst value of all configurations' points plus " + String.format(Locale.ROOT, "%.0f%%",
                        100 * (Double.isFinite(front.margin()) ? front.margin() : 0)) + " of their range, per objective";
        return "Reference point, shared by every configuration: " + String.join(", ", parts) + " (" + origin + ").";
    }
}
