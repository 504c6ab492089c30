package org.openmtl.core.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.result.FrameworkBuild;
import org.openmtl.core.result.Transfer;

/**
 * Aggregates a sweep's trials over seeds: trials that differ only in {@code seed} form a group;
 * for every task metric the group's mean, sample standard deviation and count.
 *
 * <p>When the sweep has single-task trials ({@code architecture=independent}), every other trial
 * is compared with the single-task trial of the same seed, data, optimizer, epochs and batch size:
 * per task the relative gain of its primary metric, and Δm% (see {@link Transfer}), averaged over
 * the seeds; a task whose mean gain is negative is listed as negative transfer. Each group also
 * gets its steps to target ({@link TargetStepsSummary}), and a sweep whose groups differ in {@code
 * dataset.train.limit} its Δm% per training-set size ({@link TrainSizeTransfer}). A sweep with two or
 * more tasks gets each configuration's Pareto front measures ({@link ParetoSummary}).
 */
public final class SweepSummary {

    /** The architecture whose trials are the single-task baseline of the others. */
    static final String SINGLE_TASK = "independent";

    private SweepSummary() {}

    /**
     * Summarizes trials.
     *
     * @param results each trial with its result
     * @return {@code {"groups": [{"point": {...}, "seeds": n, "failed": n, "tasks": {task: {metric: {"mean", "std", "n"}}}, "ms_per_step": {...}}],
     *     "builds": {build: completed trials}, "cpus": {cpu: completed trials}}: {@code builds} names the
     *     framework build of every completed trial's numbers, {@code cpus} the CPU it ran on ({@code unknown}
     *     where its provenance records none)
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> summarize(List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> results) {
        Map<String, List<Map<String, Object>>> groups = new LinkedHashMap<>();
        Map<String, List<Map<String, String>>> configs = new LinkedHashMap<>();
        Map<String, List<RunConfig>> runConfigs = new LinkedHashMap<>();
        Map<String, Map<String, String>> points = new LinkedHashMap<>();
        for (Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>> r : results) {
            Map<String, String> point = new LinkedHashMap<>(r.getKey().point());
            point.remove(RunKeys.SEED);
            String key = SweepRunner.label(point);
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r.getValue());
            configs.computeIfAbsent(key, k -> new ArrayList<>()).add(r.getKey().config().resolved());
            runConfigs.computeIfAbsent(key, k -> new ArrayList<>()).add(r.getKey().config());
            points.put(key, point);
        }
        List<Map.Entry<Map<String, String>, Map<String, Object>>> singles = new ArrayList<>();
        for (Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>> r : results) {
            Map<String, String> resolved = r.getKey().config().resolved();
            if (SINGLE_TASK.equals(resolved.get(RunKeys.ARCHITECTURE)) && "completed".equals(r.getValue().get("status"))) {
                singles.add(Map.entry(resolved, r.getValue()));
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        List<Integer> limits = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<List<Map<String, Object>>> completed = new ArrayList<>();
        for (Map.Entry<String, List<Map<String, Object>>> g : groups.entrySet()) {
            TargetStepsSummary targetSteps = new TargetStepsSummary();
            Map<String, Map<String, List<Double>>> values = new LinkedHashMap<>();
            List<Double> ms = new ArrayList<>();
            List<Double> parameters = new ArrayList<>();
            List<Double> deltas = new ArrayList<>();
            Map<String, List<Double>> gains = new LinkedHashMap<>();
            int failed = 0;
            List<Map<String, Object>> groupCompleted = new ArrayList<>();
            for (int i = 0; i < g.getValue().size(); i++) {
                Map<String, Object> result = g.getValue().get(i);
                if (!"completed".equals(result.get("status"))) {
                    failed++;
                    continue;
                }
                groupCompleted.add(result);
                Map<String, String> resolved = configs.get(g.getKey()).get(i);
                boolean isSingle = SINGLE_TASK.equals(resolved.get(RunKeys.ARCHITECTURE));
                Map<String, Object> single = isSingle ? null : baselineOf(resolved, singles);
                targetSteps.add(runConfigs.get(g.getKey()).get(i), result, single, isSingle);
                if (single != null) {
                    try {
                        Map<String, Transfer.TaskGain> taskGains = Transfer.compare(result, single);
                        deltas.add(Transfer.deltaM(taskGains));
                        taskGains.forEach((t, tg) -> gains.computeIfAbsent(t, k -> new ArrayList<>()).add(tg.gainPercent()));
                    } catch (IllegalArgumentException e) {
                        // tasks or metrics that do not match: no comparison for this trial
                    }
                }
                if (result.get("parameters") instanceof Number n) {
                    parameters.add(n.doubleValue());
                }
                Map<String, Map<String, Object>> tasks = (Map<String, Map<String, Object>>) result.getOrDefault("tasks", Map.of());
                tasks.forEach((task, metrics) -> metrics.forEach((metric, v) -> {
                    if (v instanceof Number n) {
                        values.computeIfAbsent(task, t -> new LinkedHashMap<>()).computeIfAbsent(metric, m -> new ArrayList<>())
                                .add(n.doubleValue());
                    }
                }));
                if (result.get("ms_per_step") instanceof Number n) {
                    ms.add(n.doubleValue());
                }
            }
            Map<String, Object> tasks = new LinkedHashMap<>();
            values.forEach((task, metrics) -> {
                Map<String, Object> m = new LinkedHashMap<>();
                metrics.forEach((metric, list) -> m.put(metric, stats(list)));
                tasks.put(task, m);
            });
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("point", points.get(g.getKey()));
            group.put("trials", g.getValue().size());
            group.put("failed", failed);
            group.put("tasks", tasks);
            if (!ms.isEmpty()) {
                group.put("ms_per_step", stats(ms));
            }
            if (!parameters.isEmpty()) {
                group.put("parameters", parameters.get(0).longValue());
            }
            if (!deltas.isEmpty()) {
                Map<String, Object> transfer = new LinkedHashMap<>();
                transfer.put("delta_m_percent", stats(deltas));
                Map<String, Object> perTask = new LinkedHashMap<>();
                List<String> negative = new ArrayList<>();
                gains.forEach((t, list) -> {
                    Map<String, Object> st = stats(list);
                    perTask.put(t, st);
                    if (((Number) st.get("mean")).doubleValue() < 0) {
                        negative.add(t);
                    }
                });
                transfer.put("gain_percent", perTask);
                transfer.put("negative_transfer", negative);
                group.put("transfer", transfer);
            }
            List<Map<String, Object>> steps = targetSteps.summary();
            if (!steps.isEmpty()) {
                group.put("steps_to_target", steps);
            }
            out.add(group);
            limits.add(runConfigs.get(g.getKey()).get(0).trainLimit());
            labels.add(points.get(g.getKey()).isEmpty() ? "(base)" : g.getKey());
            completed.add(groupCompleted);
        }
        Map<String, Integer> builds = new TreeMap<>();
        Map<String, Integer> cpus = new TreeMap<>();
        for (Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>> r : results) {
            if ("completed".equals(r.getValue().get("status"))) {
                builds.merge(buildOf(r.getValue()), 1, Integer::sum);
                cpus.merge(cpuOf(r.getValue()), 1, Integer::sum);
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("groups", out);
        Map<String, Object> bySize = TrainSizeTransfer.section(out, limits);
        if (bySize != null) {
            summary.put("transfer_by_train_size", bySize);
        }
        List<String> families = new ArrayList<>();
        runConfigs.values().forEach(c -> families.add(c.get(0).resolved().getOrDefault(RunKeys.PARETO_FAMILY, "")));
        ParetoGroups fronts = ParetoGroups.of(labels, new ArrayList<>(points.values()), completed, families);
        Map<String, Object> pareto = ParetoSummary.section(fronts.labels(), fronts.points(), fronts.completed(),
                paretoReferences(results));
        if (pareto != null) {
            summary.put("pareto_front", pareto);
        }
        summary.put("builds", builds);
        summary.put("cpus", cpus);
        return summary;
    }

    /**
     * The reference points the trials' configurations set for the Pareto fronts: one per front, the
     * same for every trial (a sweep axis over it would make hypervolumes incomparable).
     *
     * @throws ConfigException if trials set different reference points
     */
    private static Map<String, List<Double>> paretoReferences(List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> results) {
        Map<String, List<Double>> references = new LinkedHashMap<>();
        for (String key : List.of(RunKeys.PARETO_REFERENCE_TEST, RunKeys.PARETO_REFERENCE_TRAIN_LOSS)) {
            Set<List<Double>> distinct = new LinkedHashSet<>();
            for (Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>> r : results) {
                distinct.add(r.getKey().config().paretoReference(key));
            }
            if (distinct.size() > 1) {
                throw new ConfigException(key + ": the trials of the sweep set different reference points " + distinct
                        + "; set one for the whole sweep (not as a sweep axis), so that hypervolumes stay comparable");
            }
            distinct.stream().findFirst().ifPresent(v -> references.put(key, v));
        }
        return references;
    }

