package org.openmtl.plugins.data.csv;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openmtl.api.data.DataException;
import org.openmtl.api.data.DatasetContext;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.task.Task;
import org.openmtl.api.task.TaskType;
import org.openmtl.plugins.data.ArrayDataset;

/**
 * The {@code csv} dataset: the tasks and examples of a user's CSV files.
 *
 * <p>Each row is an example; its features are the configured numeric columns (an example is the
 * vector of them, shape (features)), and each task reads its own label column: a classification
 * task a class id 0..K-1 (K given, or the largest class of the training split plus one), scored by
 * cross-entropy and accuracy; a regression task one real target, scored by mean squared error and
 * mean absolute error. An empty label cell means the row has no label for that task: the row stays
 * an example of the other tasks, and the task's loss and metrics mask it out (see {@link
 * ArrayDataset}: a missing label is absent from {@link MultiTaskDataset#labelled} and has mask 0 in
 * a batch).
 *
 * <p>The files are checked completely before anything trains ({@link CsvTableReader}); after
 * reading, every split that should have rows must have some and every task must have at least one
 * label in the training split. {@code dataset.train.limit} keeps the first rows of the training
 * split (in file order); the rest are still checked.
 */
final class CsvDataset implements DatasetProvider {

    private final CsvSettings settings;

    CsvDataset(CsvSettings settings) {
        this.settings = settings;
    }

    @Override
    public MultiTaskDataset load(DatasetContext context) {
        settings.requireFilesAndLabels();
        List<LabelColumn> labels = settings.labels();
        SplitRows[] rows = new SplitRows[Split.values().length];
        for (Split split : Split.values()) {
            rows[split.ordinal()] = new SplitRows(split, labels.size(), split == Split.TRAIN ? context.trainLimit() : 0);
        }
        CsvTableReader reader = new CsvTableReader(settings);
        List<Map<String, Object>> files = new ArrayList<>();
        Map<Split, Path> source = new LinkedHashMap<>();
        List<String> features;
        if (settings.separateFiles()) {
            features = null;
            for (Split split : Split.values()) {
                Path file = settings.files().get(split);
                if (file == null) {
                    continue;
                }
                CsvTableReader.FileRead read = reader.read(file, split, features, rows);
                features = read.layout().featureNames();
                files.add(facts(split.label(), read.facts()));
                source.put(split, file);
            }
        } else {
            CsvTableReader.FileRead read = reader.read(settings.file(), null, null, rows);
            features = read.layout().featureNames();
            files.add(facts("all", read.facts()));
            for (Split split : Split.values()) {
                source.put(split, settings.file());
            }
            checkSplitsHaveRows(rows);
        }
        SplitRows train = rows[Split.TRAIN.ordinal()];
        List<Task> tasks = tasks(train, source.get(Split.TRAIN), context.trainLimit());
        for (Split split : List.of(Split.VALIDATION, Split.TEST)) {
            checkClasses(rows[split.ordinal()], tasks);
        }
        ArrayDataset.Builder builder = ArrayDataset.builder(tasks, new Shape(features.size()));
        float[][] inputs = new float[Split.values().length][];
        for (SplitRows split : rows) {
            if (split.rows == 0) {
                continue;
            }
            try {
                inputs[split.split.ordinal()] = split.features.toArray();
            } catch (IllegalStateException e) {
                throw new DataException(source.get(split.split), "the " + split.split.label() + " split holds "
                        + split.rows + " rows of " + features.size() + " features, more values than one array"
                        + " holds; lower dataset.train.limit or use fewer features");
            }
        }
        double[][] statistics = settings.standardize() ? standardize(inputs, features.size()) : null;
        for (SplitRows split : rows) {
            if (split.rows == 0) {
                continue;
            }
            builder.setInputs(split.split, inputs[split.split.ordinal()]);
            for (int t = 0; t < tasks.size(); t++) {
                setLabels(builder, split, tasks.get(t), t);
            }
        }
        builder.optProvenance(provenance(context, files, features, tasks, rows, statistics != null));
        return builder.build();
    }

    private void checkSplitsHaveRows(SplitRows[] rows) {
        for (SplitRows split : rows) {
            if (split.rows > 0 || split.dropped > 0) {
                continue;
            }
            if (!settings.splitColumn().isEmpty()) {
                throw new DataException(settings.file(), "no row has '" + split.split.label() + "' in column '"
                        + settings.splitColumn() + "', so the " + split.split.label() + " split has no rows;"
                        + " expected rows of every split (train, validation, test)");
            }
            double fraction = switch (split.split) {
                case VALIDATION -> settings.validationFraction();
                case TEST -> settings.testFraction();
                default -> 1 - settings.validationFraction() - settings.testFraction();
            };
            if (fraction > 0) {
                throw new DataException(settings.file(), "the random split by fractions left the "
                        + split.split.label() + " split with no rows; expected more rows, or "
                        + (split.split == Split.TRAIN ? "smaller fractions"
                                : "dataset.csv." + split.split.label() + ".fraction=0 for no "
                                        + split.split.label() + " split"));
            }
        }
    }

