package org.openmtl.plugins.data.csv;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.data.Split;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.task.TaskType;

/**
 * Registers the {@code csv} dataset ({@link CsvDataset}): a user's table of numeric features and
 * one label column per task.
 *
 * <p>Keys, under {@code dataset.csv.}, with their defaults:
 *
 * <ul>
 *   <li>{@code file} = "": one CSV file holding every split; the rows are split by {@code
 *       split.column} or, without it, at random by {@code validation.fraction} and {@code
 *       test.fraction} with {@code split.seed};
 *   <li>{@code train.file}, {@code validation.file}, {@code test.file} = "": one file per split
 *       instead ({@code train.file} required, the others optional: a split without a file is
 *       empty);
 *   <li>{@code split.column} = "": the column naming each row's split ({@code train}, {@code
 *       validation} or {@code test});
 *   <li>{@code validation.fraction} = 0.1, {@code test.fraction} = 0.1, {@code split.seed} = 1;
 *   <li>{@code labels} (required): the tasks, {@code column:classification},
 *       {@code column:classification:K} or {@code column:regression}, comma-separated;
 *   <li>{@code features} = "": the feature columns by name, {@code prefix*} or {@code first..last}
 *       (a range in header order); empty for every other column;
 *   <li>{@code ignore} = "": columns that are neither features nor labels (ids, notes);
 *   <li>{@code delimiter} = comma: {@code comma}, {@code semicolon} or {@code tab};
 *   <li>{@code standardize} = true: scale each feature to mean 0 and standard deviation 1 on the
 *       training split.
 * </ul>
 *
 * <p>The keys' values are checked here, before any file is opened; that {@code file} (or {@code
 * train.file}) and {@code labels} are set, and the files' contents, are checked by {@link
 * CsvDataset#load} before training starts (a plugin is created from its defaults too, e.g. by
 * {@code ./mtl plugins}).
 */
public final class CsvDatasetFactory implements PluginFactory<DatasetProvider> {

