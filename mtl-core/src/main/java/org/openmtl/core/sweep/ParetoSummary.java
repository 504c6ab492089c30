package org.openmtl.core.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.pareto.FrontMetrics;
import org.openmtl.core.result.StepsToTarget;
import org.openmtl.core.result.Transfer;

/**
 * The Pareto fronts of a sweep with two or more tasks: each configuration (group of trials that
 * differ only in seed) is a set of points, one per completed trial, and is measured against one
 * reference point shared by every configuration of the sweep (see {@link FrontMetrics}), so their
 * hypervolumes are comparable. Two fronts: the test value of each task's primary metric (its
 * direction as the result records it), and, where every trial records them, the final epoch's
 * training losses (all minimized). For trials that record the preference they were trained with
 * ({@code preference} in {@code result.json}), the alignment of their final training losses with
 * it. The reference point of a front may be set by {@link RunKeys#PARETO_REFERENCE_TEST} and
 * {@link RunKeys#PARETO_REFERENCE_TRAIN_LOSS}; each configuration row also lists its trials' points
 * (with whether each is non-dominated), which the HTML report draws.
 */
final class ParetoSummary {

    private ParetoSummary() {}

    /** One objective: a task's metric and its direction. */
    private record Objective(String task, String metric, boolean higherIsBetter) {}

    /**
     * The {@code pareto_front} section of {@code summary.json}.
     *
     * @param labels each configuration's label
     * @param points each configuration's axis values (same order)
     * @param completed each configuration's completed results (same order)
     * @return {@code {"test": front, "train_loss": front}} (the second where every trial records its training losses), each
     *     front {@code {"objectives": [{"task", "metric", "higher_is_better"}], "reference_point": [...], "margin",
     *     "configurations": [{"configuration", "point", "points", "non_dominated", "hypervolume", "hypervolume_per_seed"?
     *     ({"mean", "std", "n"} over the seeds, each seed's points alone; where every point names its seed and there are 2 or
     *     more), "spread"? (absent with fewer than 2 distinct
     *     non-dominated points), "alignment"? (training-loss front only), "trials": [{"seed"?, "values", "non_dominated",
     *     "preference"?}]}]}};
     *     null when the sweep has fewer than 2 tasks or no completed trial
     */
    static Map<String, Object> section(List<String> labels, List<Map<String, String>> points,
            List<List<Map<String, Object>>> completed) {
        return section(labels, points, completed, Map.of());
    }

    /**
     * The {@code pareto_front} section with configured reference points.
     *
     * @param labels each configuration's label
     * @param points each configuration's axis values (same order)
     * @param completed each configuration's completed results (same order)
     * @param references per front key ({@link RunKeys#PARETO_REFERENCE_TEST}, {@link RunKeys#PARETO_REFERENCE_TRAIN_LOSS})
     *     the reference point the sweep's configuration sets, one value per objective in the objectives' order; a key that
     *     is absent or empty takes the reference point from the points
     * @return as {@link #section(List, List, List)}; a front whose reference point is configured records the key as
     *     {@code reference_key} and has no {@code margin}
     * @throws ConfigException if a configured reference point has not one value per objective
     */
    static Map<String, Object> section(List<String> labels, List<Map<String, String>> points,
            List<List<Map<String, Object>>> completed, Map<String, List<Double>> references) {
        completed = withFrontPoints(completed);
        Map<String, Object> first = completed.stream().flatMap(List::stream)
                .filter(r -> !Transfer.testMetrics(r).isEmpty()).findFirst().orElse(null);
        if (first == null) {
            return null;
        }
        List<Objective> test = new ArrayList<>();
        Map<String, Transfer.Primary> primary = Transfer.primaryMetrics(first);
        Transfer.testMetrics(first).forEach((task, metrics) -> {
            String metric = primary.containsKey(task) ? primary.get(task).metric()
                    : metrics.isEmpty() ? null : metrics.keySet().iterator().next();
            if (metric != null) {
                test.add(new Objective(task, metric, StepsToTarget.higherIsBetter(first, task, metric)));
            }
        });
        if (test.size() < 2) {
            return null;
        }
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("test", front(test, labels, points, completed, ParetoSummary::testValues, false,
                RunKeys.PARETO_REFERENCE_TEST, references.getOrDefault(RunKeys.PARETO_REFERENCE_TEST, List.of())));
        List<Objective> losses = test.stream().map(o -> new Objective(o.task(), "loss", false)).toList();
        boolean allLosses = completed.stream().flatMap(List::stream).allMatch(r -> trainLosses(r, losses) != null);
        if (allLosses) {
            section.put("train_loss", front(losses, labels, points, completed, ParetoSummary::trainLosses, true,
                    RunKeys.PARETO_REFERENCE_TRAIN_LOSS, references.getOrDefault(RunKeys.PARETO_REFERENCE_TRAIN_LOSS, List.of())));
        }
        return section;
    }

