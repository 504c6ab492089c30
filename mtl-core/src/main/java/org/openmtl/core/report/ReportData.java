package org.openmtl.core.report;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openmtl.core.api.PrimaryMetric;
import org.openmtl.core.api.EpochRecord;
import org.openmtl.core.api.RunResult;

/**
 * What the page is drawn from: the trials grouped into methods (configurations whose trials differ
 * only in their seed), the tasks with their primary metric and its direction, and per method the
 * aggregates over seeds. Reads each trial's result through {@link RunResult} (status, tasks,
 * primary metrics, test metrics, parameters, time per step), which reads a missing or mistyped value
 * as "not recorded", never an exception; the learning curves, task weights and phase marks read
 * its typed history ({@link EpochRecord}). Only the sections {@link RunResult} does not type (a
 * trial's transfer comparison, affinity, structure and gradient diagnostics, the sweep summary's
 * sections) are read from the maps, defensively.
 */
final class ReportData {

    /** The key whose values are the training-set sizes of the transfer-by-size figure. */
    static final String TRAIN_LIMIT = "dataset.train.limit";

    /** A task's primary metric and its direction. */
    record Primary(String metric, boolean higherIsBetter) {}

    /** Mean, sample standard deviation, extremes and count of some values. */
    record Stats(double mean, double std, double min, double max, int n) {

        static Stats of(List<Double> values) {
            List<Double> finite = values.stream().filter(Double::isFinite).toList();
            if (finite.isEmpty()) {
                return new Stats(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
            }
            double mean = finite.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double ss = 0;
            for (double v : finite) {
                ss += (v - mean) * (v - mean);
            }
            double std = finite.size() > 1 ? Math.sqrt(ss / (finite.size() - 1)) : 0;
            double min = finite.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
            double max = finite.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
            return new Stats(mean, std, min, max, finite.size());
        }

        boolean present() {
            return n > 0;
        }
    }

    /**
     * A method: the trials of one configuration over seeds.
     *
     * @param label the configuration's name
     * @param index its position (and palette colour)
     * @param trials its trials
     * @param results their results, typed, in the same order
     */
    record Method(String label, int index, List<HtmlReport.Entry> trials, List<RunResult> results) {

        Method(String label, int index, List<HtmlReport.Entry> trials) {
            this(label, index, trials, trials.stream().map(e -> RunResult.fromMap(e.result())).toList());
        }

        /** The completed trials; all trials when none completed (their partial histories still show). */
        List<HtmlReport.Entry> usable() {
            List<HtmlReport.Entry> done = completed();
            return done.isEmpty() ? trials : done;
        }

        /** The typed results of {@link #usable()}, in its order. */
        List<RunResult> usableResults() {
            List<RunResult> done = completedResults();
            return done.isEmpty() ? results : done;
        }

        List<HtmlReport.Entry> completed() {
            List<HtmlReport.Entry> done = new ArrayList<>();
            for (int i = 0; i < trials.size(); i++) {
                if (results.get(i).completed()) {
                    done.add(trials.get(i));
                }
            }
            return done;
        }

        /** The results of the completed trials. */
        List<RunResult> completedResults() {
            return results.stream().filter(RunResult::completed).toList();
        }
    }

    /**
     * Δm% and per-task gains against the single-task baseline.
     *
     * @param deltaM Δm% over the seeds
     * @param gains per task, the relative gain of its primary metric in percent (mean over seeds)
     * @param negative the tasks with negative transfer
     */
    record Transfer(Stats deltaM, Map<String, Double> gains, Set<String> negative) {}

    final List<Method> methods = new ArrayList<>();
    final List<String> tasks = new ArrayList<>();
    final Map<String, Primary> primary = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> summaryGroups = new LinkedHashMap<>();
    /** The sweep summary's Δm% per training-set size ({@code transfer_by_train_size}), or empty. */
    final Map<String, Object> transferBySize;
    /** The transfer matrix of ./mtl transfer ({@code transfer_matrix}: transfer.json), or empty. */
    final Map<String, Object> transferMatrix;
    /** The sweep summary's Pareto fronts ({@code pareto_front}), or empty. */
    final Map<String, Object> paretoFront;