    private static String buildOf(Map<String, Object> result) {
        Object build = result.get("provenance") instanceof Map<?, ?> p ? p.get("build") : null;
        return build instanceof String b && !b.isBlank() ? b : "unknown";
    }

    /**
     * A trial's CPU as one line: the model, the widest vector instruction set and the cache sizes,
     * the facts the engine's kernels choose their float summation order from.
     */
    private static String cpuOf(Map<String, Object> result) {
        Object cpu = result.get("provenance") instanceof Map<?, ?> p ? p.get("cpu") : null;
        if (!(cpu instanceof Map<?, ?> c) || c.get("model") == null) {
            return "unknown";
        }
        String vector = c.get("vector") instanceof String v && !v.isBlank() ? v.substring(v.lastIndexOf(' ') + 1) : "no vector extensions";
        // VMs of different CPUs can share a model name ("AMD EPYC"): family and model number tell them apart
        String id = c.get("family") != null ? "family " + c.get("family") + " model " + c.get("model_number") + "; " : "";
        return c.get("model") + " (" + id + vector + "; caches " + c.get("caches") + ")";
    }

    /**
     * The line that names the CPUs a summary's numbers came from: trials on CPUs that differ in
     * model, instruction sets or reported caches can differ in the last bits from their first step
     * (the engine's kernels sum in a different order), so a sweep spread over such machines says so.
     *
     * @param summary what {@link #summarize} returned
     * @return e.g. {@code ran on one CPU: AMD EPYC (avx512_bf16; caches L1d 48K, L2 1024K) (8 trials)}; empty
     *     without completed trials, where the summary has no {@code cpus}, or where no trial recorded its CPU
     */
    @SuppressWarnings("unchecked")
    public static String cpusLine(Map<String, Object> summary) {
        Map<String, Number> cpus = summary.get("cpus") instanceof Map<?, ?> m ? (Map<String, Number>) m : Map.of();
        if (cpus.isEmpty() || cpus.keySet().equals(Set.of("unknown"))) {
            return ""; // results from before provenance recorded the CPU say nothing either way
        }
        List<String> parts = new ArrayList<>();
        cpus.forEach((c, n) -> parts.add(c + " (" + n.intValue() + (n.intValue() == 1 ? " trial)" : " trials)")));
        return cpus.size() == 1 ? "ran on one CPU: " + parts.get(0)
                : "ran on " + cpus.size() + " different CPUs: " + String.join(", ", parts)
                        + "; the same configuration can differ in its last bits between them, and so in its accuracies";
    }