    /**
     * The results with each trial that records a {@code preference_front} (one preference-conditioned
     * network evaluated at several preferences) replaced by one result per point of that front: its
     * test metrics as {@code tasks}, its final training losses as the last history record's, its
     * preference as {@code preference}, so that the trial contributes its whole front, each point
     * with its own alignment. Other results are kept as they are.
     */
    @SuppressWarnings("unchecked")
    static List<List<Map<String, Object>>> withFrontPoints(List<List<Map<String, Object>>> completed) {
        List<List<Map<String, Object>>> out = new ArrayList<>();
        for (List<Map<String, Object>> group : completed) {
            List<Map<String, Object>> expanded = new ArrayList<>();
            for (Map<String, Object> r : group) {
                if (!(r.get("preference_front") instanceof Map<?, ?> front) || !(front.get("points") instanceof List<?> list)
                        || list.isEmpty()) {
                    expanded.add(r);
                    continue;
                }
                for (Object o : list) {
                    if (!(o instanceof Map<?, ?> point)) {
                        continue;
                    }
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("status", r.get("status"));
                    if (r.get("config") != null) {
                        // the trial's configuration, so each point names its trial's seed
                        p.put("config", r.get("config"));
                    }
                    p.put("tasks", point.get("tasks"));
                    p.put("primary_metrics", r.get("primary_metrics"));
                    p.put("metric_directions", r.get("metric_directions"));
                    if (point.get("preference") != null) {
                        p.put("preference", point.get("preference"));
                    }
                    Map<String, Object> train = new LinkedHashMap<>();
                    if (point.get("train_loss") instanceof Map<?, ?> losses) {
                        ((Map<String, Object>) losses).forEach((task, loss) -> train.put(task, Map.of("loss", loss)));
                    }
                    p.put("history", List.of(Map.of("train", train)));
                    expanded.add(p);
                }
            }
            out.add(expanded);
        }
        return out;
    }

    /** Reads a trial's point in the objectives' space, or null when one of them is missing. */
    private interface PointReader {
        double[] read(Map<String, Object> result, List<Objective> objectives);
    }

