package org.openmtl.core.report;

import static org.openmtl.core.report.Html.coordinate;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/** The report's chart types drawn as SVG: lines over epochs, a two-task scatter, bars, heatmaps. */
final class Charts {

    private static final String AXIS_TEXT = "class=\"tick\"";

    private Charts() {}

    /**
     * One line of a line chart.
     *
     * @param name the series' name (hover text)
     * @param color its palette index
     * @param method the method index it belongs to (for the legend's show/hide), or -1
     * @param points per x: {x, mean, min, max}; min and max draw a band where they differ
     */
    record Series(String name, int color, int method, List<double[]> points) {}

    /**
     * A vertical mark where a phase starts.
     *
     * @param x where (between two epochs)
     * @param label the phase's name
     * @param color the palette index of the method it belongs to
     */
    record PhaseMark(double x, String label, int color) {}

    /** The plotting area of an x/y chart and its scales (also used by {@link ParetoFigures}). */
    record Frame(Svg svg, double left, double top, double right, double bottom, NiceScale xs, NiceScale ys) {

        double x(double v) {
            return left + (right - left) * (v - xs.min()) / (xs.max() - xs.min());
        }

        double y(double v) {
            return bottom - (bottom - top) * (v - ys.min()) / (ys.max() - ys.min());
        }

        void axes(String xLabel, String yLabel) {
            axes(xLabel, yLabel, xs.ticks(), xs::label);
        }

        /** The axes with the x ticks and their labels given (categories). */
        void axes(String xLabel, String yLabel, List<Double> xTicks, DoubleFunction<String> xTickLabel) {
            svg.rect(left, top, right - left, bottom - top, "class=\"plot\"");
            for (double t : ys.ticks()) {
                double y = y(t);
                svg.line(left, y, right, y, "class=\"grid\"");
                svg.line(left - 4, y, left, y, "class=\"axis\"");
                svg.text(left - 7, y + 4, ys.label(t), AXIS_TEXT + " text-anchor=\"end\"");
            }
            for (double t : xTicks) {
                double x = x(t);
                svg.line(x, top, x, bottom, "class=\"grid\"");
                svg.line(x, bottom, x, bottom + 4, "class=\"axis\"");
                svg.text(x, bottom + 17, xTickLabel.apply(t), AXIS_TEXT + " text-anchor=\"middle\"");
            }
            svg.line(left, bottom, right, bottom, "class=\"axis\"");
            svg.line(left, top, left, bottom, "class=\"axis\"");
            svg.text((left + right) / 2, bottom + 36, xLabel, "class=\"axis-label\" text-anchor=\"middle\"");
            double cy = (top + bottom) / 2;
            svg.text(16, cy, yLabel, "class=\"axis-label\" text-anchor=\"middle\" transform=\"rotate(-90 16 "
                    + coordinate(cy) + ")\"");
        }
    }