    /**
     * The line that names the framework builds a summary's numbers came from.
     *
     * @param summary what {@link #summarize} returned
     * @return e.g. {@code computed by build git:8278041c3d2a (8 trials)}; empty without completed trials
     */
    @SuppressWarnings("unchecked")
    public static String buildsLine(Map<String, Object> summary) {
        Map<String, Number> builds = summary.get("builds") instanceof Map<?, ?> m ? (Map<String, Number>) m : Map.of();
        if (builds.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        builds.forEach((b, n) -> parts.add(FrameworkBuild.shortName("unknown".equals(b) ? null : b) + " (" + n.intValue()
                + (n.intValue() == 1 ? " trial)" : " trials)")));
        return builds.size() == 1 ? "computed by build " + parts.get(0)
                : "computed by " + builds.size() + " different builds: " + String.join(", ", parts)
                        + "; results of other builds were kept with reuse=stale";
    }

    /**
     * The single-task trial a trial is compared with: architecture {@code independent}, the same
     * seed, data, optimizer, epochs and batch size.
     *
     * @return its result, or null when there is none or more than one
     */
    private static Map<String, Object> baselineOf(Map<String, String> resolved,
            List<Map.Entry<Map<String, String>, Map<String, Object>>> singles) {
        Map<String, Object> found = null;
        for (Map.Entry<Map<String, String>, Map<String, Object>> s : singles) {
            if (sameProtocol(resolved, s.getKey())) {
                if (found != null) {
                    return null;
                }
                found = s.getValue();
            }
        }
        return found;
    }

    private static boolean sameProtocol(Map<String, String> a, Map<String, String> b) {
        java.util.TreeSet<String> keys = new java.util.TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            boolean protocol = k.equals(RunKeys.SEED) || k.equals(RunKeys.EPOCHS) || k.equals(RunKeys.BATCH_SIZE)
                    || k.equals(RunKeys.TRAIN_LIMIT) || k.equals(RunKeys.DATASET) || k.startsWith(RunKeys.DATASET + ".")
                    || k.equals(RunKeys.OPTIMIZER) || k.startsWith(RunKeys.OPTIMIZER + ".");
            if (protocol && !java.util.Objects.equals(a.get(k), b.get(k))) {
                return false;
            }
        }
        return true;
    }