    ReportData(List<HtmlReport.Entry> entries, Map<String, Object> summary) {
        Map<String, List<HtmlReport.Entry>> byGroup = new LinkedHashMap<>();
        for (HtmlReport.Entry e : entries) {
            byGroup.computeIfAbsent(e.group(), g -> new ArrayList<>()).add(e);
        }
        byGroup.forEach((label, trials) -> methods.add(new Method(label, methods.size(), trials)));
        Map<HtmlReport.Entry, RunResult> typed = new IdentityHashMap<>();
        methods.forEach(m -> {
            for (int i = 0; i < m.trials().size(); i++) {
                typed.put(m.trials().get(i), m.results().get(i));
            }
        });
        List<RunResult> results = entries.stream().map(typed::get).toList(); // in the entries' order, as the page lists tasks
        Set<String> names = new LinkedHashSet<>();
        for (RunResult r : results) {
            names.addAll(r.tasks().keySet());
            names.addAll(r.primaryMetrics().keySet());
        }
        tasks.addAll(names);
        for (String task : tasks) {
            primary.put(task, primaryOf(entries, results, task));
        }
        transferBySize = map(map(summary).get("transfer_by_train_size"));
        transferMatrix = map(map(summary).get("transfer_matrix"));
        paretoFront = map(map(summary).get("pareto_front"));
        for (Object g : list(map(summary).get("groups"))) {
            Map<String, Object> group = map(g);
            summaryGroups.put(pointLabel(map(group.get("point"))), group);
        }
    }

    /**
     * The name a sweep gives a point of its grid: {@code key=value} pairs joined by spaces, "run"
     * for the empty point (as the sweep labels its trials and groups).
     */
    static String pointLabel(Map<String, Object> point) {
        List<String> parts = new ArrayList<>();
        point.forEach((k, v) -> parts.add(k + "=" + v));
        return parts.isEmpty() ? "run" : String.join(" ", parts);
    }

    private static Primary primaryOf(List<HtmlReport.Entry> entries, List<RunResult> results, String task) {
        for (RunResult r : results) {
            PrimaryMetric p = r.primaryMetrics().get(task);
            if (p != null) {
                return new Primary(p.metric(), p.higherIsBetter());
            }
        }
        // results whose primary_metrics the typed form cannot read (older builds wrote less)
        for (HtmlReport.Entry e : entries) {
            Map<String, Object> p = map(map(e.result().get("primary_metrics")).get(task));
            if (p.get("metric") instanceof String metric) {
                boolean higher = p.get("higher_is_better") instanceof Boolean b ? b : guessHigherIsBetter(metric);
                return new Primary(metric, higher);
            }
        }
        for (RunResult r : results) {
            Map<String, Double> metrics = r.tasks().getOrDefault(task, Map.of());
            if (!metrics.isEmpty()) {
                String metric = metrics.keySet().iterator().next();
                return new Primary(metric, guessHigherIsBetter(metric));
            }
        }
        return new Primary("loss", false);
    }

    /** For results older than {@code primary_metrics}: the direction of the common metrics. */
    static boolean guessHigherIsBetter(String metric) {
        String m = metric.toLowerCase(Locale.ROOT);
        return m.contains("accuracy") || m.equals("f1") || m.equals("auc") || m.equals("r2") || m.contains("iou")
                || m.equals("precision") || m.equals("recall");
    }

    /**
     * The index of the method whose label is a sweep point's label.
     *
     * @param label the label ({@link #pointLabel})
     * @return the method's index, or -1 when no method has it
     */
    int methodIndex(String label) {
        for (Method m : methods) {
            if (m.label().equals(label)) {
                return m.index();
            }
        }
        return -1;
    }

    /** A task's primary test metric over a method's completed trials. */
    Stats testMetric(Method m, String task) {
        List<Double> values = new ArrayList<>();
        for (RunResult r : m.completedResults()) {
            values.add(r.testMetric(task, primary.get(task).metric()).orElse(Double.NaN));
        }
        return Stats.of(values);
    }