    /** The dataset's name. */
    public static final String NAME = "csv";

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.DATASET, NAME)
                    .setDescription(
                            "Your own data without code: numeric feature columns and one label"
                                    + " column per task (classification or regression) from CSV"
                                    + " files, missing labels masked per task")
                    .optCitation("")
                    .addKeys(
                            ConfigKey.string(
                                    "file",
                                    "",
                                    "One CSV file holding every split (a header row, then one row per"
                                            + " example), split by split.column or by the fractions."
                                            + " Relative paths are read from the working directory."),
                            ConfigKey.string(
                                    "train.file",
                                    "",
                                    "The training split's own CSV file, instead of file."),
                            ConfigKey.string(
                                    "validation.file",
                                    "",
                                    "The validation split's own file (with train.file); without it"
                                            + " the validation split is empty."),
                            ConfigKey.string(
                                    "test.file",
                                    "",
                                    "The test split's own file (with train.file); without it the"
                                            + " test split is empty."),
                            ConfigKey.string(
                                    "split.column",
                                    "",
                                    "With file: the column naming each row's split, train, validation"
                                            + " or test; empty to split at random by the fractions."),
                            ConfigKey.number(
                                    "validation.fraction",
                                    0.1,
                                    0.0,
                                    0.9,
                                    "With file and no split.column: the probability that a row goes"
                                            + " to the validation split."),
                            ConfigKey.number(
                                    "test.fraction",
                                    0.1,
                                    0.0,
                                    0.9,
                                    "With file and no split.column: the probability that a row goes"
                                            + " to the test split."),
                            ConfigKey.longInteger(
                                    "split.seed",
                                    1L,
                                    0L,
                                    "The seed of the random split by fractions; fixed, not the run's"
                                            + " seed, so every run of a study sees the same split."),
                            ConfigKey.words(
                                    "labels",
                                    "",
                                    "Required: one label column per task, in task order, each"
                                            + " column:classification (classes 0..K-1, K inferred"
                                            + " from the training split), column:classification:K"
                                            + " or column:regression. An empty cell is a missing"
                                            + " label, masked in that task's loss and metrics."),
                            ConfigKey.words(
                                    "features",
                                    "",
                                    "The feature columns: names, prefix* (every column starting"
                                            + " with prefix) or first..last (the columns from first"
                                            + " to last in header order); empty for every column"
                                            + " that is not a label, split or ignored column."),
                            ConfigKey.words(
                                    "ignore",
                                    "",
                                    "Columns that are neither features nor labels, e.g. an id."),
                            ConfigKey.choice(
                                    "delimiter",
                                    "comma",
                                    "The cell separator.",
                                    "comma",
                                    "semicolon",
                                    "tab"),
                            ConfigKey.bool(
                                    "standardize",
                                    true,
                                    "Scale each feature to mean 0 and standard deviation 1 with the"
                                            + " training split's statistics (a constant feature is"
                                            + " only centred)."))
                    .build();

    /** Creates the factory (ServiceLoader). */
    public CsvDatasetFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public DatasetProvider create(PluginConfig config) {
        return new CsvDataset(settings(config));
    }

    static CsvSettings settings(PluginConfig config) {
        String file = config.getString("file").trim();
        Map<Split, Path> files = new EnumMap<>(Split.class);
        String[][] perSplit = {
            {"train.file", "TRAIN"}, {"validation.file", "VALIDATION"}, {"test.file", "TEST"}
        };
        for (String[] key : perSplit) {
            String value = config.getString(key[0]).trim();
            if (!value.isEmpty()) {
                files.put(Split.valueOf(key[1]), Path.of(value));
            }
        }
        String splitColumn = config.getString("split.column").trim();
        if (!file.isEmpty() && !files.isEmpty()) {
            throw new PluginConfigException(config.qualifiedKey("file"),
                    "is set together with " + config.qualifiedKey(files.containsKey(Split.TRAIN) ? "train.file"
                            : files.containsKey(Split.VALIDATION) ? "validation.file" : "test.file")
                            + "; expected one file split by split.column or the fractions, or one file per split");
        }
        if (file.isEmpty() && !files.isEmpty() && !files.containsKey(Split.TRAIN)) {
            throw new PluginConfigException(config.qualifiedKey("train.file"),
                    "is not set, but validation.file or test.file is; expected the training split's file too");
        }
        if (file.isEmpty() && !splitColumn.isEmpty()) {
            throw new PluginConfigException(config.qualifiedKey("split.column"),
                    "is '" + splitColumn + "', but each split has its own file; expected it empty, or one file");
        }
        double validation = config.getDouble("validation.fraction");
        double test = config.getDouble("test.fraction");
        if (validation + test >= 1) {
            throw new PluginConfigException(config.qualifiedKey("test.fraction"),
                    "is " + test + " with validation.fraction " + validation
                            + ", leaving no row for training; expected the two to sum below 1");
        }
        List<LabelColumn> labels = labels(config);
        List<String> ignore = names(config, "ignore");
        for (LabelColumn label : labels) {
            if (ignore.contains(label.name()) || label.name().equals(splitColumn)) {
                throw new PluginConfigException(config.qualifiedKey("labels"),
                        "names column '" + label.name() + "', which is also "
                                + (ignore.contains(label.name()) ? "ignored" : "the split column")
                                + "; expected a column of its own per task");
            }
        }
        char delimiter = switch (config.getString("delimiter")) {
            case "semicolon" -> ';';
            case "tab" -> '\t';
            default -> ',';
        };
        return new CsvSettings(files, file.isEmpty() ? null : Path.of(file), splitColumn, validation, test,
                config.getLong("split.seed"), names(config, "features"), ignore, labels, delimiter,
                config.getBoolean("standardize"), config.qualifiedKey("file"), config.qualifiedKey("labels"));
    }

    private static List<String> names(PluginConfig config, String key) {
        List<String> out = new ArrayList<>();
        for (String entry : config.getStringList(key)) {
            String name = entry.trim();
            if (!name.isEmpty()) {
                out.add(name);
            }
        }
        return out;
    }

    private static List<LabelColumn> labels(PluginConfig config) {
        String key = config.qualifiedKey("labels");
        List<String> entries = names(config, "labels");
        List<LabelColumn> labels = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String entry : entries) {
            String[] parts = entry.split(":", -1);
            String expected = "; expected column:classification, column:classification:K (K ≥ 2 classes)"
                    + " or column:regression";
            if (parts.length < 2 || parts.length > 3 || parts[0].isBlank()) {
                throw new PluginConfigException(key, "has '" + entry + "'" + expected);
            }
            String name = parts[0].trim();
            String kind = parts[1].trim().toLowerCase(Locale.ROOT);
            TaskType type;
            int classes = 0;
            if (kind.equals("classification")) {
                type = TaskType.CLASSIFICATION;
                if (parts.length == 3) {
                    try {
                        classes = Integer.parseInt(parts[2].trim());
                    } catch (NumberFormatException e) {
                        classes = -1;
                    }
                    if (classes < 2) {
                        throw new PluginConfigException(key, "has '" + entry + "', whose class count is not"
                                + " a whole number of at least 2" + expected);
                    }
                }
            } else if (kind.equals("regression") && parts.length == 2) {
                type = TaskType.REGRESSION;
            } else {
                throw new PluginConfigException(key, "has '" + entry + "'" + expected);
            }
            if (!seen.add(name)) {
                throw new PluginConfigException(key, "names column '" + name + "' twice; expected one task per"
                        + " label column");
            }
            labels.add(new LabelColumn(name, type, classes));
        }
        return labels;
    }
}