    private static Map<String, Object> front(List<Objective> objectives, List<String> labels, List<Map<String, String>> points,
            List<List<Map<String, Object>>> completed, PointReader reader, boolean withAlignment, String referenceKey,
            List<Double> configured) {
        boolean[] maximize = new boolean[objectives.size()];
        for (int i = 0; i < maximize.length; i++) {
            maximize[i] = objectives.get(i).higherIsBetter();
        }
        if (!configured.isEmpty() && configured.size() != objectives.size()) {
            throw new ConfigException(referenceKey + ": " + configured.size() + (configured.size() == 1 ? " value" : " values")
                    + " for " + objectives.size() + " objectives (" + String.join(", ", objectives.stream()
                            .map(o -> o.task() + " " + o.metric()).toList())
                    + "); expected one number per task, in that order, or nothing for the automatic reference point");
        }
        List<double[][]> sets = new ArrayList<>();
        List<List<Map<String, Object>>> measured = new ArrayList<>();
        for (List<Map<String, Object>> group : completed) {
            List<double[]> set = new ArrayList<>();
            List<Map<String, Object>> results = new ArrayList<>();
            for (Map<String, Object> r : group) {
                double[] p = reader.read(r, objectives);
                if (p != null) {
                    set.add(p);
                    results.add(r);
                }
            }
            sets.add(set.toArray(new double[0][]));
            measured.add(results);
        }
        Map<String, Object> front = new LinkedHashMap<>();
        List<Map<String, Object>> list = new ArrayList<>();
        for (Objective o : objectives) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("task", o.task());
            m.put("metric", o.metric());
            m.put("higher_is_better", o.higherIsBetter());
            list.add(m);
        }
        front.put("objectives", list);
        if (sets.stream().allMatch(s -> s.length == 0)) {
            front.put("configurations", List.of());
            return front;
        }
        double[] reference;
        if (configured.isEmpty()) {
            reference = FrontMetrics.referencePoint(sets, maximize, FrontMetrics.DEFAULT_MARGIN);
        } else {
            reference = configured.stream().mapToDouble(Double::doubleValue).toArray();
        }
        double[] scale = ranges(sets, maximize.length);
        front.put("reference_point", toList(reference));
        if (configured.isEmpty()) {
            front.put("margin", FrontMetrics.DEFAULT_MARGIN);
        } else {
            front.put("reference_key", referenceKey);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int g = 0; g < sets.size(); g++) {
            double[][] set = sets.get(g);
            if (set.length == 0) {
                continue;
            }
            int[] kept = FrontMetrics.nonDominated(set, maximize);
            double[][] nonDominated = new double[kept.length][];
            for (int i = 0; i < kept.length; i++) {
                nonDominated[i] = set[kept[i]];
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("configuration", labels.get(g));
            row.put("point", points.get(g));
            row.put("points", set.length);
            row.put("non_dominated", kept.length);
            row.put("hypervolume", FrontMetrics.hypervolume(set, maximize, reference));
            Map<String, Object> perSeed = hypervolumePerSeed(set, measured.get(g), maximize, reference);
            if (perSeed != null) {
                row.put("hypervolume_per_seed", perSeed);
            }
            double spread = FrontMetrics.spread(nonDominated, maximize, scale);
            if (!Double.isNaN(spread)) {
                row.put("spread", spread);
            }
            List<Double> alignments = withAlignment ? alignments(completed.get(g), objectives) : List.of();
            if (!alignments.isEmpty()) {
                row.put("alignment", SweepSummary.stats(alignments));
            }
            row.put("trials", trialPoints(set, kept, measured.get(g), objectives));
            rows.add(row);
        }
        front.put("configurations", rows);
        return front;
    }

    /**
     * Each measured trial's point as the report draws it: its seed, its values in the objectives'
     * order, whether no other point of its configuration dominates it, and the preference it
     * records (in the objectives' order), where it records one for every objective's task.
     */
    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> trialPoints(double[][] set, int[] kept, List<Map<String, Object>> results,
            List<Objective> objectives) {
        boolean[] front = new boolean[set.length];
        for (int i : kept) {
            front[i] = true;
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < set.length; i++) {
            Map<String, Object> trial = new LinkedHashMap<>();
            Map<String, Object> result = results.get(i);
            String seed = seedOf(result);
            if (seed != null) {
                trial.put("seed", seed);
            }
            trial.put("values", toList(set[i]));
            trial.put("non_dominated", front[i]);
            if (result.get("preference") instanceof Map<?, ?> recorded) {
                List<Double> preference = new ArrayList<>();
                for (Objective o : objectives) {
                    if (((Map<String, Object>) recorded).get(o.task()) instanceof Number w) {
                        preference.add(w.doubleValue());
                    }
                }
                if (preference.size() == objectives.size()) {
                    trial.put("preference", preference);
                }
            }
            out.add(trial);
        }
        return out;
    }

    /**
     * The hypervolume of each seed's points alone (against the same reference point), as mean, std
     * and n over the seeds: what one training of the configuration reaches, comparable between a
     * method that gives one point per seed and a family or a preference-conditioned network that
     * gives several. Null unless every point's result names its seed and there are 2 or more seeds
     * (with one seed it is the hypervolume).
     */
    private static Map<String, Object> hypervolumePerSeed(double[][] set, List<Map<String, Object>> results, boolean[] maximize,
            double[] reference) {
        Map<String, List<double[]>> bySeed = new LinkedHashMap<>();
        for (int i = 0; i < set.length; i++) {
            String seed = seedOf(results.get(i));
            if (seed == null) {
                return null;
            }
            bySeed.computeIfAbsent(seed, s -> new ArrayList<>()).add(set[i]);
        }
        if (bySeed.size() < 2) {
            return null;
        }
        List<Double> volumes = new ArrayList<>();
        for (List<double[]> points : bySeed.values()) {
            volumes.add(FrontMetrics.hypervolume(points.toArray(new double[0][]), maximize, reference));
        }
        return SweepSummary.stats(volumes);
    }

