package org.openmtl.experiments.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The results of one sitting of the step benchmark and their summary: per way the median of its
 * rounds' medians (the headline), the median over all its timed steps pooled, the extremes and each
 * round's median; the ratios between ways, from the headline medians and round by round.
 *
 * <p>The headline is a median of round medians because the PyTorch script prints only its
 * median, min and max; the pooled median is shown beside it for the two JVM ways.
 */
final class BenchmarkReport {

    /** The three ways a step is run. */
    enum Way {
        /** The framework's trainer through {@code MtlRuntime}. */
        TRAINER("trainer (MtlRuntime)"),
        /** The bare DJL loop. */
        BARE("bare DJL loop"),
        /** Eager PyTorch, ew mode. */
        PYTORCH("eager PyTorch (ew)"),
        /** The instrumented copy of the trainer's step (a diagnostic). */
        REPLICA("trainer step copy");

        private final String label;

        Way(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /**
     * One way measured once.
     *
     * @param way the way
     * @param round the round, from 1
     * @param stats the summary of its timed steps
     * @param stepMillis every timed step, or null where only the summary is known (PyTorch)
     * @param loadBefore the one-minute load average before
     * @param foreignCores the CPU other processes used while it ran, in cores
     * @param gcCollections JVM garbage collections during the measurement (its whole run, warm-up
     *     and set-up included)
     * @param gcMillis the time those collections took
     * @param faultsPerStep the process's minor page faults per timed step, NaN when unknown
     */
    record Measurement(Way way, int round, StepStatistics stats, double[] stepMillis, double loadBefore,
            double foreignCores, long gcCollections, long gcMillis, double faultsPerStep) {}

    /**
     * One way over all rounds.
     *
     * @param median the median of the round medians
     * @param pooledMedian the median of all timed steps of all rounds, NaN when unknown
     * @param min the fastest step seen
     * @param max the slowest step seen
     * @param roundMedians each round's median, in round order
     * @param steps timed steps over all rounds
     */
    record WaySummary(double median, double pooledMedian, double min, double max, List<Double> roundMedians,
            int steps) {}

    private final List<Measurement> measurements = new ArrayList<>();
    private final Map<String, String> facts = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    /**
     * Adds a measurement.
     *
     * @param measurement one way, one round
     */
    void add(Measurement measurement) {
        measurements.add(measurement);
    }

    /**
     * Adds a fact about the sitting (machine, versions, command).
     *
     * @param name what it is
     * @param value its value
     */
    void fact(String name, String value) {
        facts.put(name, value);
    }

    /**
     * Adds a line shown under the table.
     *
     * @param note the line
     */
    void note(String note) {
        notes.add(note);
    }

    List<Measurement> measurements() {
        return List.copyOf(measurements);
    }

    /**
     * A way's summary over all rounds.
     *
     * @param way the way
     * @return its summary
     * @throws IllegalStateException if it was never measured
     */
    WaySummary summary(Way way) {
        List<Measurement> mine = measurements.stream().filter(m -> m.way() == way)
                .sorted((a, b) -> Integer.compare(a.round(), b.round())).toList();
        if (mine.isEmpty()) {
            throw new IllegalStateException(way.label() + " was not measured");
        }
        List<Double> roundMedians = mine.stream().map(m -> m.stats().median()).toList();
        double median = StepStatistics.median(roundMedians.stream().mapToDouble(Double::doubleValue).toArray());
        double min = mine.stream().mapToDouble(m -> m.stats().min()).min().orElseThrow();
        double max = mine.stream().mapToDouble(m -> m.stats().max()).max().orElseThrow();
        int steps = mine.stream().mapToInt(m -> m.stats().count()).sum();
        double pooled = Double.NaN;
        if (mine.stream().allMatch(m -> m.stepMillis() != null)) {
            double[] all = mine.stream().flatMapToDouble(m -> java.util.Arrays.stream(m.stepMillis())).toArray();
            pooled = StepStatistics.median(all);
        }
        return new WaySummary(median, pooled, min, max, roundMedians, steps);
    }

    /**
     * The ratio of two ways' headline medians.
     *
     * @param numerator the way compared
     * @param denominator the reference
     * @return the ratio, NaN if either is missing
     */
    double ratio(Way numerator, Way denominator) {
        if (!measured(numerator) || !measured(denominator)) {
            return Double.NaN;
        }
        return StepStatistics.ratio(summary(numerator).median(), summary(denominator).median());
    }

    /**
     * The ratio of two ways' medians within each round (measured minutes apart, so less exposed to
     * a change in the machine's load than the headline ratio).
     *
     * @param numerator the way compared
     * @param denominator the reference
     * @return one ratio per round in which both were measured, in round order
     */
    List<Double> roundRatios(Way numerator, Way denominator) {
        Map<Integer, Double> top = roundMedians(numerator);
        Map<Integer, Double> bottom = roundMedians(denominator);
        List<Double> ratios = new ArrayList<>();
        for (Map.Entry<Integer, Double> e : top.entrySet()) {
            if (bottom.containsKey(e.getKey())) {
                ratios.add(StepStatistics.ratio(e.getValue(), bottom.get(e.getKey())));
            }
        }
        return ratios;
    }

    private Map<Integer, Double> roundMedians(Way way) {
        Map<Integer, Double> byRound = new java.util.TreeMap<>();
        for (Measurement m : measurements) {
            if (m.way() == way) {
                byRound.put(m.round(), m.stats().median());
            }
        }
        return byRound;
    }

    private boolean measured(Way way) {
        return measurements.stream().anyMatch(m -> m.way() == way);
    }

    /**
     * The results as a plain-text table for the terminal.
     *
     * @return the text
     */
    String text() {
        StringBuilder sb = new StringBuilder();
        facts.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%-16s %s%n", k + ":", v)));
        sb.append(String.format(Locale.ROOT, "%n%-22s %10s %10s %8s %8s  %-26s %s%n", "ms per step", "median",
                "pooled", "min", "max", "round medians", "steps"));
        for (Way way : measuredWays()) {
            WaySummary s = summary(way);
            sb.append(String.format(Locale.ROOT, "%-22s %10.2f %10s %8.2f %8.2f  %-26s %d%n", way.label(),
                    s.median(), Double.isNaN(s.pooledMedian()) ? "-" : String.format(Locale.ROOT, "%.2f",
                            s.pooledMedian()), s.min(), s.max(), join(s.roundMedians()), s.steps()));
        }
        sb.append('\n');
        for (Comparison c : comparisons()) {
            sb.append(String.format(Locale.ROOT, "%-22s %10.3f   per round: %s%n", c.label(),
                    ratio(c.numerator(), c.denominator()), joinRatios(roundRatios(c.numerator(), c.denominator()))));
        }
        sb.append(String.format(Locale.ROOT, "%n%-6s %-22s %8s %8s %8s %9s %12s %12s%n", "round", "way", "median",
                "min", "max", "load avg", "other cores", "faults/step"));
        for (Measurement m : measurements) {
            sb.append(String.format(Locale.ROOT, "%-6d %-22s %8.2f %8.2f %8.2f %9.2f %12.2f %12s%n", m.round(),
                    m.way().label(), m.stats().median(), m.stats().min(), m.stats().max(), m.loadBefore(),
                    m.foreignCores(), faults(m.faultsPerStep(), "-")));
        }
        if (!notes.isEmpty()) {
            sb.append('\n');
            notes.forEach(n -> sb.append(n).append('\n'));
        }
        return sb.toString();
    }

    /**
     * The results as Markdown: the facts, the table of medians, the ratios, the rounds.
     *
     * @return the Markdown text
     */
    String markdown() {
        StringBuilder sb = new StringBuilder();
        facts.forEach((k, v) -> sb.append("- ").append(k).append(": ").append(v).append('\n'));
        sb.append("\n| way | median ms/step | pooled median | min | max | round medians | timed steps |\n");
        sb.append("|---|---:|---:|---:|---:|---|---:|\n");
        for (Way way : measuredWays()) {
            WaySummary s = summary(way);
            sb.append(String.format(Locale.ROOT, "| %s | %.2f | %s | %.2f | %.2f | %s | %d |%n", way.label(),
                    s.median(), Double.isNaN(s.pooledMedian()) ? "—" : String.format(Locale.ROOT, "%.2f",
                            s.pooledMedian()), s.min(), s.max(), join(s.roundMedians()), s.steps()));
        }
        sb.append("\n| ratio | of medians | per round |\n|---|---:|---|\n");
        for (Comparison c : comparisons()) {
            sb.append(String.format(Locale.ROOT, "| %s | %.3f | %s |%n", c.label(),
                    ratio(c.numerator(), c.denominator()), joinRatios(roundRatios(c.numerator(), c.denominator()))));
        }
        sb.append("\n| round | way | median | min | max | load avg before | other processes (cores) |"
                + " page faults / step | JVM GCs (ms) |\n");
        sb.append("|---:|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (Measurement m : measurements) {
            sb.append(String.format(Locale.ROOT, "| %d | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %d (%d) |%n",
                    m.round(), m.way().label(), m.stats().median(), m.stats().min(), m.stats().max(),
                    m.loadBefore(), m.foreignCores(), faults(m.faultsPerStep(), "—"), m.gcCollections(),
                    m.gcMillis()));
        }
        if (!notes.isEmpty()) {
            sb.append('\n');
            notes.forEach(n -> sb.append("- ").append(n).append('\n'));
        }
        return sb.toString();
    }

    private List<Way> measuredWays() {
        return java.util.Arrays.stream(Way.values()).filter(this::measured).toList();
    }

    /** A comparison shown in the report: {@code numerator / denominator}. */
    private record Comparison(Way numerator, Way denominator, String label) {}

    private static final List<Comparison> COMPARISONS = List.of(
            new Comparison(Way.TRAINER, Way.BARE, "trainer / bare DJL"),
            new Comparison(Way.TRAINER, Way.PYTORCH, "trainer / PyTorch"),
            new Comparison(Way.BARE, Way.PYTORCH, "bare DJL / PyTorch"),
            new Comparison(Way.REPLICA, Way.TRAINER, "trainer copy / trainer"));

    private List<Comparison> comparisons() {
        return COMPARISONS.stream().filter(c -> measured(c.numerator()) && measured(c.denominator())).toList();
    }

    private static String faults(double perStep, String unknown) {
        return Double.isNaN(perStep) ? unknown : String.format(Locale.ROOT, "%.0f", perStep);
    }

    private static String join(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).collect(Collectors.joining(", "));
    }

    private static String joinRatios(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.3f", v)).collect(Collectors.joining(", "));
    }
}
