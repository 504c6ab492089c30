package org.openmtl.core.group;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.api.task.Task;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.DirectoryChecks;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.sweep.SweepPlan;
import org.openmtl.core.sweep.SweepRunner;

/**
 * {@code ./mtl group}: Standley et al.'s task grouping. Trains one network per task subset (every
 * single task and pair; every subset with {@code grouping.exhaustive=true}) as the trials of a
 * sweep, so they are resumable and a finished subset is never trained again; estimates the larger
 * subsets from the pairs when they were not trained; chooses the networks under {@code
 * grouping.budget}; writes {@code grouping.json} into {@code output.dir}.
 *
 * <p>L(n, t) is network n's validation loss on task t at its selected epoch (the mean over seeds
 * when the config sweeps {@code seed}), as in the paper, which compares tasks by their loss.
 */
public final class GroupingRunner {

    private static final int MAX_TASKS = 16;
    private static final int MAX_EXHAUSTIVE_TASKS = 10;

    private final MtlRuntime mtl;

    /**
     * Creates the runner.
     *
     * @param mtl the runtime that trains the subsets
     */
    public GroupingRunner(MtlRuntime mtl) {
        this.mtl = mtl;
    }

    /**
     * Trains the subsets, chooses the groups and writes {@code grouping.json}.
     *
     * @param source the configuration (a run config, optionally with a {@code seed} sweep axis),
     *     with the grouping keys
     * @param progressMode the progress display of each subset training
     * @return what was written to {@code grouping.json}
     * @throws ConfigException for bad grouping keys, a dataset with too few or too many tasks, or
     *     another sweep axis than {@code seed}
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> run(ConfigSource source, String progressMode) {
        Map<String, String> values = new LinkedHashMap<>(source.values());
        Map<String, Object> grouping = new LinkedHashMap<>();
        for (ConfigKey key : RunKeys.groupingKeys()) {
            String raw = values.remove(key.name());
            try {
                grouping.put(key.name(), PluginConfigs.parse(key.name(), key, raw == null ? key.defaultValue() : raw));
            } catch (PluginConfigException e) {
                throw new ConfigException(e.getMessage() + (raw == null ? "" : " (set in " + source.origin(key.name()) + ")"), e);
            }
        }
        for (String k : values.keySet()) {
            if (k.startsWith(SweepPlan.AXIS_PREFIX) && !k.equals(SweepPlan.AXIS_PREFIX + RunKeys.SEED)) {
                throw new ConfigException(k + ": ./mtl group sweeps the task subsets itself; only sweep.seed may be"
                        + " added (set in " + source.origin(k) + ")");
            }
            if (k.startsWith(SweepPlan.VARIANT_PREFIX)) {
                throw new ConfigException(k + ": ./mtl group defines its own variants, one per task subset (set in "
                        + source.origin(k) + ")");
            }
        }
        if (values.containsKey(RunKeys.TASKS)) {
            throw new ConfigException(RunKeys.TASKS + ": ./mtl group sets the tasks of each network itself; to group"
                    + " fewer tasks use a dataset with fewer tasks (set in " + source.origin(RunKeys.TASKS) + ")");
        }
        double budget = (Double) grouping.get("grouping.budget");
        boolean exhaustive = (Boolean) grouping.get("grouping.exhaustive");
        String costMode = (String) grouping.get("grouping.cost");
        if (costMode.equals("unit") && budget < 1) {
            throw new ConfigException("grouping.budget: " + budget + " is less than one network (grouping.cost=unit"
                    + " gives each network cost 1); expected at least 1");
        }

        Map<String, String> probeValues = new LinkedHashMap<>(values);
        probeValues.keySet().removeIf(k -> k.startsWith(SweepPlan.AXIS_PREFIX));
        RunKeys.sweepKeys().forEach(k -> probeValues.remove(k.name()));
        RunConfig probe = mtl.configure(ConfigSource.of(probeValues));
        Path output = Path.of(values.getOrDefault(RunKeys.OUTPUT_DIR, "runs/group"));
        DirectoryChecks.writable(RunKeys.OUTPUT_DIR, output);
        DirectoryChecks.readable(RunKeys.DATA_DIR, probe.dataDirectory());
        List<String> tasks = mtl.plugins(probe).dataset().tasks().stream().map(Task::name).toList();
        int t = tasks.size();
        if (t < 2) {
            throw new ConfigException(RunKeys.DATASET + ": ./mtl group needs at least 2 tasks; the dataset has " + t);
        }
        if (t > MAX_TASKS || (exhaustive && t > MAX_EXHAUSTIVE_TASKS)) {
            throw new ConfigException(RunKeys.DATASET + ": the dataset has " + t + " tasks; ./mtl group handles at most "
                    + MAX_TASKS + " (and " + MAX_EXHAUSTIVE_TASKS + " with grouping.exhaustive=true)");
        }

        // one variant per trained subset
        List<Long> trained = exhaustive ? TaskGrouping.subsets(t, 1, t) : TaskGrouping.subsets(t, 1, 2);
        List<String> variantNames = new ArrayList<>();
        Map<String, Long> byVariant = new LinkedHashMap<>();
        for (long subset : trained) {
            String name = String.join("+", TaskGrouping.names(tasks, subset));
            variantNames.add(name);
            byVariant.put(name, subset);
            values.put(SweepPlan.VARIANT_PREFIX + name + "." + RunKeys.TASKS, String.join(",", TaskGrouping.names(tasks, subset)));
        }
        values.put(SweepPlan.AXIS_PREFIX + SweepPlan.VARIANT_AXIS, String.join(", ", variantNames));
        SweepRunner runner = new SweepRunner(mtl);
        List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> results =
                runner.runTrials(ConfigSource.of(values), output, progressMode);
        runner.summarize(output, results);

        // mean validation loss per subset and task, over seeds
        Map<Long, double[]> sums = new LinkedHashMap<>();
        Map<Long, int[]> counts = new LinkedHashMap<>();
        Map<Long, Double> parameters = new LinkedHashMap<>();
        Map<Long, Integer> failures = new LinkedHashMap<>();
        for (Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>> r : results) {
            long subset = byVariant.get(r.getKey().point().get(SweepPlan.VARIANT_AXIS));
            Map<String, Object> result = r.getValue();
            if (!"completed".equals(result.get("status"))) {
                failures.merge(subset, 1, Integer::sum);
                continue;
            }
            Map<String, Map<String, Object>> validation = (Map<String, Map<String, Object>>) result.get("validation");
            double[] sum = sums.computeIfAbsent(subset, s -> new double[t]);
            int[] count = counts.computeIfAbsent(subset, s -> new int[t]);
            for (int i = 0; i < t; i++) {
                if ((subset & (1L << i)) == 0) {
                    continue;
                }
                Object loss = validation == null || validation.get(tasks.get(i)) == null ? null
                        : validation.get(tasks.get(i)).get(lossMetric(result, tasks.get(i)));
                if (!(loss instanceof Number n)) {
                    throw new IllegalStateException("trial " + r.getKey().id() + " has no validation loss for task '"
                            + tasks.get(i) + "'; ./mtl group needs a validation split");
                }
                sum[i] += n.doubleValue();
                count[i]++;
            }
            if (result.get("parameters") instanceof Number n) {
                parameters.merge(subset, n.doubleValue(), (a, b) -> a);
            }
        }
        for (long subset : trained) {
            if (!sums.containsKey(subset)) {
                throw new IllegalStateException("every training of the subset " + TaskGrouping.names(tasks, subset)
                        + " failed; see the trials under " + output.resolve("trials"));
            }
        }
        Map<Long, double[]> losses = new LinkedHashMap<>();
        sums.forEach((subset, sum) -> {
            double[] mean = new double[t];
            int[] count = counts.get(subset);
            for (int i = 0; i < t; i++) {
                mean[i] = count[i] == 0 ? Double.NaN : sum[i] / count[i];
            }
            losses.put(subset, mean);
        });

        // candidates: trained subsets, then the others estimated from pairs
        double[][] pairLoss = new double[t][t];
        for (int a = 0; a < t; a++) {
            for (int b = 0; b < t; b++) {
                if (a != b) {
                    pairLoss[a][b] = losses.get((1L << a) | (1L << b))[a];
                }
            }
        }
        double singleParameters = mean(trained.stream().filter(s -> Long.bitCount(s) == 1).map(parameters::get).toList());
        double pairParameters = mean(trained.stream().filter(s -> Long.bitCount(s) == 2).map(parameters::get).toList());
        List<Long> all = TaskGrouping.subsets(t, 1, t);
        List<TaskGrouping.Candidate> candidates = new ArrayList<>();
        Map<String, Object> subsets = new LinkedHashMap<>();
        for (long subset : all) {
            boolean estimated = !losses.containsKey(subset);
            double[] l = estimated ? TaskGrouping.estimateFromPairs(t, pairLoss, subset) : losses.get(subset);
            double cost = 1;
            if (costMode.equals("parameters")) {
                double p = parameters.containsKey(subset) ? parameters.get(subset)
                        : singleParameters + (Long.bitCount(subset) - 1) * (pairParameters - singleParameters);
                cost = p / singleParameters;
            }
            candidates.add(new TaskGrouping.Candidate(subset, l, cost));
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("tasks", TaskGrouping.names(tasks, subset));
            Map<String, Double> perTask = new LinkedHashMap<>();
            for (int i = 0; i < t; i++) {
                if ((subset & (1L << i)) != 0) {
                    perTask.put(tasks.get(i), l[i]);
                }
            }
            entry.put("losses", perTask);
            entry.put("estimated", estimated);
            entry.put("cost", cost);
            if (failures.containsKey(subset)) {
                entry.put("failed_trials", failures.get(subset));
            }
            subsets.put(String.join("+", TaskGrouping.names(tasks, subset)), entry);
        }
        TaskGrouping.Choice choice = TaskGrouping.choose(t, candidates, budget);
        if (choice == null) {
            throw new ConfigException("grouping.budget: " + budget + " is too small to solve every task; the cheapest"
                    + " network costs " + candidates.stream().mapToDouble(TaskGrouping.Candidate::cost).min().orElse(0));
        }
        int allIndex = candidates.size() - 1;
        int[] separate = new int[t];
        for (int i = 0; i < t; i++) {
            separate[i] = all.indexOf(1L << i);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        List<List<String>> groups = new ArrayList<>();
        for (int c : choice.chosen()) {
            groups.add(TaskGrouping.names(tasks, candidates.get(c).tasks()));
        }
        out.put("groups", groups);
        out.put("loss", choice.loss());
        out.put("cost", choice.cost());
        out.put("budget", budget);
        out.put("metric", "validation loss (loss, or mse for regression), mean over seeds");
        Map<String, Object> alternatives = new LinkedHashMap<>();
        alternatives.put("all-in-one", TaskGrouping.value(t, candidates, new int[] {allIndex}));
        alternatives.put("all-separate", TaskGrouping.value(t, candidates, separate));
        out.put("alternatives", alternatives);
        out.put("all_in_one_estimated", !losses.containsKey((1L << t) - 1));
        out.put("subsets", subsets);
        try {
            ResultFiles.writeJson(output.resolve("grouping.json"), out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + output.resolve("grouping.json"), e);
        }
        return out;
    }

    /**
     * The metric that is a task's loss: {@code loss} where the evaluation reports one
     * (classification), otherwise the primary metric when lower is better (mean squared error for
     * regression).
     */
    @SuppressWarnings("unchecked")
    private static String lossMetric(Map<String, Object> result, String task) {
        Map<String, Object> validation = (Map<String, Object>) ((Map<String, Object>) result.get("validation")).get(task);
        if (validation.containsKey("loss")) {
            return "loss";
        }
        org.openmtl.core.result.Transfer.Primary primary = org.openmtl.core.result.Transfer.primaryMetrics(result)
                .getOrDefault(task, org.openmtl.core.result.Transfer.Primary.guess(validation.keySet().iterator().next()));
        if (primary.higherIsBetter()) {
            throw new IllegalStateException("task '" + task + "' reports no loss on validation and its primary metric "
                    + primary.metric() + " is not a loss");
        }
        return primary.metric();
    }

    private static double mean(List<Double> values) {
        return values.stream().filter(java.util.Objects::nonNull).mapToDouble(Double::doubleValue).average().orElse(1.0);
    }

    /**
     * The result as lines for the terminal.
     *
     * @param grouping what {@link #run} returned
     * @return the chosen groups and their total loss against the two alternatives
     */
    @SuppressWarnings("unchecked")
    public static String describe(Map<String, Object> grouping) {
        StringBuilder sb = new StringBuilder("chosen networks (budget ")
                .append(String.format(Locale.ROOT, "%.3g", (Double) grouping.get("budget"))).append("):\n");
        for (List<String> g : (List<List<String>>) grouping.get("groups")) {
            sb.append("  {").append(String.join(", ", g)).append("}\n");
        }
        Map<String, Object> alternatives = (Map<String, Object>) grouping.get("alternatives");
        sb.append(String.format(Locale.ROOT, "total validation loss %.5f; all-in-one %.5f%s; all-separate %.5f%n",
                (Double) grouping.get("loss"), (Double) alternatives.get("all-in-one"),
                Boolean.TRUE.equals(grouping.get("all_in_one_estimated")) ? " (estimated from pairs)" : "",
                (Double) alternatives.get("all-separate")));
        return sb.toString();
    }
}