    /** A top-level number of the result (ms_per_step, peak_rss_mb, parameters) over a method's completed trials. */
    Stats resultNumber(Method m, String key) {
        List<Double> values = new ArrayList<>();
        for (RunResult r : m.completedResults()) {
            values.add(switch (key) {
                case "parameters" -> r.parameters() > 0 ? (double) r.parameters() : Double.NaN;
                case "ms_per_step" -> r.msPerStep();
                default -> r.section(key).filter(v -> v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber())
                        .map(v -> v.getAsDouble()).orElse(Double.NaN);
            });
        }
        return Stats.of(values);
    }

    /**
     * Δm% against the single-task baseline: from the sweep summary's group when there is one,
     * otherwise from the trials' own {@code transfer} sections; null when neither has it.
     */
    Transfer transfer(Method m) {
        Map<String, Object> fromSummary = map(map(summaryGroups.get(m.label())).get("transfer"));
        if (!fromSummary.isEmpty()) {
            Map<String, Object> d = map(fromSummary.get("delta_m_percent"));
            int n = number(d.get("n")) > 0 ? (int) number(d.get("n")) : 1;
            Stats delta = new Stats(number(d.get("mean")), number(d.get("std")), Double.NaN, Double.NaN, n);
            Map<String, Double> gains = new LinkedHashMap<>();
            map(fromSummary.get("gain_percent")).forEach((t, s) -> gains.put(t, number(map(s).get("mean"))));
            Set<String> negative = new LinkedHashSet<>();
            list(fromSummary.get("negative_transfer")).forEach(t -> negative.add(String.valueOf(t)));
            return new Transfer(delta, gains, negative);
        }
        List<Double> deltas = new ArrayList<>();
        Map<String, List<Double>> gains = new LinkedHashMap<>();
        for (HtmlReport.Entry e : m.completed()) {
            Map<String, Object> t = map(e.result().get("transfer"));
            if (t.isEmpty()) {
                continue;
            }
            deltas.add(number(t.get("delta_m_percent")));
            map(t.get("tasks")).forEach((task, g) -> gains.computeIfAbsent(task, k -> new ArrayList<>())
                    .add(number(map(g).get("gain_percent"))));
        }
        if (deltas.isEmpty()) {
            return null;
        }
        Map<String, Double> meanGains = new LinkedHashMap<>();
        Set<String> negative = new LinkedHashSet<>();
        gains.forEach((task, list) -> {
            double mean = Stats.of(list).mean();
            meanGains.put(task, mean);
            if (mean < 0) {
                negative.add(task);
            }
        });
        return new Transfer(Stats.of(deltas), meanGains, negative);
    }

    /** A trial's seed as its configuration says, or its label. */
    static String seedLabel(HtmlReport.Entry e) {
        Object seed = map(e.result().get("config")).get("seed");
        return seed == null ? e.label() : "seed " + seed;
    }

    /** The history records of a result. */
    static List<Map<String, Object>> history(Map<String, Object> result) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : list(result.get("history"))) {
            Map<String, Object> record = map(o);
            if (!record.isEmpty()) {
                out.add(record);
            }
        }
        return out;
    }

    /**
     * Per epoch, the mean, min and max over a method's trials of a value read from each history record.
     *
     * @return {epoch, mean, min, max} in epoch order
     */
    static List<double[]> perEpoch(List<RunResult> trials, java.util.function.ToDoubleFunction<EpochRecord> value) {
        Map<Double, List<Double>> byEpoch = new java.util.TreeMap<>();
        for (RunResult r : trials) {
            List<EpochRecord> history = r.history();
            for (int i = 0; i < history.size(); i++) {
                EpochRecord record = history.get(i);
                double v = value.applyAsDouble(record);
                if (Double.isFinite(v)) {
                    byEpoch.computeIfAbsent((double) (record.epoch() > 0 ? record.epoch() : i + 1), k -> new ArrayList<>()).add(v);
                }
            }
        }
        List<double[]> out = new ArrayList<>();
        byEpoch.forEach((epoch, values) -> {
            Stats s = Stats.of(values);
            out.add(new double[] {epoch, s.mean(), s.min(), s.max()});
        });
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<Object, Object>) m).forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
        return Map.of();
    }

    static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    /** A number, or NaN for anything else (absent, text, null). */
    static double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