    /** The seed a result's recorded configuration names, or null where it records none. */
    private static String seedOf(Map<String, Object> result) {
        return result.get("config") instanceof Map<?, ?> config && config.get("seed") != null ? String.valueOf(config.get("seed")) : null;
    }

    /** Per objective the range of all sets' points (1 where it is 0), the scale of the spread. */
    private static double[] ranges(List<double[][]> sets, int m) {
        double[] scale = new double[m];
        for (int i = 0; i < m; i++) {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double[][] set : sets) {
                for (double[] p : set) {
                    lo = Math.min(lo, p[i]);
                    hi = Math.max(hi, p[i]);
                }
            }
            scale[i] = hi > lo ? hi - lo : 1;
        }
        return scale;
    }

    /**
     * The alignment of each trial that records a preference over the objectives' tasks with its final training losses,
     * over the tasks the preference weighs ({@link FrontMetrics#weighedAlignment}); trials whose preference weighs fewer
     * than 2 tasks are left out.
     */
    @SuppressWarnings("unchecked")
    private static List<Double> alignments(List<Map<String, Object>> group, List<Objective> objectives) {
        List<Objective> losses = objectives.stream().map(o -> new Objective(o.task(), "loss", false)).toList();
        List<Double> out = new ArrayList<>();
        for (Map<String, Object> r : group) {
            if (!(r.get("preference") instanceof Map<?, ?> recorded)) {
                continue;
            }
            double[] preference = new double[objectives.size()];
            boolean complete = true;
            for (int i = 0; i < preference.length && complete; i++) {
                Object w = ((Map<String, Object>) recorded).get(objectives.get(i).task());
                complete = w instanceof Number;
                preference[i] = complete ? ((Number) w).doubleValue() : 0;
            }
            double[] reached = trainLosses(r, losses);
            if (complete && reached != null) {
                try {
                    double a = FrontMetrics.weighedAlignment(preference, reached);
                    if (!Double.isNaN(a)) {
                        out.add(a);
                    }
                } catch (IllegalArgumentException e) {
                    // a recorded preference the framework would not accept (older result): no alignment
                }
            }
        }
        return out;
    }

    private static double[] testValues(Map<String, Object> result, List<Objective> objectives) {
        Map<String, Map<String, Double>> metrics = Transfer.testMetrics(result);
        double[] p = new double[objectives.size()];
        for (int i = 0; i < p.length; i++) {
            Objective o = objectives.get(i);
            Double v = metrics.getOrDefault(o.task(), Map.of()).get(o.metric());
            if (v == null || !Double.isFinite(v)) {
                return null;
            }
            p[i] = v;
        }
        return p;
    }

    /** The last history record's mean training loss of each task, or null when one is missing. */
    @SuppressWarnings("unchecked")
    private static double[] trainLosses(Map<String, Object> result, List<Objective> objectives) {
        if (!(result.get("history") instanceof List<?> history) || history.isEmpty()
                || !(history.get(history.size() - 1) instanceof Map<?, ?> last) || !(last.get("train") instanceof Map<?, ?> train)) {
            return null;
        }
        double[] p = new double[objectives.size()];
        for (int i = 0; i < p.length; i++) {
            if (!(((Map<String, Object>) train).get(objectives.get(i).task()) instanceof Map<?, ?> m)
                    || !(m.get("loss") instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                return null;
            }
            p[i] = n.doubleValue();
        }
        return p;
    }

    private static List<Double> toList(double[] values) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            out.add(v);
        }
        return out;
    }

    /**
     * The section as Markdown, or empty without one.
     *
     * @param section what {@link #section} returned, or null
     * @return the heading, an explanation and a table per front
     */
    @SuppressWarnings("unchecked")
    static String markdown(Map<String, Object> section) {
        if (section == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder("\n## Pareto front\n\n")
                .append("Each configuration's trials (one point per seed) as a front. Hypervolume: the volume its points dominate"
                        + " up to a reference point shared by every configuration (unless " + RunKeys.PARETO_REFERENCE_TEST
                        + " or " + RunKeys.PARETO_REFERENCE_TRAIN_LOSS + " sets it, the worst value of all configurations' points"
                        + " plus ")
                .append(String.format(Locale.ROOT, "%.0f%%", 100 * FrontMetrics.DEFAULT_MARGIN))
                .append(" of their range, per objective); larger is better. Non-dominated: the points no other point of the"
                        + " same configuration dominates. Spread: Deb's Δ of the non-dominated points (2 objectives; nearest"
                        + " neighbours for more), each objective divided by its range over all configurations; 0 is even, – needs"
                        + " 2 distinct points. Hypervolume per seed: each seed's points alone against the same reference point,"
                        + " mean ± std (seeds); it compares a configuration that gives one point per seed with one that gives"
                        + " several (a family of preferences, a preference-conditioned network). A preference-conditioned run (result.json's preference_front) contributes one point per"
                        + " preference of its front. See docs/pareto.md.\n");
        table(sb, "Test metrics", (Map<String, Object>) section.get("test"));
        table(sb, "Final training losses", (Map<String, Object>) section.get("train_loss"));
        return sb.toString();
    }

    @SuppressWarnings("unchecked")
    private static void table(StringBuilder sb, String title, Map<String, Object> front) {
        if (front == null) {
            return;
        }
        List<String> names = new ArrayList<>();
        for (Object o : (List<Object>) front.get("objectives")) {
            Map<String, Object> m = (Map<String, Object>) o;
            names.add(m.get("task") + " " + m.get("metric") + (Boolean.TRUE.equals(m.get("higher_is_better")) ? " ↑" : " ↓"));
        }
        List<Map<String, Object>> rows = (List<Map<String, Object>>) front.get("configurations");
        sb.append("\n### ").append(title).append("\n\nObjectives: ").append(String.join(", ", names)).append(".");
        if (front.get("reference_point") instanceof List<?> ref) {
            List<String> values = new ArrayList<>();
            ref.forEach(v -> values.add(String.format(Locale.ROOT, "%.4g", ((Number) v).doubleValue())));
            sb.append(" Reference point: (").append(String.join(", ", values)).append(")")
                    .append(front.get("reference_key") instanceof String key ? ", set by " + key : "").append(".");
        }
        sb.append("\n\n");
        if (rows.isEmpty()) {
            sb.append("No completed trial records these values.\n");
            return;
        }
        boolean alignment = rows.stream().anyMatch(r -> r.containsKey("alignment"));
        boolean perSeed = rows.stream().anyMatch(r -> r.containsKey("hypervolume_per_seed"));
        sb.append("| configuration | points | non-dominated | hypervolume |").append(perSeed ? " hypervolume per seed |" : "")
                .append(" spread Δ |").append(alignment ? " alignment |" : "")
                .append("\n|---|---|---|---|").append(perSeed ? "---|" : "").append("---|").append(alignment ? "---|" : "").append('\n');
        for (Map<String, Object> r : rows) {
            Map<String, String> point = (Map<String, String>) r.get("point");
            sb.append("| ").append(point.isEmpty() ? "(base)" : r.get("configuration")).append(" | ")
                    .append(((Number) r.get("points")).intValue()).append(" | ").append(((Number) r.get("non_dominated")).intValue())
                    .append(String.format(Locale.ROOT, " | %.4g |", ((Number) r.get("hypervolume")).doubleValue()));
            if (perSeed) {
                sb.append(r.get("hypervolume_per_seed") instanceof Map<?, ?> h
                        ? String.format(Locale.ROOT, " %.4g ± %.2g (%d) |", ((Number) h.get("mean")).doubleValue(),
                                ((Number) h.get("std")).doubleValue(), ((Number) h.get("n")).intValue())
                        : " – |");
            }
            sb.append(r.get("spread") instanceof Number s ? String.format(Locale.ROOT, " %.3f |", s.doubleValue()) : " – |");
            if (alignment) {
                sb.append(r.get("alignment") instanceof Map<?, ?> a
                        ? String.format(Locale.ROOT, " %.3f ± %.3f |", ((Number) a.get("mean")).doubleValue(),
                                ((Number) a.get("std")).doubleValue())
                        : " – |");
            }
            sb.append('\n');
        }
    }
}
