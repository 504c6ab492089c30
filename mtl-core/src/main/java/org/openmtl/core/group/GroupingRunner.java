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
 * {@code ./mtl group}: which tasks to train together, by one of two methods ({@code grouping.method}).
 *
 * <p><b>standley</b> (Standley, Zamir, Chen, Guibas, Malik &amp; Savarese, ICML 2020): trains one
 * network per task subset (every single task and pair; every subset with {@code
 * grouping.exhaustive=true}; a half-size single-task network per task with {@code grouping.half}),
 * for a fraction of the epochs under {@code grouping.early.stop}, as the trials of a sweep, so they
 * are resumable and a finished network is never trained again; estimates the larger subsets from the
 * pairs when they were not trained; chooses the networks under {@code grouping.budget} by their
 * validation losses. L(n, t) is network n's validation loss on task t at its selected epoch (the mean
 * over seeds when the config sweeps {@code seed}), as in the paper, which compares tasks by their loss.
 *
 * <p><b>tag</b> (Fifty et al., NeurIPS 2021): one multi-task run measures the lookahead affinities,
 * which choose up to {@code grouping.budget} groups ({@link TaskGrouping#tagCandidates}).
 *
 * <p>Either way the chosen networks, the network on all tasks and the single-task networks are then
 * trained in full for their test losses, and {@code grouping.json} goes into {@code output.dir}.
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
        String method = (String) grouping.get("grouping.method");
        double earlyStop = (Double) grouping.get("grouping.early.stop");
        Map<String, String> half = halfSize((String) grouping.get("grouping.half"), source);
        if (costMode.equals("unit") && budget < 1) {
            throw new ConfigException("grouping.budget: " + budget + " is less than one network (grouping.cost=unit"
                    + " gives each network cost 1); expected at least 1");
        }
        if (earlyStop <= 0) {
            throw new ConfigException("grouping.early.stop: " + earlyStop + " is not a fraction of the epochs; expected"
                    + " a number in (0, 1], e.g. 0.2");
        }
        if (method.equals("tag") && (exhaustive || earlyStop < 1 || !half.isEmpty() || !costMode.equals("unit"))) {
            throw new ConfigException("grouping.method: tag chooses up to grouping.budget groups from one run's"
                    + " affinities; grouping.exhaustive, grouping.early.stop, grouping.half and grouping.cost apply to"
                    + " standley only");
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
        Trainings trainings = new Trainings(values, tasks, output, progressMode);
        int epochs = probe.epochs();
        Map<String, Object> out = method.equals("tag")
                ? tag(trainings, tasks, budget)
                : standley(trainings, tasks, budget, exhaustive, costMode, half,
                        earlyStop < 1 ? Math.max(1, (int) Math.round(earlyStop * epochs)) : epochs, epochs);
        trainings.summarize();
        try {
            ResultFiles.writeJson(output.resolve("grouping.json"), out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + output.resolve("grouping.json"), e);
        }
        return out;
    }

    private Map<String, Object> standley(Trainings trainings, List<String> tasks, double budget, boolean exhaustive,
            String costMode, Map<String, String> half, int selectionEpochs, int epochs) {
        int t = tasks.size();
        boolean early = selectionEpochs < epochs;
        // the candidates' trainings: subsets (and half-size singles), possibly shortened
        List<Long> trained = exhaustive ? TaskGrouping.subsets(t, 1, t) : TaskGrouping.subsets(t, 1, 2);
        List<Network> selection = new ArrayList<>();
        for (long subset : trained) {
            selection.add(new Network(subset, false, selectionEpochs));
        }
        if (!half.isEmpty()) {
            for (int i = 0; i < t; i++) {
                selection.add(new Network(1L << i, true, selectionEpochs));
            }
        }
        Map<Network, Trained> selected = trainings.train(selection, half, false);

        double[][] pairLoss = new double[t][t];
        for (int a = 0; a < t; a++) {
            for (int b = 0; b < t; b++) {
                if (a != b) {
                    pairLoss[a][b] = selected.get(new Network((1L << a) | (1L << b), false, selectionEpochs)).validation()[a];
                }
            }
        }
        double singleParameters = mean(trained.stream().filter(s -> Long.bitCount(s) == 1)
                .map(s -> selected.get(new Network(s, false, selectionEpochs)).parameters()).toList());
        double pairParameters = mean(trained.stream().filter(s -> Long.bitCount(s) == 2)
                .map(s -> selected.get(new Network(s, false, selectionEpochs)).parameters()).toList());
        List<Network> networks = new ArrayList<>();
        List<TaskGrouping.Candidate> candidates = new ArrayList<>();
        for (long subset : TaskGrouping.subsets(t, 1, t)) {
            Network n = new Network(subset, false, selectionEpochs);
            Trained r = selected.get(n);
            double[] l = r == null ? TaskGrouping.estimateFromPairs(t, pairLoss, subset) : r.validation();
            double cost = 1;
            if (costMode.equals("parameters")) {
                double p = r != null && !Double.isNaN(r.parameters()) ? r.parameters()
                        : singleParameters + (Long.bitCount(subset) - 1) * (pairParameters - singleParameters);
                cost = p / singleParameters;
            }
            networks.add(n);
            candidates.add(new TaskGrouping.Candidate(subset, l, cost));
        }
        if (!half.isEmpty()) {
            for (int i = 0; i < t; i++) {
                Network n = new Network(1L << i, true, selectionEpochs);
                Trained r = selected.get(n);
                double cost = costMode.equals("parameters") && !Double.isNaN(r.parameters())
                        ? r.parameters() / singleParameters : 0.5;
                networks.add(n);
                candidates.add(new TaskGrouping.Candidate(1L << i, r.validation(), cost));
            }
        }
        TaskGrouping.Choice choice = TaskGrouping.choose(t, candidates, budget);
        if (choice == null) {
            throw new ConfigException("grouping.budget: " + budget + " is too small to solve every task; the cheapest"
                    + " network costs " + candidates.stream().mapToDouble(TaskGrouping.Candidate::cost).min().orElse(0));
        }
        int allIndex = networks.indexOf(new Network((1L << t) - 1, false, selectionEpochs));
        int[] separate = new int[t];
        for (int i = 0; i < t; i++) {
            separate[i] = networks.indexOf(new Network(1L << i, false, selectionEpochs));
        }

        // the paper scores the choice on test: the chosen networks and the alternatives, fully trained
        List<Network> scored = new ArrayList<>();
        for (int c : choice.chosen()) {
            scored.add(networks.get(c).withEpochs(epochs));
        }
        scored.add(networks.get(allIndex).withEpochs(epochs));
        for (int i : separate) {
            scored.add(networks.get(i).withEpochs(epochs));
        }
        Map<Network, Trained> full = trainings.train(scored.stream().distinct().toList(), half, false);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", "standley");
        out.put("groups", names(tasks, networks, choice.chosen()));
        if (!half.isEmpty()) {
            out.put("half_size", java.util.Arrays.stream(choice.chosen()).mapToObj(c -> networks.get(c).half()).toList());
        }
        out.put("loss", choice.loss());
        out.put("cost", choice.cost());
        out.put("budget", budget);
        out.put("metric", "validation loss (loss, or mse for regression), mean over seeds"
                + (early ? ", of networks trained for " + selectionEpochs + " of " + epochs + " epochs (grouping.early.stop)" : ""));
        Map<String, Object> alternatives = new LinkedHashMap<>();
        alternatives.put("all-in-one", TaskGrouping.value(t, candidates, new int[] {allIndex}));
        alternatives.put("all-separate", TaskGrouping.value(t, candidates, separate));
        out.put("alternatives", alternatives);
        out.put("all_in_one_estimated", !selected.containsKey(networks.get(allIndex)));
        out.put("test", testScores(t, networks, choice.chosen(), allIndex, separate, full, epochs));
        Map<String, Object> subsets = new LinkedHashMap<>();
        for (int c = 0; c < networks.size(); c++) {
            Network n = networks.get(c);
            Trained r = selected.get(n);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("tasks", TaskGrouping.names(tasks, n.tasks()));
            entry.put("losses", perTask(tasks, n.tasks(), candidates.get(c).losses()));
            entry.put("estimated", r == null);
            entry.put("cost", candidates.get(c).cost());
            Trained f = full.get(n.withEpochs(epochs));
            if (f != null && f.test() != null) {
                entry.put("test_losses", perTask(tasks, n.tasks(), f.test()));
            }
            if (r != null && r.failures() > 0) {
                entry.put("failed_trials", r.failures());
            }
            subsets.put(n.name(tasks), entry);
        }
        out.put("subsets", subsets);
        return out;
    }

    private Map<String, Object> tag(Trainings trainings, List<String> tasks, double budget) {
        int t = tasks.size();
        long all = (1L << t) - 1;
        // one multi-task run measures the affinities; its network is also the all-in-one alternative
        Map<Network, Trained> run = trainings.train(List.of(new Network(all, false, -1)), Map.of(), true);
        double[][] lookahead = run.get(new Network(all, false, -1)).lookahead();
        if (lookahead == null) {
            throw new IllegalStateException("the multi-task run measured no lookahead affinity; see the trials under "
                    + trainings.output.resolve("trials"));
        }
        List<TaskGrouping.Candidate> candidates = TaskGrouping.tagCandidates(lookahead);
        int groups = (int) Math.floor(budget);
        TaskGrouping.Choice choice = TaskGrouping.choose(t, candidates, groups);
        List<Network> networks = new ArrayList<>();
        for (TaskGrouping.Candidate c : candidates) {
            networks.add(new Network(c.tasks(), false, -1));
        }
        // the chosen groups' networks and the alternatives, trained for their losses
        List<Network> scored = new ArrayList<>();
        for (int c : choice.chosen()) {
            scored.add(networks.get(c));
        }
        scored.add(networks.get(networks.size() - 1));
        int[] separate = new int[t];
        for (int i = 0; i < t; i++) {
            separate[i] = networks.indexOf(new Network(1L << i, false, -1));
            scored.add(networks.get(separate[i]));
        }
        Map<Network, Trained> full = trainings.train(scored.stream().distinct().toList(), Map.of(), true);
        List<TaskGrouping.Candidate> validation = new ArrayList<>();
        for (int c = 0; c < networks.size(); c++) {
            Trained r = full.get(networks.get(c));
            double[] l = new double[t];
            java.util.Arrays.fill(l, Double.POSITIVE_INFINITY);
            validation.add(new TaskGrouping.Candidate(networks.get(c).tasks(), r == null ? l : r.validation(), 1));
        }
        int allIndex = networks.size() - 1;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("method", "tag");
        out.put("groups", names(tasks, networks, choice.chosen()));
        out.put("affinity", -choice.loss() / t);
        out.put("loss", TaskGrouping.value(t, validation, choice.chosen()));
        out.put("cost", (double) choice.chosen().length);
        out.put("budget", budget);
        out.put("metric", "validation loss (loss, or mse for regression), mean over seeds, of the chosen groups' networks;"
                + " the groups maximize the mean over tasks of the lookahead affinity onto each task from its group");
        Map<String, Object> alternatives = new LinkedHashMap<>();
        alternatives.put("all-in-one", TaskGrouping.value(t, validation, new int[] {allIndex}));
        alternatives.put("all-separate", TaskGrouping.value(t, validation, separate));
        out.put("alternatives", alternatives);
        out.put("all_in_one_estimated", false);
        out.put("test", testScores(t, networks, choice.chosen(), allIndex, separate, full, -1));
        Map<String, Map<String, Double>> matrix = new LinkedHashMap<>();
        for (int i = 0; i < t; i++) {
            matrix.put(tasks.get(i), perTask(tasks, all, lookahead[i]));
        }
        out.put("lookahead", matrix);
        Map<String, Object> subsets = new LinkedHashMap<>();
        for (int c = 0; c < networks.size(); c++) {
            Network n = networks.get(c);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("tasks", TaskGrouping.names(tasks, n.tasks()));
            double[] score = candidates.get(c).losses();
            for (int i = 0; i < t; i++) {
                score[i] = -score[i];
            }
            entry.put("affinity", perTask(tasks, n.tasks(), score));
            Trained r = full.get(n);
            entry.put("estimated", r == null);
            entry.put("cost", 1.0);
            if (r != null) {
                entry.put("losses", perTask(tasks, n.tasks(), r.validation()));
                if (r.test() != null) {
                    entry.put("test_losses", perTask(tasks, n.tasks(), r.test()));
                }
            }
            subsets.put(n.name(tasks), entry);
        }
        out.put("subsets", subsets);
        return out;
    }

    /** Test totals of the chosen networks and of the alternatives, or null without a test split. */
    private static Map<String, Object> testScores(int t, List<Network> networks, int[] chosen, int allIndex, int[] separate,
            Map<Network, Trained> full, int epochs) {
        List<TaskGrouping.Candidate> test = new ArrayList<>();
        for (Network n : networks) {
            Trained r = full.get(n.withEpochs(epochs));
            double[] l = new double[t];
            java.util.Arrays.fill(l, Double.POSITIVE_INFINITY);
            test.add(new TaskGrouping.Candidate(n.tasks(), r == null || r.test() == null ? l : r.test(), 1));
        }
        double chosenLoss = TaskGrouping.value(t, test, chosen);
        if (Double.isInfinite(chosenLoss)) {
            return null;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("loss", chosenLoss);
        Map<String, Object> alternatives = new LinkedHashMap<>();
        alternatives.put("all-in-one", TaskGrouping.value(t, test, new int[] {allIndex}));
        alternatives.put("all-separate", TaskGrouping.value(t, test, separate));
        out.put("alternatives", alternatives);
        out.put("metric", "test loss of the fully trained networks: each task's best among the chosen networks");
        return out;
    }

    private static List<List<String>> names(List<String> tasks, List<Network> networks, int[] chosen) {
        List<List<String>> groups = new ArrayList<>();
        for (int c : chosen) {
            groups.add(TaskGrouping.names(tasks, networks.get(c).tasks()));
        }
        return groups;
    }

    private static Map<String, Double> perTask(List<String> tasks, long subset, double[] values) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < tasks.size(); i++) {
            if ((subset & (1L << i)) != 0) {
                out.put(tasks.get(i), values[i]);
            }
        }
        return out;
    }

    private static Map<String, String> halfSize(String value, ConfigSource source) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : value.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("grouping.half: '" + part.strip() + "' is not key=value; expected overrides"
                        + " separated by ';', e.g. architecture.hard-sharing.mlp.hidden=4 (set in "
                        + source.origin("grouping.half") + ")");
            }
            out.put(part.substring(0, eq).strip(), part.substring(eq + 1).strip());
        }
        return out;
    }

    /**
     * A network to train: a task subset, full or half size, for a number of epochs (-1: the config's).
     */
    private record Network(long tasks, boolean half, int epochs) {
        Network withEpochs(int e) {
            return new Network(tasks, half, e);
        }

        String name(List<String> names) {
            return String.join("+", TaskGrouping.names(names, tasks)) + (half ? "-half" : "");
        }
    }

    /**
     * A trained network's per-task losses at its selected epoch, mean over seeds (NaN outside its
     * tasks), its parameter count, failed trials, and, where measured, the lookahead affinity.
     */
    private record Trained(double[] validation, double[] test, double parameters, int failures, double[][] lookahead) {}

    /** The subset trainings of one grouping: trials of one sweep directory, resumable. */
    private final class Trainings {
        private final Map<String, String> values;
        private final List<String> tasks;
        private final Path output;
        private final String progressMode;
        private final Map<String, Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> all = new LinkedHashMap<>();

        Trainings(Map<String, String> values, List<String> tasks, Path output, String progressMode) {
            this.values = values;
            this.tasks = tasks;
            this.output = output;
            this.progressMode = progressMode;
        }

        @SuppressWarnings("unchecked")
        Map<Network, Trained> train(List<Network> networks, Map<String, String> half, boolean measureAllTasks) {
            Map<String, String> v = new LinkedHashMap<>(values);
            Map<String, Network> byVariant = new LinkedHashMap<>();
            for (Network n : networks) {
                String name = n.name(tasks) + (n.epochs() > 0 ? "-" + n.epochs() + "ep" : "");
                byVariant.put(name, n);
                String prefix = SweepPlan.VARIANT_PREFIX + name + ".";
                v.put(prefix + RunKeys.TASKS, String.join(",", TaskGrouping.names(tasks, n.tasks())));
                if (n.epochs() > 0) {
                    v.put(prefix + RunKeys.EPOCHS, String.valueOf(n.epochs()));
                }
                if (n.half()) {
                    half.forEach((k, x) -> v.put(prefix + k, x));
                }
                if (measureAllTasks && n.tasks() == (1L << tasks.size()) - 1) {
                    v.put(prefix + RunKeys.DIAGNOSTICS_AFFINITY, "true");
                }
            }
            v.put(SweepPlan.AXIS_PREFIX + SweepPlan.VARIANT_AXIS, String.join(", ", byVariant.keySet()));
            SweepRunner runner = new SweepRunner(mtl);
            List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> results =
                    runner.runTrials(ConfigSource.of(v), output, progressMode);
            int t = tasks.size();
            Map<Network, double[][]> sums = new LinkedHashMap<>();
            Map<Network, int[][]> counts = new LinkedHashMap<>();
            Map<Network, Double> parameters = new LinkedHashMap<>();
            Map<Network, Integer> failures = new LinkedHashMap<>();
            Map<Network, double[][]> affinity = new LinkedHashMap<>();
            Map<Network, Integer> affinityRuns = new LinkedHashMap<>();
            for (Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>> r : results) {
                all.put(r.getKey().id(), r);
                Network n = byVariant.get(r.getKey().point().get(SweepPlan.VARIANT_AXIS));
                Map<String, Object> result = r.getValue();
                if (!"completed".equals(result.get("status"))) {
                    failures.merge(n, 1, Integer::sum);
                    continue;
                }
                double[][] sum = sums.computeIfAbsent(n, s -> new double[2][t]);
                int[][] count = counts.computeIfAbsent(n, s -> new int[2][t]);
                // result.json holds the selected epoch's test metrics under "tasks"
                String[] splits = {"validation", "tasks"};
                for (int s = 0; s < 2; s++) {
                    Map<String, Map<String, Object>> split = (Map<String, Map<String, Object>>) result.get(splits[s]);
                    for (int i = 0; i < t; i++) {
                        if ((n.tasks() & (1L << i)) == 0) {
                            continue;
                        }
                        Object loss = split == null || split.get(tasks.get(i)) == null ? null
                                : split.get(tasks.get(i)).get(lossMetric(result, splits[s], tasks.get(i)));
                        if (loss instanceof Number x) {
                            sum[s][i] += x.doubleValue();
                            count[s][i]++;
                        } else if (s == 0) {
                            throw new IllegalStateException("trial " + r.getKey().id() + " has no validation loss for task '"
                                    + tasks.get(i) + "'; ./mtl group needs a validation split");
                        }
                    }
                }
                if (result.get("parameters") instanceof Number x) {
                    parameters.merge(n, x.doubleValue(), (a, b) -> a);
                }
                if (result.get("affinity") instanceof Map<?, ?> a && a.get("lookahead") instanceof Map<?, ?> m) {
                    double[][] acc = affinity.computeIfAbsent(n, s -> new double[t][t]);
                    for (int i = 0; i < t; i++) {
                        for (int j = 0; j < t; j++) {
                            Object row = m.get(tasks.get(i));
                            Object x = row instanceof Map<?, ?> rm ? rm.get(tasks.get(j)) : null;
                            acc[i][j] += x instanceof Number num ? num.doubleValue() : 0;
                        }
                    }
                    affinityRuns.merge(n, 1, Integer::sum);
                }
            }
            Map<Network, Trained> out = new LinkedHashMap<>();
            for (Network n : networks) {
                if (!sums.containsKey(n)) {
                    throw new IllegalStateException("every training of the network " + n.name(tasks)
                            + " failed; see the trials under " + output.resolve("trials"));
                }
                double[][] sum = sums.get(n);
                int[][] count = counts.get(n);
                double[] validation = new double[t];
                double[] test = new double[t];
                boolean hasTest = true;
                for (int i = 0; i < t; i++) {
                    validation[i] = count[0][i] == 0 ? Double.NaN : sum[0][i] / count[0][i];
                    test[i] = count[1][i] == 0 ? Double.NaN : sum[1][i] / count[1][i];
                    if ((n.tasks() & (1L << i)) != 0 && count[1][i] == 0) {
                        hasTest = false;
                    }
                }
                double[][] lookahead = null;
                if (affinity.containsKey(n)) {
                    lookahead = affinity.get(n);
                    for (double[] row : lookahead) {
                        for (int j = 0; j < t; j++) {
                            row[j] /= affinityRuns.get(n);
                        }
                    }
                }
                out.put(n, new Trained(validation, hasTest ? test : null, parameters.getOrDefault(n, Double.NaN),
                        failures.getOrDefault(n, 0), lookahead));
            }
            return out;
        }

        void summarize() {
            new SweepRunner(mtl).summarize(output, new ArrayList<>(all.values()));
        }
    }

    /**
     * The metric that is a task's loss: {@code loss} where the evaluation reports one
     * (classification), otherwise the primary metric when lower is better (mean squared error for
     * regression).
     */
    @SuppressWarnings("unchecked")
    private static String lossMetric(Map<String, Object> result, String split, String task) {
        Map<String, Object> validation = (Map<String, Object>) ((Map<String, Object>) result.get(split)).get(task);
        if (validation.containsKey("loss")) {
            return "loss";
        }
        org.openmtl.core.result.Transfer.Primary primary = org.openmtl.core.result.Transfer.primaryMetrics(result)
                .getOrDefault(task, org.openmtl.core.result.Transfer.Primary.guess(validation.keySet().iterator().next()));
        if (primary.higherIsBetter()) {
            throw new IllegalStateException("task '" + task + "' reports no loss on " + (split.equals("tasks") ? "test" : split)
                    + " and its primary metric "
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
        StringBuilder sb = new StringBuilder("chosen networks (").append(grouping.get("method")).append(", budget ")
                .append(String.format(Locale.ROOT, "%.3g", (Double) grouping.get("budget"))).append("):\n");
        List<List<String>> groups = (List<List<String>>) grouping.get("groups");
        List<Boolean> half = (List<Boolean>) grouping.getOrDefault("half_size", List.of());
        for (int g = 0; g < groups.size(); g++) {
            sb.append("  {").append(String.join(", ", groups.get(g))).append("}")
                    .append(g < half.size() && half.get(g) ? " half size" : "").append("\n");
        }
        if (grouping.get("affinity") instanceof Double a) {
            sb.append(String.format(Locale.ROOT, "mean lookahead affinity onto each task from its group %.5g%n", a));
        }
        Map<String, Object> alternatives = (Map<String, Object>) grouping.get("alternatives");
        sb.append(String.format(Locale.ROOT, "total validation loss %.5f; all-in-one %.5f%s; all-separate %.5f%n",
                (Double) grouping.get("loss"), (Double) alternatives.get("all-in-one"),
                Boolean.TRUE.equals(grouping.get("all_in_one_estimated")) ? " (estimated from pairs)" : "",
                (Double) alternatives.get("all-separate")));
        if (grouping.get("test") instanceof Map<?, ?> test) {
            Map<String, Object> testAlternatives = (Map<String, Object>) test.get("alternatives");
            sb.append(String.format(Locale.ROOT, "total test loss %.5f; all-in-one %.5f; all-separate %.5f%n",
                    (Double) test.get("loss"), (Double) testAlternatives.get("all-in-one"),
                    (Double) testAlternatives.get("all-separate")));
        }
        return sb.toString();
    }
}