    /**
     * Lines over epochs with their min–max bands and phase marks.
     *
     * @param description what the chart shows (for screen readers)
     * @param series the lines
     * @param phases where phases start
     * @param xLabel the x axis' label
     * @param yLabel the y axis' label
     * @return the SVG, or null when no series has a finite point
     */
    static String lines(String description, List<Series> series, List<PhaseMark> phases, String xLabel, String yLabel) {
        double xlo = Double.POSITIVE_INFINITY;
        double xhi = Double.NEGATIVE_INFINITY;
        double ylo = Double.POSITIVE_INFINITY;
        double yhi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (Double.isFinite(p[0]) && Double.isFinite(p[1])) {
                    xlo = Math.min(xlo, p[0]);
                    xhi = Math.max(xhi, p[0]);
                    ylo = Math.min(ylo, Double.isFinite(p[2]) ? Math.min(p[1], p[2]) : p[1]);
                    yhi = Math.max(yhi, Double.isFinite(p[3]) ? Math.max(p[1], p[3]) : p[1]);
                }
            }
        }
        if (!Double.isFinite(xlo)) {
            return null;
        }
        NiceScale xs = integerScale(xlo, xhi);
        NiceScale ys = NiceScale.covering(ylo, yhi, 6);
        int labelRows = phases.isEmpty() ? 0 : Math.min(4, phases.size());
        double top = 14 + 11 * labelRows;
        Svg svg = new Svg(560, 300 + top, description);
        Frame f = new Frame(svg, 66, top, 544, top + 246, xs, ys);
        f.axes(xLabel, yLabel);
        // phase labels in rows above the plot, a label going to the first row where it does not overlap
        List<Double> rowEnds = new ArrayList<>();
        List<PhaseMark> sorted = new ArrayList<>(phases);
        sorted.sort(java.util.Comparator.comparingDouble(PhaseMark::x));
        for (PhaseMark p : sorted) {
            if (p.x() <= xs.min() || p.x() >= xs.max()) {
                continue;
            }
            double x = f.x(p.x());
            String text = p.label().length() > 16 ? p.label().substring(0, 15) + "\u2026" : p.label();
            int row = 0;
            while (row < rowEnds.size() && rowEnds.get(row) > x) {
                row++;
            }
            if (row == rowEnds.size()) {
                rowEnds.add(0.0);
            }
            rowEnds.set(row, x + 6 + text.length() * 5.8);
            svg.line(x, f.top() - 6 - 11 * row, x, f.bottom(), "class=\"phase\" stroke=\"" + Palette.color(p.color()) + "\"");
            if (row < 4) {
                svg.label(x + 3, f.top() - 8 - 11 * row, p.label(), 16, "class=\"phase-label\" fill=\""
                        + Palette.color(p.color()) + "\"");
            }
        }
        drawSeries(f, series, xLabel, xs::label, false);
        return svg.end();
    }

    /**
     * Lines over categories (e.g. training-set sizes, evenly spaced in the given order), each point
     * the mean with a band of ± one standard deviation, and a dashed reference line.
     *
     * @param description what the chart shows (for screen readers)
     * @param series the lines; a point's x is its category's index, {x, mean, mean − std, mean + std}
     * @param categories the categories' labels, in axis order
     * @param reference the y of the reference line (e.g. 0: no difference)
     * @param xLabel the x axis' label
     * @param yLabel the y axis' label
     * @return the SVG, or null when no series has a finite point
     */
    static String categoryLines(String description, List<Series> series, List<String> categories, double reference,
            String xLabel, String yLabel) {
        double ylo = reference;
        double yhi = reference;
        boolean any = false;
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (Double.isFinite(p[0]) && Double.isFinite(p[1])) {
                    any = true;
                    ylo = Math.min(ylo, Double.isFinite(p[2]) ? Math.min(p[1], p[2]) : p[1]);
                    yhi = Math.max(yhi, Double.isFinite(p[3]) ? Math.max(p[1], p[3]) : p[1]);
                }
            }
        }
        if (!any || categories.isEmpty()) {
            return null;
        }
        NiceScale xs = new NiceScale(-0.5, categories.size() - 0.5, 1);
        NiceScale ys = NiceScale.covering(ylo, yhi, 6);
        Svg svg = new Svg(560, 314, description);
        Frame f = new Frame(svg, 66, 14, 544, 260, xs, ys);
        List<Double> ticks = new ArrayList<>();
        for (int i = 0; i < categories.size(); i++) {
            ticks.add((double) i);
        }
        DoubleFunction<String> label = x -> {
            int i = (int) Math.round(x);
            return i >= 0 && i < categories.size() ? categories.get(i) : "";
        };
        f.axes(xLabel, yLabel, ticks, label);
        svg.line(f.left(), f.y(reference), f.right(), f.y(reference), "class=\"reference\"");
        drawSeries(f, series, xLabel, label, true);
        return svg.end();
    }

    /** Each series as a line with its points and, where its points have a range, a band. */
    private static void drawSeries(Frame f, List<Series> series, String xLabel, DoubleFunction<String> xText, boolean stdBand) {
        Svg svg = f.svg();
        for (Series s : series) {
            String color = Palette.color(s.color());
            svg.group((s.method() >= 0 ? "data-m=\"" + s.method() + "\" " : "") + "class=\"series\"");
            StringBuilder band = new StringBuilder();
            List<double[]> finite = new ArrayList<>();
            for (double[] p : s.points()) {
                if (Double.isFinite(p[0]) && Double.isFinite(p[1])) {
                    finite.add(p);
                }
            }
            boolean hasBand = finite.stream().anyMatch(p -> Double.isFinite(p[2]) && Double.isFinite(p[3]) && p[3] > p[2]);
            if (hasBand && finite.size() > 1) {
                for (double[] p : finite) {
                    band.append(band.length() == 0 ? "M" : "L").append(coordinate(f.x(p[0]))).append(',')
                            .append(coordinate(f.y(Double.isFinite(p[3]) ? p[3] : p[1])));
                }
                for (int i = finite.size() - 1; i >= 0; i--) {
                    double[] p = finite.get(i);
                    band.append('L').append(coordinate(f.x(p[0]))).append(',')
                            .append(coordinate(f.y(Double.isFinite(p[2]) ? p[2] : p[1])));
                }
                svg.path(band.append('Z').toString(), "class=\"band\" fill=\"" + color + "\"", null);
            }
            StringBuilder line = new StringBuilder();
            for (double[] p : finite) {
                line.append(line.length() == 0 ? "M" : "L").append(coordinate(f.x(p[0]))).append(',').append(coordinate(f.y(p[1])));
            }
            String dash = Palette.dash(s.color());
            svg.path(line.toString(), "class=\"line\" stroke=\"" + color + "\"" + (dash.isEmpty() ? "" : " stroke-dasharray=\"" + dash + "\""),
                    null);
            for (double[] p : finite) {
                String range = !hasBand || !Double.isFinite(p[2]) ? ""
                        : stdBand ? " \u00b1 " + Html.metric((p[3] - p[2]) / 2)
                        : String.format(Locale.ROOT, " (min %s, max %s)", Html.metric(p[2]), Html.metric(p[3]));
                svg.circle(f.x(p[0]), f.y(p[1]), finite.size() > 40 ? 1.6 : 2.6, "fill=\"" + color + "\"",
                        s.name() + ", " + xLabel + " " + xText.apply(p[0]) + ": " + Html.metric(p[1]) + range);
            }
            svg.endGroup();
        }
    }

    /**
     * One method in the two-task scatter.
     *
     * @param name the method
     * @param color its palette index
     * @param seeds (x, y) per trial
     * @param seedLabels a name per trial (hover text)
     */
    record ScatterGroup(String name, int color, List<double[]> seeds, List<String> seedLabels) {

        double[] mean() {
            double x = 0;
            double y = 0;
            int n = 0;
            for (double[] p : seeds) {
                if (Double.isFinite(p[0]) && Double.isFinite(p[1])) {
                    x += p[0];
                    y += p[1];
                    n++;
                }
            }
            return n == 0 ? new double[] {Double.NaN, Double.NaN} : new double[] {x / n, y / n};
        }
    }

    /**
     * Two tasks' metrics, one point per trial and a larger one per method mean, with the Pareto front
     * of the means.
     *
     * @return the SVG, or null when no point is finite
     */
    static String scatter(String description, List<ScatterGroup> groups, String xLabel, boolean xHigherIsBetter,
            String yLabel, boolean yHigherIsBetter) {
        double xlo = Double.POSITIVE_INFINITY;
        double xhi = Double.NEGATIVE_INFINITY;
        double ylo = Double.POSITIVE_INFINITY;
        double yhi = Double.NEGATIVE_INFINITY;
        for (ScatterGroup g : groups) {
            for (double[] p : g.seeds()) {
                if (Double.isFinite(p[0]) && Double.isFinite(p[1])) {
                    xlo = Math.min(xlo, p[0]);
                    xhi = Math.max(xhi, p[0]);
                    ylo = Math.min(ylo, p[1]);
                    yhi = Math.max(yhi, p[1]);
                }
            }
        }
        if (!Double.isFinite(xlo)) {
            return null;
        }
        NiceScale xs = NiceScale.covering(xlo, xhi, 6);
        NiceScale ys = NiceScale.covering(ylo, yhi, 6);
        Svg svg = new Svg(560, 440, description);
        Frame f = new Frame(svg, 72, 20, 544, 386, xs, ys);
        f.axes(xLabel + (xHigherIsBetter ? " (higher is better \u2192)" : " (\u2190 lower is better)"),
                yLabel + (yHigherIsBetter ? " (higher is better \u2192)" : " (\u2190 lower is better)"));
        List<double[]> means = new ArrayList<>();
        groups.forEach(g -> means.add(g.mean()));
        List<Integer> front = ParetoFront.indices(means, xHigherIsBetter, yHigherIsBetter);
        List<double[]> frontPoints = new ArrayList<>();
        front.forEach(i -> frontPoints.add(means.get(i)));
        StringBuilder d = new StringBuilder();
        for (double[] p : ParetoFront.staircase(frontPoints, xHigherIsBetter, yHigherIsBetter)) {
            d.append(d.length() == 0 ? "M" : "L").append(coordinate(f.x(p[0]))).append(',').append(coordinate(f.y(p[1])));
        }
        if (frontPoints.size() > 1) {
            svg.path(d.toString(), "class=\"pareto\"", "Pareto front of the method means");
        }
        for (int i = 0; i < groups.size(); i++) {
            ScatterGroup g = groups.get(i);
            String color = Palette.color(g.color());
            svg.group("data-m=\"" + g.color() + "\" class=\"series\"");
            for (int s = 0; s < g.seeds().size(); s++) {
                double[] p = g.seeds().get(s);
                if (Double.isFinite(p[0]) && Double.isFinite(p[1])) {
                    svg.circle(f.x(p[0]), f.y(p[1]), 3.2, "class=\"seed\" stroke=\"" + color + "\"",
                            g.seedLabels().get(s) + ": " + Html.metric(p[0]) + ", " + Html.metric(p[1]));
                }
            }
            double[] m = means.get(i);
            if (Double.isFinite(m[0])) {
                boolean onFront = front.contains(i);
                if (onFront) {
                    svg.circle(f.x(m[0]), f.y(m[1]), 10, "class=\"front-ring\" stroke=\"" + color + "\"", null);
                }
                svg.circle(f.x(m[0]), f.y(m[1]), 6.5, "class=\"mean\" fill=\"" + color + "\"", g.name() + " (mean of "
                        + g.seeds().size() + "): " + Html.metric(m[0]) + ", " + Html.metric(m[1]) + (onFront ? "; on the Pareto front" : ""));
            }
            svg.endGroup();
        }
        return svg.end();
    }

    /**
     * A bar of a horizontal bar chart.
     *
     * @param name the label on the left
     * @param color its palette index
     * @param value the bar's length
     * @param lo the whisker's lower end (NaN for none)
     * @param hi the whisker's upper end
     * @param text the value as written at the bar's end
     */
    record Bar(String name, int color, double value, double lo, double hi, String text) {}

    /** Horizontal bars from zero with whiskers; null when no bar has a finite value. */
    static String bars(String description, List<Bar> bars, String axisLabel) {
        double hi = 0;
        int longest = 4;
        for (Bar b : bars) {
            if (Double.isFinite(b.value())) {
                hi = Math.max(hi, Double.isFinite(b.hi()) ? Math.max(b.value(), b.hi()) : b.value());
            }
            longest = Math.max(longest, b.name().length());
        }
        if (bars.stream().noneMatch(b -> Double.isFinite(b.value()))) {
            return null;
        }
        int maxChars = Math.min(32, longest);
        double left = 12 + maxChars * Svg.CHAR_WIDTH;
        double row = 26;
        double height = 20 + row * bars.size() + 46;
        Svg svg = new Svg(560, height, description);
        NiceScale xs = NiceScale.covering(0, hi <= 0 ? 1 : hi, 5);
        Frame f = new Frame(svg, left, 14, 500, 14 + row * bars.size(), xs, new NiceScale(0, 1, 1));
        for (double t : xs.ticks()) {
            double x = f.x(t);
            svg.line(x, f.top(), x, f.bottom(), "class=\"grid\"");
            svg.text(x, f.bottom() + 17, xs.label(t), AXIS_TEXT + " text-anchor=\"middle\"");
        }
        svg.line(left, f.top(), left, f.bottom(), "class=\"axis\"").line(left, f.bottom(), 500, f.bottom(), "class=\"axis\"");
        svg.text((left + 500) / 2, f.bottom() + 36, axisLabel, "class=\"axis-label\" text-anchor=\"middle\"");
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double y = f.top() + row * i;
            svg.group("data-m=\"" + b.color() + "\" class=\"series\"");
            svg.label(left - 8, y + row / 2 + 4, b.name(), maxChars, "class=\"bar-label\" text-anchor=\"end\"");
            if (Double.isFinite(b.value())) {
                svg.rect(left, y + 5, f.x(b.value()) - left, row - 10, "fill=\"" + Palette.color(b.color()) + "\" class=\"bar\"",
                        b.name() + ": " + b.text());
                double end = f.x(b.value());
                if (Double.isFinite(b.lo()) && Double.isFinite(b.hi()) && b.hi() > b.lo()) {
                    double cy = y + row / 2;
                    svg.line(f.x(b.lo()), cy, f.x(b.hi()), cy, "class=\"whisker\"")
                            .line(f.x(b.lo()), cy - 4, f.x(b.lo()), cy + 4, "class=\"whisker\"")
                            .line(f.x(b.hi()), cy - 4, f.x(b.hi()), cy + 4, "class=\"whisker\"");
                    end = Math.max(end, f.x(b.hi()));
                }
                svg.text(end + 5, y + row / 2 + 4, b.text(), AXIS_TEXT);
            } else {
                svg.text(left + 5, y + row / 2 + 4, "\u2014 (not recorded)", AXIS_TEXT);
            }
            svg.endGroup();
        }
        return svg.end();
    }

    /**
     * A matrix as coloured cells on a diverging scale with a colour bar.
     *
     * @param rows the row names
     * @param columns the column names
     * @param values the values (NaN for none)
     * @param scale the magnitude drawn at full colour (the colour bar runs from -scale to +scale)
     * @param columnTitle a line above the columns (or "")
     * @return the SVG
     */
    static String heatmap(String description, List<String> rows, List<String> columns, double[][] values, double scale,
            String columnTitle) {
        int longest = 2;
        for (String r : rows) {
            longest = Math.max(longest, r.length());
        }
        int longestColumn = 2;
        for (String c : columns) {
            longestColumn = Math.max(longestColumn, c.length());
        }
        int maxChars = Math.min(24, longest);
        double cell = columns.size() <= 8 ? 48 : columns.size() <= 16 ? 30 : 20;
        boolean rotate = longestColumn * Svg.CHAR_WIDTH > cell - 4;
        double left = 14 + maxChars * Svg.CHAR_WIDTH;
        double top = (columnTitle.isEmpty() ? 8 : 26) + (rotate ? Math.min(18, longestColumn) * Svg.CHAR_WIDTH * 0.75 + 10 : 22);
        double width = left + cell * columns.size() + 86;
        double height = Math.max(top + cell * rows.size() + 12, 150);
        Svg svg = new Svg(width, height, description);
        if (!columnTitle.isEmpty()) {
            svg.text(left + cell * columns.size() / 2, 16, columnTitle, "class=\"axis-label\" text-anchor=\"middle\"");
        }
        for (int j = 0; j < columns.size(); j++) {
            double cx = left + cell * j + cell / 2;
            if (rotate) {
                svg.label(cx + 4, top - 8, columns.get(j), 18, "class=\"tick\" text-anchor=\"start\" transform=\"rotate(-55 "
                        + coordinate(cx + 4) + " " + coordinate(top - 8) + ")\"");
            } else {
                svg.label(cx, top - 8, columns.get(j), 18, "class=\"tick\" text-anchor=\"middle\"");
            }
        }
        for (int i = 0; i < rows.size(); i++) {
            double y = top + cell * i;
            svg.label(left - 8, y + cell / 2 + 4, rows.get(i), maxChars, "class=\"tick\" text-anchor=\"end\"");
            for (int j = 0; j < columns.size(); j++) {
                double v = values[i][j];
                double scaled = scale > 0 ? v / scale : v;
                svg.rect(left + cell * j, y, cell, cell, "fill=\"" + Palette.diverging(scaled) + "\" class=\"cell\"",
                        rows.get(i) + " \u2192 " + columns.get(j) + ": " + (Double.isFinite(v) ? Html.metric(v) : "n/a"));
                if (cell >= 40 && Double.isFinite(v)) {
                    svg.text(left + cell * j + cell / 2, y + cell / 2 + 4, String.format(Locale.ROOT, "%.2f", v),
                            "class=\"cell-text\" text-anchor=\"middle\" fill=\"" + (Palette.darkFill(scaled) ? "#fff" : "#222") + "\"");
                }
            }
        }
        // colour bar
        double bx = left + cell * columns.size() + 22;
        double bh = Math.max(90, Math.min(cell * rows.size(), 200));
        int steps = 20;
        for (int s = 0; s < steps; s++) {
            double v = 1 - 2.0 * (s + 0.5) / steps;
            svg.rect(bx, top + bh * s / steps, 12, bh / steps + 0.5, "fill=\"" + Palette.diverging(v) + "\"");
        }
        svg.rect(bx, top, 12, bh, "class=\"colorbar\"");
        svg.text(bx + 16, top + 8, "+" + compact(scale), AXIS_TEXT);
        svg.text(bx + 16, top + bh / 2 + 4, "0", AXIS_TEXT);
        svg.text(bx + 16, top + bh, "\u2212" + compact(scale), AXIS_TEXT);
        return svg.end();
    }

    /** A colour bar's end value: as short as it can be. */
    private static String compact(double v) {
        String s = String.format(Locale.ROOT, "%.3g", v);
        return s.contains("e") ? s : s.replaceAll("\\.?0+$", "");
    }

    /** Integer ticks for epochs (at least one epoch apart). */
    static NiceScale integerScale(double lo, double hi) {
        NiceScale s = NiceScale.covering(lo, hi, 7);
        if (s.step() >= 1) {
            return s;
        }
        double min = Math.floor(lo);
        double max = Math.ceil(hi);
        if (max <= min) {
            max = min + 1;
        }
        return new NiceScale(min, max, 1);
    }
}
