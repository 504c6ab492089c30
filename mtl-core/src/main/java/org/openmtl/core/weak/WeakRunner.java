package org.openmtl.core.weak;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.openmtl.api.data.DataException;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.data.WeaklyLabelledDataset;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginConfigs;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.task.Task;
import org.openmtl.api.task.TaskType;
import org.openmtl.api.weak.FittedLabelModel;
import org.openmtl.api.weak.LabelModel;
import org.openmtl.api.weak.LabelingSource;
import org.openmtl.api.weak.ProbabilisticLabels;
import org.openmtl.api.weak.SourceDependencies;
import org.openmtl.api.weak.SourceVotes;
import org.openmtl.api.weak.TaskGraph;
import org.openmtl.api.weak.WeakSupervision;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.ConfigValidator;
import org.openmtl.core.config.DirectoryChecks;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.io.DurableFiles;
import org.openmtl.core.plugin.RegisteredPlugin;
import org.openmtl.core.result.OutputWriteException;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.train.MultiTaskTrainer;
import org.openmtl.core.train.Progress;

/**
 * {@code ./mtl weak}: label model, then end model. The sources' votes on the training split (the
 * dataset's own, or a CSV file) are fitted by the configured label model without gold labels; its
 * probabilistic labels replace the training labels ({@link SoftLabelledDataset}); the end model, the
 * run's architecture, weighting, selector and optimizer, trains on them through the normal trainer
 * (writing its {@code result.json}) and is tested on the held-out gold labels. {@code weak.json}
 * and {@code weak.md} record the label model's accuracy on the training split (where gold labels
 * exist), each source's estimated and, for planted sources, true accuracy, and the end model's test
 * metrics. Every input is checked (keys, votes, the label model's fit) before anything is written.
 */
public final class WeakRunner {

    private static final int SCORE_CHUNK = 4096;

    private final MtlRuntime mtl;

    /**
     * Creates the runner.
     *
     * @param mtl the framework with its plugins
     */
    public WeakRunner(MtlRuntime mtl) {
        this.mtl = mtl;
    }

    /** The votes with where they came from. */
    private record Input(WeakSupervision weak, String origin, Optional<SourceVotes> testVotes) {}

