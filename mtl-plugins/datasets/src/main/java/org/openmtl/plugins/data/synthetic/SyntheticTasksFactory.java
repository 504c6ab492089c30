package org.openmtl.plugins.data.synthetic;

import java.util.Locale;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/**
 * Registers the {@code synthetic} dataset ({@link SyntheticTasks}, where the generative model is
 * described).
 *
 * <p>Keys, under {@code dataset.synthetic.}, with their defaults:
 *
 * <ul>
 *   <li>{@code tasks} = 4: the number of tasks T, named {@code t0..t<T-1>};
 *   <li>{@code groups} = 2: the number of planted groups G (1 ≤ G ≤ T, G ≤ features); task i is in
 *       group i mod G;
 *   <li>{@code kind} = regression: {@code regression} or {@code classification};
 *   <li>{@code features} = 16: the input dimension d (1..10000);
 *   <li>{@code train.examples} = 2000, {@code validation.examples} = 500, {@code test.examples} =
 *       500: the split sizes ({@code dataset.train.limit} caps the first);
 *   <li>{@code noise} = 0.1: the label noise σ relative to the unit-variance signal;
 *   <li>{@code relatedness} = 0.9: ρ in [0, 1]; the noiseless scores of two tasks of one group
 *       correlate by about ρ (at least 2ρ − 1);
 *   <li>{@code classes} = 2: classes per task (2..100), for {@code kind = classification};
 *   <li>{@code layout} = shared: {@code shared} (every example labelled for every task) or {@code
 *       per-task} (each example labelled for one task);
 *   <li>{@code missing} = 0: the fraction of training labels dropped at random, shared layout only.
 * </ul>
 */
public final class SyntheticTasksFactory implements PluginFactory<DatasetProvider> {

    private static final int MAX_EXAMPLES = 100_000_000;

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.DATASET, SyntheticTasks.NAME)
                    .setDescription(
                            "Generated tasks with planted groups: tasks of a group share most of a"
                                    + " random one-hidden-layer network, tasks of different groups"
                                    + " share nothing")
                    .optCitation("")
                    .addKeys(
                            ConfigKey.integer(
                                    "tasks", 4, 1, 10_000, "Number of tasks T, named t0..t{T-1}."),
                            ConfigKey.integer(
                                    "groups",
                                    2,
                                    1,
                                    10_000,
                                    "Number of planted task groups G (at most tasks and features);"
                                            + " task i is in group i mod G."),
                            ConfigKey.choice(
                                    "kind",
                                    "regression",
                                    "Task type of every task.",
                                    "regression",
                                    "classification"),
                            ConfigKey.integer("features", 16, 1, 10_000, "Input dimension d."),
                            ConfigKey.integer(
                                    "train.examples",
                                    2000,
                                    1,
                                    MAX_EXAMPLES,
                                    "Examples in the training split (dataset.train.limit caps"
                                            + " it)."),
                            ConfigKey.integer(
                                    "validation.examples",
                                    500,
                                    0,
                                    MAX_EXAMPLES,
                                    "Examples in the validation split."),
                            ConfigKey.integer(
                                    "test.examples",
                                    500,
                                    0,
                                    MAX_EXAMPLES,
                                    "Examples in the test split."),
                            ConfigKey.number(
                                    "noise",
                                    0.1,
                                    0.0,
                                    null,
                                    "Label noise: standard deviation of the Gaussian added to each"
                                            + " unit-variance score."),
                            ConfigKey.number(
                                    "relatedness",
                                    0.9,
                                    0.0,
                                    1.0,
                                    "How related tasks of one group are: their noiseless scores"
                                        + " correlate by about this much (at least"
                                        + " 2*relatedness-1); 1 makes them identical up to noise, 0"
                                        + " leaves only the shared features and hidden layer."),
                            ConfigKey.integer(
                                    "classes",
                                    2,
                                    2,
                                    100,
                                    "Classes per task when kind is classification (balanced on"
                                            + " calibration inputs)."),
                            ConfigKey.choice(
                                    "layout",
                                    "shared",
                                    "shared: every example labelled for every task; per-task: each"
                                            + " example labelled for exactly one task.",
                                    "shared",
                                    "per-task"),
                            ConfigKey.number(
                                    "missing",
                                    0.0,
                                    0.0,
                                    0.99,
                                    "Fraction of training labels dropped at random (masked); shared"
                                            + " layout only."))
                    .build();

    /** Creates the factory (ServiceLoader). */
    public SyntheticTasksFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public DatasetProvider create(PluginConfig config) {
        int tasks = config.getInt("tasks");
        int groups = config.getInt("groups");
        int features = config.getInt("features");
        if (groups > tasks) {
            throw new PluginConfigException(
                    config.qualifiedKey("groups"),
                    groups + " groups for " + tasks + " tasks; expected at most " + tasks);
        }
        if (groups > features) {
            throw new PluginConfigException(
                    config.qualifiedKey("groups"),
                    groups
                            + " groups for "
                            + features
                            + " features; expected at most "
                            + features
                            + " (each group reads its own features)");
        }
        SyntheticTasks.Layout layout =
                SyntheticTasks.Layout.valueOf(
                        config.getString("layout").toUpperCase(Locale.ROOT).replace('-', '_'));
        double missing = config.getDouble("missing");
        if (missing > 0 && layout == SyntheticTasks.Layout.PER_TASK) {
            throw new PluginConfigException(
                    config.qualifiedKey("missing"),
                    missing
                            + " with layout per-task; missing labels apply to the shared layout"
                            + " only, expected 0");
        }
        int train = config.getInt("train.examples");
        int validation = config.getInt("validation.examples");
        int test = config.getInt("test.examples");
        long largest = Math.max(train, Math.max(validation, test));
        if (largest * features > Integer.MAX_VALUE - 16) {
            throw new PluginConfigException(
                    config.qualifiedKey("features"),
                    features
                            + " features x "
                            + largest
                            + " examples do not fit one array; expected at most "
                            + (Integer.MAX_VALUE - 16)
                            + " values per split");
        }
        return new SyntheticTasks(
                new SyntheticTasks.Settings(
                        tasks,
                        groups,
                        SyntheticTasks.Kind.valueOf(
                                config.getString("kind").toUpperCase(Locale.ROOT)),
                        features,
                        train,
                        validation,
                        test,
                        config.getDouble("noise"),
                        config.getDouble("relatedness"),
                        config.getInt("classes"),
                        layout,
                        missing));
    }
}