    static Map<String, Object> stats(List<Double> list) {
        double mean = list.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double ss = 0;
        for (double v : list) {
            ss += (v - mean) * (v - mean);
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("mean", mean);
        s.put("std", list.size() > 1 ? Math.sqrt(ss / (list.size() - 1)) : 0.0);
        s.put("n", list.size());
        return s;
    }

    /**
     * The summary as a Markdown table: one row per group, the first metric of each task as mean ± std
     * (accuracies in percent), Δm% against the single-task trials and the tasks with negative
     * transfer (when the sweep has single-task trials), the parameter count, and ms/step.
     *
     * @param summary what {@link #summarize} returned
     * @return the table
     */
    @SuppressWarnings("unchecked")
    public static String markdown(Map<String, Object> summary) {
        List<Map<String, Object>> groups = (List<Map<String, Object>>) summary.get("groups");
        Set<String> columns = new LinkedHashSet<>();
        for (Map<String, Object> g : groups) {
            Map<String, Map<String, Object>> tasks = (Map<String, Map<String, Object>>) g.get("tasks");
            tasks.forEach((task, metrics) -> columns.add(task + "\u0000" + metrics.keySet().iterator().next()));
        }
        StringBuilder sb = new StringBuilder("| configuration | seeds |");
        for (String c : columns) {
            String[] tm = c.split("\u0000");
            sb.append(' ').append(tm[0]).append(' ').append(tm[1]).append(tm[1].equals("accuracy") ? " (%)" : "").append(" |");
        }
        boolean transfer = groups.stream().anyMatch(g -> g.containsKey("transfer"));
        boolean parameters = groups.stream().anyMatch(g -> g.containsKey("parameters"));
        if (transfer) {
            sb.append(" Δm% vs single-task | negative transfer |");
        }
        if (parameters) {
            sb.append(" parameters |");
        }
        sb.append(" ms/step |\n|---|---|");
        columns.forEach(c -> sb.append("---|"));
        sb.append(transfer ? "---|---|" : "").append(parameters ? "---|" : "").append("---|\n");
        for (Map<String, Object> g : groups) {
            Map<String, String> point = (Map<String, String>) g.get("point");
            int trials = ((Number) g.get("trials")).intValue();
            int failed = ((Number) g.get("failed")).intValue();
            sb.append("| ").append(point.isEmpty() ? "(base)" : SweepRunner.label(point)).append(" | ")
                    .append(trials - failed).append(failed > 0 ? " (" + failed + " failed)" : "").append(" |");
            Map<String, Map<String, Object>> tasks = (Map<String, Map<String, Object>>) g.get("tasks");
            for (String c : columns) {
                String[] tm = c.split("\u0000");
                Map<String, Object> s = tasks.containsKey(tm[0]) ? (Map<String, Object>) tasks.get(tm[0]).get(tm[1]) : null;
                if (s == null) {
                    sb.append(" – |");
                } else {
                    // accuracies in percent with 2 decimals; losses and errors with 4
                    boolean percent = tm[1].equals("accuracy");
                    double scale = percent ? 100 : 1;
                    sb.append(String.format(Locale.ROOT, percent ? " %.2f ± %.2f |" : " %.4f ± %.4f |",
                            scale * ((Number) s.get("mean")).doubleValue(), scale * ((Number) s.get("std")).doubleValue()));
                }
            }
            if (transfer) {
                Map<String, Object> t = (Map<String, Object>) g.get("transfer");
                if (t == null) {
                    sb.append(" – | – |");
                } else {
                    Map<String, Object> d = (Map<String, Object>) t.get("delta_m_percent");
                    List<String> negative = (List<String>) t.get("negative_transfer");
                    sb.append(String.format(Locale.ROOT, " %+.2f ± %.2f |", ((Number) d.get("mean")).doubleValue(),
                            ((Number) d.get("std")).doubleValue()));
                    sb.append(negative.isEmpty() ? " none |" : " " + String.join(", ", negative) + " |");
                }
            }
            if (parameters) {
                sb.append(g.get("parameters") instanceof Number n ? String.format(Locale.ROOT, " %,d |", n.longValue()) : " – |");
            }
            Map<String, Object> ms = (Map<String, Object>) g.get("ms_per_step");
            sb.append(ms == null ? " – |" : String.format(Locale.ROOT, " %.1f |", ((Number) ms.get("mean")).doubleValue()));
            sb.append('\n');
        }
        String builds = buildsLine(summary);
        if (!builds.isEmpty()) {
            String cpus = cpusLine(summary);
            sb.append('\n').append(Character.toUpperCase(builds.charAt(0))).append(builds.substring(1)).append('.')
                    .append(cpus.isEmpty() ? "" : " R" + cpus.substring(1) + '.').append('\n');
        }
        sb.append(TargetStepsSummary.markdown(groups));
        sb.append(TrainSizeTransfer.markdown((Map<String, Object>) summary.get("transfer_by_train_size")));
        sb.append(ParetoSummary.markdown((Map<String, Object>) summary.get("pareto_front")));
        return sb.toString();
    }
}