    /**
     * Runs the label model and the end model and writes weak.json and weak.md.
     *
     * @param source the configuration: run keys of the end model, weak keys, label-model keys
     * @param commandLine the command, recorded in weak.json
     * @return what was written to weak.json
     * @throws ConfigException for a bad key or value, before anything is written
     * @throws DataException for bad votes (a malformed CSV file), before anything is written
     */
    public Map<String, Object> run(ConfigSource source, String commandLine) {
        Map<String, String> values = new LinkedHashMap<>(source.values());
        Map<String, String> weakKeys = new LinkedHashMap<>();
        for (ConfigKey key : RunKeys.weakKeys()) {
            String raw = values.remove(key.name());
            String value = (raw == null ? key.defaultValue() : raw).trim();
            try {
                PluginConfigs.parse(key.name(), key, value);
            } catch (PluginConfigException e) {
                throw new ConfigException(e.getMessage() + " (set in " + source.origin(key.name()) + ")", e);
            }
            weakKeys.put(key.name(), value);
        }
        if (values.containsKey(RunKeys.TASKS)) {
            throw new ConfigException(RunKeys.TASKS + ": ./mtl weak trains every task of the task graph; a task subset"
                    + " is not supported (set in " + source.origin(RunKeys.TASKS) + ")");
        }
        String modelName = weakKeys.get(RunKeys.LABEL_MODEL);
        RegisteredPlugin modelPlugin;
        try {
            modelPlugin = mtl.registry().require(PluginKind.LABEL_MODEL, modelName);
        } catch (ConfigException e) {
            throw new ConfigException(RunKeys.LABEL_MODEL + ": " + e.getMessage() + " (set in "
                    + source.origin(RunKeys.LABEL_MODEL) + ")");
        }
        Map<String, String> modelKeys = new LinkedHashMap<>();
        String prefix = modelPlugin.descriptor().keyPrefix();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                modelKeys.put(k.substring(prefix.length()), v);
            }
        });
        values.putIfAbsent(RunKeys.OUTPUT_DIR, "runs/weak");
        RunConfig config = mtl.configure(source.withValues(values));
        Path output = config.outputDirectory();
        DirectoryChecks.writable(RunKeys.OUTPUT_DIR, output);
        DirectoryChecks.readable(RunKeys.DATA_DIR, config.dataDirectory());
        PluginConfig modelConfig;
        try {
            modelConfig = PluginConfigs.of(modelPlugin.descriptor(), modelKeys,
                    ConfigValidator.pluginSeed(config.seed(), PluginKind.LABEL_MODEL));
        } catch (PluginConfigException e) {
            throw new ConfigException(e.getMessage() + " (set in " + source.origin(e.getKey()) + ")", e);
        }
        LabelModel labelModel;
        try {
            labelModel = (LabelModel) modelPlugin.factory().create(modelConfig);
        } catch (PluginConfigException e) {
            throw new ConfigException(e.getMessage() + " (set in " + source.origin(e.getKey()) + ")", e);
        }

        MultiTaskTrainer.Plugins plugins = mtl.plugins(config);
        MultiTaskDataset dataset = plugins.dataset();
        Input input = input(dataset, config, weakKeys, source);
        WeakSupervision weak = input.weak();
        SourceVotes votes = weak.votes();
        boolean[] covered = covered(votes);
        int coveredCount = 0;
        for (boolean c : covered) {
            coveredCount += c ? 1 : 0;
        }
        if (coveredCount == 0) {
            throw new ConfigException("the votes of " + input.origin() + " abstain on all " + covered.length
                    + " training examples: no source votes, nothing to label; expected votes on some examples");
        }
        FittedLabelModel fitted;
        try {
            fitted = labelModel.fit(votes, weak.dependencies());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(RunKeys.LABEL_MODEL + " '" + modelName + "' cannot fit the votes of "
                    + input.origin() + ": " + e.getMessage());
        }
        ProbabilisticLabels labels = fitted.predict(votes);
        Map<String, Object> labelModelScores = score(dataset, Split.TRAIN, labels, covered);
        Optional<Map<String, Object>> labelModelTest = input.testVotes().map(t -> {
            ProbabilisticLabels testLabels = fitted.predict(t);
            return score(dataset, Split.TEST, testLabels, covered(t));
        });
        List<Map<String, Object>> sources = sources(weak, fitted.sourceAccuracies());

        SoftLabelledDataset soft;
        try {
            soft = new SoftLabelledDataset(dataset, labels, covered);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(RunKeys.DATASET + ": " + e.getMessage());
        }
        Map<String, Object> weakProvenance = new LinkedHashMap<>();
        weakProvenance.put("label_model", modelName);
        weakProvenance.put("votes", input.origin());
        Map<String, Object> result = new MultiTaskTrainer(config, new MultiTaskTrainer.Plugins(soft,
                plugins.architecture(), plugins.weighting(), plugins.selector(), plugins.optimizer()),
                Progress.forMode(config.progress()), Map.of("weak", weakProvenance)).train();

        Map<String, String> resolved = new LinkedHashMap<>(weakKeys);
        resolved.putAll(config.resolved());
        modelConfigKeys(modelPlugin, modelKeys).forEach(resolved::put);
        Map<String, Object> labelModelSection = new LinkedHashMap<>();
        labelModelSection.put("name", modelName);
        labelModelSection.put("dependencies", weak.dependencies().pairs().stream()
                .map(p -> votes.sources().get(p.first()).name() + ":" + votes.sources().get(p.second()).name()).toList());
        labelModelSection.put("train", labelModelScores);
        labelModelTest.ifPresent(t -> labelModelSection.put("test", t));
        Map<String, Object> out = summary(commandLine, labelModelSection, input.origin(), votes, coveredCount, sources,
                result, output.resolve("result.json"), resolved);
        try {
            ResultFiles.writeJson(output.resolve("weak.json"), out);
            DurableFiles.writeString(output.resolve("weak.md"), WeakSummary.markdown(out));
        } catch (IOException e) {
            throw new OutputWriteException("the weak supervision summary", output.resolve("weak.json"), e,
                    "result.json holds the end model's result");
        }
        return out;
    }

    /** The content of weak.json. */
    private static Map<String, Object> summary(String commandLine, Map<String, Object> labelModel, String origin,
            SourceVotes votes, int coveredCount, List<Map<String, Object>> sources, Map<String, Object> result,
            Path resultFile, Map<String, String> resolved) {
        TaskGraph graph = votes.graph();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", result.get("status"));
        out.put("command", commandLine);
        out.put("label_model", labelModel);
        Map<String, Object> voteSummary = new LinkedHashMap<>();
        voteSummary.put("from", origin);
        voteSummary.put("examples", votes.exampleCount());
        voteSummary.put("covered", coveredCount);
        voteSummary.put("tasks", graph.taskNames());
        voteSummary.put("subsumptions", graph.subsumptions().stream().map(r -> graph.taskName(r.coarse()) + ">"
                + graph.taskName(r.fine()) + ":" + Arrays.stream(r.coarseOfFine()).mapToObj(String::valueOf)
                        .collect(Collectors.joining(","))).toList());
        out.put("votes", voteSummary);
        out.put("sources", sources);
        Map<String, Object> end = new LinkedHashMap<>();
        end.put("status", result.get("status"));
        end.put("result", resultFile.toString());
        end.put("test", result.getOrDefault("tasks", Map.of()));
        if (result.get("reason") != null) {
            end.put("reason", result.get("reason"));
        }
        out.put("end_model", end);
        out.put("config", resolved);
        return out;
    }

    private static Map<String, String> modelConfigKeys(RegisteredPlugin plugin, Map<String, String> given) {
        Map<String, String> out = new LinkedHashMap<>();
        for (ConfigKey key : plugin.descriptor().keys()) {
            out.put(plugin.descriptor().keyPrefix() + key.name(), given.getOrDefault(key.name(), key.defaultValue()).trim());
        }
        return out;
    }

    /** The votes and graph: from a CSV file when weak.votes is set, else the dataset's own. */
    private static Input input(MultiTaskDataset dataset, RunConfig config, Map<String, String> keys, ConfigSource source) {
        String datasetName = config.pluginName(PluginKind.DATASET);
        String file = keys.get(RunKeys.WEAK_VOTES);
        Optional<WeakSupervision> own = dataset instanceof WeaklyLabelledDataset w
                ? Optional.of(w.weakSupervision()) : Optional.empty();
        String subsumptions = keys.get(RunKeys.WEAK_SUBSUMPTIONS);
        if (own.isPresent() && !subsumptions.isEmpty()) {
            throw new ConfigException(RunKeys.WEAK_SUBSUMPTIONS + ": dataset '" + datasetName + "' defines its own task"
                    + " graph; the key applies to datasets without one (set in "
                    + source.origin(RunKeys.WEAK_SUBSUMPTIONS) + ")");
        }
        int trainSize = dataset.size(Split.TRAIN);
        if (file.isEmpty()) {
            WeakSupervision weak = own.orElseThrow(() -> new ConfigException("dataset '" + datasetName
                    + "' carries no labeling sources; set " + RunKeys.WEAK_VOTES + "=<file.csv> with your sources' votes"
                    + " on its training split (docs/guide.md, section 10), or use a dataset with sources, e.g."
                    + " dataset=mnist-weak"));
            if (weak.votes().exampleCount() != trainSize) {
                throw new IllegalStateException("dataset '" + datasetName + "' has " + trainSize
                        + " training examples but votes on " + weak.votes().exampleCount());
            }
            SourceDependencies deps = dependencies(keys.get(RunKeys.WEAK_DEPENDENCIES), weak.votes(),
                    weak.dependencies(), source);
            Optional<SourceVotes> testVotes = ((WeaklyLabelledDataset) dataset).heldOutVotes(Split.TEST);
            testVotes.ifPresent(t -> {
                if (t.exampleCount() != dataset.size(Split.TEST) || !t.graph().equals(weak.graph())
                        || !t.sources().equals(weak.votes().sources())) {
                    throw new IllegalStateException("dataset '" + datasetName + "' gives test votes that do not match"
                            + " its test split or its training votes' sources");
                }
            });
            return new Input(new WeakSupervision(weak.graph(), weak.votes(), deps, weak.plantedAccuracies()),
                    "dataset " + datasetName, testVotes);
        }
        TaskGraph graph = own.isPresent() ? own.get().graph()
                : graph(dataset, datasetName, subsumptions, source.origin(RunKeys.WEAK_SUBSUMPTIONS));
        Path path = Path.of(file);
        SourceVotes votes = SourceVotesCsv.read(path, graph, -1);
        if (votes.exampleCount() != trainSize) {
            if (config.trainLimit() > 0 && votes.exampleCount() > trainSize) {
                votes = prefix(votes, trainSize);
            } else {
                throw new DataException(path, "holds " + votes.exampleCount() + " example rows; expected " + trainSize
                        + ", one per example of dataset '" + datasetName + "''s training split, in its order");
            }
        }
        SourceDependencies deps = dependencies(keys.get(RunKeys.WEAK_DEPENDENCIES), votes, SourceDependencies.none(),
                source);
        return new Input(new WeakSupervision(graph, votes, deps, Optional.empty()), path.toString(), Optional.empty());
    }

    /** The first examples of the votes: a CSV file for the full split, under dataset.train.limit. */
    private static SourceVotes prefix(SourceVotes votes, int n) {
        int[][][] rows = new int[n][votes.sourceCount()][];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < votes.sourceCount(); j++) {
                rows[i][j] = votes.voteVector(i, j);
            }
        }
        return new SourceVotes(votes.graph(), votes.sources(), rows);
    }

    /**
     * The task graph of a dataset without sources of its own: its classification tasks, with the
     * subsumptions {@code weak.subsumptions} gives.
     */
    private static TaskGraph graph(MultiTaskDataset dataset, String datasetName, String subsumptions, String origin) {
        TaskGraph.Builder builder = TaskGraph.builder();
        int added = 0;
        for (Task task : dataset.tasks()) {
            if (task.type() == TaskType.CLASSIFICATION && task.outputs() >= 2) {
                builder.addTask(task.name(), task.outputs());
                added++;
            }
        }
        if (added == 0) {
            throw new ConfigException("dataset '" + datasetName + "' has no classification task for weak supervision");
        }
        if (subsumptions.isEmpty()) {
            return builder.build();
        }
        for (String relation : subsumptions.split(";")) {
            String r = relation.trim();
            int gt = r.indexOf('>');
            int colon = r.indexOf(':');
            if (gt <= 0 || colon < gt + 2) {
                throw new ConfigException(RunKeys.WEAK_SUBSUMPTIONS + ": '" + r + "' is not coarse>fine:c1,c2,...;"
                        + " expected the coarse task, '>', the fine task, ':' and the coarse class of each fine class"
                        + " (set in " + origin + ")");
            }
            String coarse = r.substring(0, gt).trim();
            String fine = r.substring(gt + 1, colon).trim();
            String[] classes = r.substring(colon + 1).split(",");
            int[] coarseOfFine = new int[classes.length];
            try {
                for (int i = 0; i < classes.length; i++) {
                    coarseOfFine[i] = Integer.parseInt(classes[i].trim());
                }
                builder.addSubsumption(coarse, fine, coarseOfFine);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(RunKeys.WEAK_SUBSUMPTIONS + ": '" + r + "': "
                        + (e instanceof NumberFormatException ? "'" + r.substring(colon + 1).trim()
                                + "' are not whole numbers" : e.getMessage()) + " (set in " + origin + ")", e);
            }
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(RunKeys.WEAK_SUBSUMPTIONS + ": " + e.getMessage() + " (set in " + origin + ")", e);
        }
    }

    private static SourceDependencies dependencies(String value, SourceVotes votes, SourceDependencies declared,
            ConfigSource source) {
        if (value.equals("dataset")) {
            return declared;
        }
        if (value.equals("none")) {
            return SourceDependencies.none();
        }
        List<String> names = votes.sources().stream().map(LabelingSource::name).toList();
        List<SourceDependencies.Pair> pairs = new ArrayList<>();
        for (String pair : value.split(",")) {
            String[] two = pair.trim().split(":");
            if (two.length != 2 || !names.contains(two[0].trim()) || !names.contains(two[1].trim())
                    || two[0].trim().equals(two[1].trim())) {
                throw new ConfigException(RunKeys.WEAK_DEPENDENCIES + ": '" + pair.trim() + "' is not a pair of two"
                        + " different sources a:b; expected dataset, none, or pairs of the sources " + names
                        + " separated by commas (set in " + source.origin(RunKeys.WEAK_DEPENDENCIES) + ")");
            }
            pairs.add(new SourceDependencies.Pair(names.indexOf(two[0].trim()), names.indexOf(two[1].trim())));
        }
        return SourceDependencies.of(pairs);
    }

    /** Per example, whether any source voted on it. */
    private static boolean[] covered(SourceVotes votes) {
        boolean[] covered = new boolean[votes.exampleCount()];
        for (int i = 0; i < covered.length; i++) {
            for (int j = 0; j < votes.sourceCount() && !covered[i]; j++) {
                covered[i] = !votes.abstains(i, j);
            }
        }
        return covered;
    }

    /**
     * The label model's accuracy on a split against its gold labels where the dataset has them:
     * over the examples some source voted on, and over all (the uncovered ones labelled by the
     * model's prior).
     */
    private static Map<String, Object> score(MultiTaskDataset dataset, Split split, ProbabilisticLabels labels,
            boolean[] covered) {
        TaskGraph graph = labels.graph();
        Map<String, Object> out = new LinkedHashMap<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int t = 0; t < graph.taskCount(); t++) {
                String task = graph.taskName(t);
                int[] gold = dataset.labelled(split, task);
                long rightCovered = 0;
                long countCovered = 0;
                long rightAll = 0;
                for (int from = 0; from < gold.length; from += SCORE_CHUNK) {
                    int[] chunk = Arrays.copyOfRange(gold, from, Math.min(gold.length, from + SCORE_CHUNK));
                    try (NDManager step = manager.newSubManager()) {
                        NDArray truth = dataset.batch(step, split, chunk, List.of(task)).target(task).labels();
                        long[] classes = truth.toType(DataType.INT64, false).toLongArray();
                        for (int i = 0; i < chunk.length; i++) {
                            boolean right = labels.mostProbable(t, chunk[i]) == classes[i] + 1;
                            rightAll += right ? 1 : 0;
                            if (covered[chunk[i]]) {
                                countCovered++;
                                rightCovered += right ? 1 : 0;
                            }
                        }
                    }
                }
                Map<String, Object> scores = new LinkedHashMap<>();
                scores.put("gold_examples", gold.length);
                scores.put("covered_examples", countCovered);
                scores.put("accuracy_covered", countCovered == 0 ? null : (double) rightCovered / countCovered);
                scores.put("accuracy_all", gold.length == 0 ? null : (double) rightAll / gold.length);
                out.put(task, scores);
            }
        }
        return out;
    }

    /** Each source: its tasks, coverage, estimated and (if planted) true accuracy. */
    private static List<Map<String, Object>> sources(WeakSupervision weak, double[] estimated) {
        SourceVotes votes = weak.votes();
        Optional<double[]> planted = weak.plantedAccuracies();
        List<Map<String, Object>> out = new ArrayList<>();
        for (int j = 0; j < votes.sourceCount(); j++) {
            LabelingSource s = votes.sources().get(j);
            int voted = 0;
            for (int i = 0; i < votes.exampleCount(); i++) {
                voted += votes.abstains(i, j) ? 0 : 1;
            }
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", s.name());
            one.put("tasks", s.tasks().stream().map(votes.graph()::taskName).toList());
            one.put("coverage", votes.exampleCount() == 0 ? 0.0 : (double) voted / votes.exampleCount());
            double e = j < estimated.length ? estimated[j] : Double.NaN;
            one.put("estimated_accuracy", Double.isNaN(e) ? null : e);
            if (planted.isPresent()) {
                double p = planted.get()[j];
                one.put("planted_accuracy", p);
                one.put("error", Double.isNaN(e) ? null : e - p);
            }
            out.add(one);
        }
        return out;
    }
}