    private List<Task> tasks(SplitRows train, Path file, int limit) {
        List<Task> tasks = new ArrayList<>();
        List<LabelColumn> labels = settings.labels();
        String rows = train.rows + " rows" + (limit > 0 && train.dropped > 0
                ? " kept by dataset.train.limit=" + limit : "");
        for (int t = 0; t < labels.size(); t++) {
            LabelColumn label = labels.get(t);
            if (train.labelled[t] == 0) {
                throw new DataException(file, "column '" + label.name() + "' (task '" + label.name()
                        + "') has no label in the training split (" + rows + "); expected at least one"
                        + " non-empty cell");
            }
            if (label.type() == TaskType.REGRESSION) {
                tasks.add(Task.regression(label.name(), 1, t));
                continue;
            }
            int classes = label.classes();
            if (classes == 0) {
                classes = (int) train.largestClass[t] + 1;
                if (classes < 2) {
                    throw new DataException(file, "column '" + label.name() + "' (task '" + label.name()
                            + "') has only class 0 in the training split (" + rows + "); expected at least"
                            + " two classes, or the count given as " + label.name() + ":classification:K");
                }
            }
            tasks.add(Task.classification(label.name(), classes, t));
        }
        return tasks;
    }

    /** A class of the validation or test split beyond the classes inferred from training. */
    private void checkClasses(SplitRows split, List<Task> tasks) {
        for (int t = 0; t < tasks.size(); t++) {
            Task task = tasks.get(t);
            if (task.type() == TaskType.CLASSIFICATION && split.largestClass[t] >= task.outputs()) {
                throw new DataException(split.largestClassFile[t], "line " + split.largestClassLine[t]
                        + ", column " + (split.largestClassColumn[t] + 1) + " ('" + task.name() + "'): class "
                        + (int) split.largestClass[t] + " of the " + split.split.label() + " split is not among"
                        + " the classes 0.." + (task.outputs() - 1) + " of the training split; expected a class"
                        + " the training split has, or the count given as " + task.name()
                        + ":classification:K");
            }
        }
    }

    private static void setLabels(ArrayDataset.Builder builder, SplitRows split, Task task, int t) {
        float[] values = split.labels[t].toArray();
        boolean[] present = new boolean[values.length];
        boolean all = true;
        for (int i = 0; i < values.length; i++) {
            present[i] = !Float.isNaN(values[i]);
            all &= present[i];
        }
        if (task.type() == TaskType.CLASSIFICATION) {
            int[] classes = new int[values.length];
            for (int i = 0; i < values.length; i++) {
                classes[i] = present[i] ? (int) values[i] : 0;
            }
            builder.setClassLabels(split.split, task.name(), classes, all ? null : present);
        } else {
            for (int i = 0; i < values.length; i++) {
                if (!present[i]) {
                    values[i] = 0f;
                }
            }
            builder.setTargets(split.split, task.name(), values, all ? null : present);
        }
    }

    /**
     * Scales every feature in place to mean 0 and standard deviation 1 on the training split (a
     * constant feature is only centred).
     *
     * @return per feature {mean, standard deviation used}
     */
    static double[][] standardize(float[][] inputs, int features) {
        float[] train = inputs[Split.TRAIN.ordinal()];
        int rows = train.length / features;
        double[] mean = new double[features];
        double[] scale = new double[features];
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < features; f++) {
                mean[f] += train[r * features + f];
            }
        }
        for (int f = 0; f < features; f++) {
            mean[f] /= rows;
        }
        for (int r = 0; r < rows; r++) {
            for (int f = 0; f < features; f++) {
                double d = train[r * features + f] - mean[f];
                scale[f] += d * d;
            }
        }
        for (int f = 0; f < features; f++) {
            double sd = Math.sqrt(scale[f] / rows);
            scale[f] = sd > 1e-12 ? sd : 1;
        }
        for (float[] values : inputs) {
            if (values == null) {
                continue;
            }
            for (int i = 0; i < values.length; i++) {
                int f = i % features;
                values[i] = (float) ((values[i] - mean[f]) / scale[f]);
            }
        }
        return new double[][] {mean, scale};
    }

    private static Map<String, Object> facts(String split, CsvTableReader.FileFacts facts) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("split", split);
        out.put("path", facts.file().toAbsolutePath().normalize().toString());
        out.put("bytes", facts.bytes());
        out.put("sha256", facts.sha256());
        out.put("rows", facts.rows());
        return out;
    }

    private Map<String, Object> provenance(DatasetContext context, List<Map<String, Object>> files,
            List<String> features, List<Task> tasks, SplitRows[] rows, boolean standardized) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("dataset", CsvDatasetFactory.NAME);
        p.put("files", files);
        p.put("split", settings.separateFiles() ? "files" : settings.splitColumn().isEmpty()
                ? "fractions (validation " + settings.validationFraction() + ", test " + settings.testFraction()
                        + ", seed " + settings.splitSeed() + ")"
                : "column " + settings.splitColumn());
        Map<String, Object> sizes = new LinkedHashMap<>();
        for (SplitRows split : rows) {
            sizes.put(split.split.label(), split.rows);
        }
        p.put("rows", sizes);
        p.put("features", features.size());
        p.put("standardized", standardized);
        Map<String, Object> taskFacts = new LinkedHashMap<>();
        for (int t = 0; t < tasks.size(); t++) {
            Task task = tasks.get(t);
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("type", task.type().name().toLowerCase(Locale.ROOT));
            if (task.type() == TaskType.CLASSIFICATION) {
                facts.put("classes", task.outputs());
            }
            facts.put("train_labelled", rows[Split.TRAIN.ordinal()].labelled[t]);
            taskFacts.put(task.name(), facts);
        }
        p.put("tasks", taskFacts);
        p.put("train.limit", context.trainLimit());
        return p;
    }
}
