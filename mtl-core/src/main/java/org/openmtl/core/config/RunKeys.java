package org.openmtl.core.config;

import java.util.List;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.plugin.ValueType;

/**
 * The framework's own configuration keys (the plugins' keys come from their descriptors). This
 * list is the single source of the configuration reference in {@code docs/configuration.md}; a
 * test keeps the two in sync.
 */
public final class RunKeys {

    /** The dataset plugin. */
    public static final String DATASET = "dataset";
    /** The architecture plugin. */
    public static final String ARCHITECTURE = "architecture";
    /** The weighting plugin. */
    public static final String WEIGHTING = "weighting";
    /** The task selector plugin. */
    public static final String SELECTOR = "selector";
    /** The optimizer plugin. */
    public static final String OPTIMIZER = "optimizer";
    /** The master seed. */
    public static final String SEED = "seed";
    /** The number of epochs. */
    public static final String EPOCHS = "epochs";
    /** The training batch size. */
    public static final String BATCH_SIZE = "batch.size";
    /** The batch size for evaluation passes. */
    public static final String EVAL_BATCH_SIZE = "eval.batch.size";
    /** Where the run writes its results. */
    public static final String OUTPUT_DIR = "output.dir";
    /** The cap on training examples. */
    public static final String TRAIN_LIMIT = "dataset.train.limit";
    /** Where datasets' files live. */
    public static final String DATA_DIR = "data.dir";
    /** Where extra plugin jars live. */
    public static final String PLUGINS_DIR = "plugins.dir";
    /** The compute device. */
    public static final String DEVICE = "device";
    /** The number of intra-op threads. */
    public static final String THREADS = "threads";
    /** Continue from the last checkpoint. */
    public static final String RESUME = "resume";
    /** Write a checkpoint every epoch. */
    public static final String CHECKPOINT = "checkpoint";
    /** How the reported epoch is chosen. */
    public static final String SELECTION = "selection";
    /** How training-set metrics are measured. */
    public static final String TRAIN_METRICS = "train.metrics";
    /** The bound on the norm of all parameters' gradient before each optimizer step. */
    public static final String GRAD_CLIP_NORM = "grad.clip.norm";
    /** Per-epoch gradient diagnostics. */
    public static final String DIAGNOSTICS_GRADIENTS = "diagnostics.gradients";
    /** Per-epoch task affinity measures. */
    public static final String DIAGNOSTICS_AFFINITY = "diagnostics.affinity";
    /** Every how many training steps the lookahead affinity is measured. */
    public static final String DIAGNOSTICS_AFFINITY_EVERY = "diagnostics.affinity.every";
    /** Whether the lookahead affinity is divided by the learning rate. */
    public static final String DIAGNOSTICS_AFFINITY_NORMALIZATION = "diagnostics.affinity.normalization";
    /** How progress is shown. */
    public static final String PROGRESS = "progress";
    /** The tasks of the dataset a run trains (empty: all). */
    public static final String TASKS = "tasks";
    /** The single-task results a run is compared with. */
    public static final String TRANSFER_BASELINE = "transfer.baseline";
    /** Absolute targets whose steps to reach a run records. */
    public static final String TARGET_METRICS = "target.metrics";
    /** {@code ./mtl transfer}'s readout trials: which frozen encoder and target (empty for a training run). */
    public static final String TRANSFER_READOUT = "transfer.readout";
    /** The target relative to the single-task network's best. */
    public static final String TARGET_RELATIVE = "target.relative";
    /** The reference point of the sweep summary's test-metric hypervolumes (empty: from the points). */
    public static final String PARETO_REFERENCE_TEST = "pareto.reference.test";
    /** The reference point of the sweep summary's training-loss hypervolumes (empty: from the points). */
    public static final String PARETO_REFERENCE_TRAIN_LOSS = "pareto.reference.train.loss";
    /** The front a sweep configuration's trials join in the summary (empty: a front of its own). */
    public static final String PARETO_FAMILY = "pareto.family";

    /** Where a sweep runs its trials. */
    public static final String EXECUTOR = "executor";
    /** How many trials a local sweep runs at once. */
    public static final String WORKERS = "workers";
    /** Intra-op threads of each trial of a sweep. */
    public static final String THREADS_PER_TRIAL = "threads.per.trial";
    /** How many times a sweep retries a failed trial. */
    public static final String RETRIES = "retries";
    /** Which finished trials a sweep keeps: those of this build, or those of any build. */
    public static final String REUSE = "reuse";
    /** Whether a sweep runs its failed trials again. */
    public static final String RETRY_FAILED = "retry.failed";
    /** The results database of a sweep. */
    public static final String RESULTS_URL = "results.url";
    /** The Spark master of executor=spark. */
    public static final String SPARK_MASTER = "spark.master";

    /**
     * The sweep keys: where and how a sweep runs its trials. They never change what a trial
     * computes, so they are left out of trial ids.
     */
    private static final List<ConfigKey> SWEEP_KEYS = List.of(
            ConfigKey.string(EXECUTOR, "local", "./mtl sweep: where trials run: local (a pool of worker JVMs on this machine, one trial per JVM), spark (the executors of a Spark application; the optional mtl-spark module) or inline (one after another inside the sweep's JVM, for debugging)."),
            ConfigKey.integer(WORKERS, 0, 0, 4096, "./mtl sweep, executor=local: worker JVMs running trials at once (0: the number of cores divided by threads.per.trial)."),
            ConfigKey.integer(THREADS_PER_TRIAL, 1, 1, 1024, "./mtl sweep: intra-op threads of each trial (sets each trial's threads)."),
            ConfigKey.integer(RETRIES, 1, 0, 100, "./mtl sweep: how many times a failed or lost trial is tried again before it is recorded as failed."),
            ConfigKey.choice(REUSE, "fresh", "./mtl sweep: which finished trials a sweep run keeps: fresh (only those this framework build computed; trials another build computed, or whose build is unknown, run again) or stale (also those of other builds; the summary names every build).", "fresh", "stale"),
            ConfigKey.bool(RETRY_FAILED, false, "./mtl sweep: run the trials that failed in an earlier run of the sweep again, each with a fresh set of retries (false: they stay failed)."),
            ConfigKey.string(RESULTS_URL, "", "./mtl sweep: the results database: empty for SQLite at <output.dir>/results.db, or a jdbc:sqlite: or jdbc:postgresql: URL."),
            ConfigKey.string(SPARK_MASTER, "local[*]", "./mtl sweep, executor=spark: the Spark master URL (local[N], local-cluster[N,cores,MB], spark://host:port, yarn, k8s://...)."));

    private static final List<ConfigKey> KEYS =
            List.of(
                    ConfigKey.string(DATASET, "multimnist", "The dataset plugin (see ./mtl plugins)."),
                    ConfigKey.string(ARCHITECTURE, "hard-sharing", "The architecture plugin: how parameters are shared."),
                    ConfigKey.string(WEIGHTING, "equal", "The weighting plugin: how task losses or gradients become one update."),
                    ConfigKey.string(SELECTOR, "all", "The task selector plugin: which tasks and examples each step trains."),
                    ConfigKey.string(OPTIMIZER, "adam", "The optimizer plugin."),
                    ConfigKey.longInteger(SEED, 1, 0, "The master seed; every random choice of a run derives from it."),
                    ConfigKey.integer(EPOCHS, 10, 1, 100_000, "The number of training epochs."),
                    ConfigKey.integer(BATCH_SIZE, 256, 1, 1 << 20, "Training examples per step."),
                    ConfigKey.integer(EVAL_BATCH_SIZE, 1024, 1, 1 << 20, "Examples per batch when evaluating."),
                    ConfigKey.string(OUTPUT_DIR, "runs/latest", "Where the run writes result.json, checkpoints and the model."),
                    ConfigKey.words(TASKS, "", "Train and evaluate only these tasks of the dataset, e.g. t0,t2 (empty: every task); ./mtl group trains one network per subset this way."),
                    ConfigKey.integer(TRAIN_LIMIT, 0, 0, Integer.MAX_VALUE, "Use at most this many training examples (0: all)."),
                    ConfigKey.string(DATA_DIR, "data", "Where datasets' files live (./mtl data fetch writes there)."),
                    ConfigKey.string(PLUGINS_DIR, "plugins", "A directory of extra plugin jars."),
                    ConfigKey.string(DEVICE, "cpu", "The compute device: cpu, gpu, gpu:N, or auto (a GPU when the engine has one)."),
                    ConfigKey.integer(THREADS, 0, 0, 1024, "Intra-op threads of the engine (0: the engine's default)."),
                    ConfigKey.bool(RESUME, false, "Continue an interrupted run from the last checkpoint in output.dir."),
                    ConfigKey.bool(CHECKPOINT, true, "Write a checkpoint at the end of every epoch."),
                    ConfigKey.choice(SELECTION, "best-validation", "Which epoch's model is reported: the best on validation, or the last.", "best-validation", "last"),
                    ConfigKey.choice(TRAIN_METRICS, "running", "Training-set metrics per epoch: running (each task's primary metric over the epoch's training batches, no extra pass), full (an evaluation pass over the training set after each epoch) or none (loss only).", "running", "full", "none"),
                    ConfigKey.number(GRAD_CLIP_NORM, 0.0, 0.0, null, "Before each optimizer step, scale the gradient of all trained parameters (network and weighting) down to this total norm when it is larger, as torch.nn.utils.clip_grad_norm_ (0: no clipping). A weighting's own clipping (nash-mtl's max.norm on the shared parameters) comes first."),
                    ConfigKey.bool(DIAGNOSTICS_GRADIENTS, true, "After each epoch, measure the tasks' shared-parameter gradients on a fixed training batch (pairwise cosines, norms, Pareto-stationarity gap) into the history."),
                    ConfigKey.bool(DIAGNOSTICS_AFFINITY, false, "Measure three task-affinity matrices per epoch (shared-gradient cosine and difficult-example affinity of Lu et al. 2017 after the epoch; lookahead inter-task affinity of Fifty et al. 2021 during it, see diagnostics.affinity.every) into the history; result.json holds their averages under affinity."),
                    ConfigKey.integer(DIAGNOSTICS_AFFINITY_EVERY, 10, 1, Integer.MAX_VALUE, "The lookahead affinity is measured at every this-many-th training step of an epoch (the first, the (k+1)-th, ...) on that step's batch, with the optimizer's own update; TAG's code uses 10."),
                    ConfigKey.choice(DIAGNOSTICS_AFFINITY_NORMALIZATION, "learning-rate", "The lookahead affinity 1 - L_j(after)/L_j(before) divided by the step's learning rate (learning-rate, as TAG's code) or not (none).", "learning-rate", "none"),
                    ConfigKey.string(TRANSFER_BASELINE, "", "A single-task run's result.json (or its directory) to compare with: result.json then gets a transfer section (per task the relative gain, negative transfer flagged, and Δm%). Empty: no comparison."),
                    ConfigKey.words(TARGET_METRICS, "", "Steps to target: values task metrics should reach, TASK.METRIC:VALUE separated by commas (e.g. left.accuracy:0.9,right.cross_entropy:0.3); result.json's steps_to_target records per target the first epoch whose validation value reaches it and the optimizer steps up to that epoch's end. Empty: none."),
                    ConfigKey.number(TARGET_RELATIVE, 0.95, 0.0, 1.0, "Steps to target relative to the single-task network: the target of each task's primary metric is this fraction of the single-task network's best validation value (best / fraction where lower is better); used by sweeps with architecture=independent trials and by runs with transfer.baseline (0: off)."),
                    ConfigKey.numbers(PARETO_REFERENCE_TEST, "", "The reference point of the sweep summary's and report's test-metric hypervolumes: one number per task, in the order of the run's tasks, in the units of each task's primary test metric (e.g. 0.5,0.5 for two accuracies). Empty: the worst value of all configurations' points plus 10% of their range, per task (see docs/pareto.md). Read by the summary, so it does not change a trial's id."),
                    ConfigKey.string(PARETO_FAMILY, "", "The sweep summary's and report's Pareto fronts: configurations that set the same family form one front (e.g. a method's variants at several preferences), labelled with the family; empty: each configuration (its trials differing only in seed) is a front of its own. Read by the summary, so it does not change a trial's id."),
                    ConfigKey.numbers(PARETO_REFERENCE_TRAIN_LOSS, "", "The reference point of the sweep summary's and report's final-training-loss hypervolumes: one loss per task, in the order of the run's tasks. Empty: the worst loss of all configurations' points plus 10% of their range, per task. Read by the summary, so it does not change a trial's id."),
                    ConfigKey.string(TRANSFER_READOUT, "", "Set by ./mtl transfer on its readout trials, never by hand: encoder=<encoder run directory>;target=<task>;steps=..;batch=..;probe=..;hidden=.. makes the trial train a readout for the target on the encoder's frozen features instead of training a network. Empty: a training run."),
                    ConfigKey.choice(PROGRESS, "auto", "Progress display: a bar in a terminal, plain log lines otherwise.", "auto", "bar", "plain", "none"));

    /** The keys of {@code ./mtl group}, kept out of every trial's configuration. */
    private static final List<ConfigKey> GROUPING_KEYS = List.of(
            ConfigKey.number("grouping.budget", 2.0, 0.0, 1e9,
                    "./mtl group: the largest total cost of the chosen networks (each costs 1 under grouping.cost=unit)."),
            ConfigKey.bool("grouping.exhaustive", false,
                    "./mtl group: train a network for every subset of the tasks (2^T - 1 trainings) instead of only the"
                            + " singles and pairs, whose losses then estimate the larger subsets."),
            ConfigKey.choice("grouping.cost", "unit",
                    "./mtl group: the cost of a network: unit (1 each, the paper's inference budget) or parameters (its"
                            + " parameter count over the mean single-task network's; estimated subsets extrapolated"
                            + " from singles and pairs).", "unit", "parameters"),
            ConfigKey.choice("grouping.method", "standley",
                    "./mtl group: standley (train networks on task subsets and choose among them by their validation"
                            + " losses; Standley et al. 2020) or tag (one multi-task run's lookahead inter-task affinities"
                            + " choose the groups; Fifty et al. 2021).", "standley", "tag"),
            ConfigKey.string("grouping.half", "",
                    "./mtl group, standley: the overrides that make a network half size, key=value separated by ';'"
                            + " (e.g. architecture.hard-sharing.mlp.hidden=4); when set, a half-size single-task network per"
                            + " task joins the candidates at cost 0.5 under grouping.cost=unit, as in the paper. Empty: none."),
            ConfigKey.number("grouping.early.stop", 1.0, 0.0, 1.0,
                    "./mtl group, standley: the early-stopping approximation: choose with networks trained for this"
                            + " fraction of the epochs (the paper's 0.2), then train the chosen ones fully for their test"
                            + " losses; 1: the full trainings choose."));

    /**
     * The keys of {@code ./mtl adapt}: which saved model adapts to which held-out task, and how. The
     * run's own configuration comes from its result.json.
     */
    private static final List<ConfigKey> ADAPT_KEYS = List.of(
            ConfigKey.string("adapt.from", "",
                    "./mtl adapt: the finished run to start from: its output directory (with result.json and"
                            + " model.params), or a sweep's output directory together with adapt.trial. Required."),
            ConfigKey.string("adapt.trial", "",
                    "./mtl adapt: the id of a trial of the sweep adapt.from names (the directory name under"
                            + " <sweep>/trials/, also in sweep.json). Empty when adapt.from is a run directory."),
            ConfigKey.string("adapt.task", "",
                    "./mtl adapt: the held-out task: a classification task of the run's dataset that the run did not"
                            + " train (see the run's tasks key). Required."),
            new ConfigKey("adapt.k", ValueType.DOUBLE_LIST, "1,5,10,100",
                    "./mtl adapt: the labelled training examples per class of the held-out task, one adaptation per"
                            + " value; whole numbers, none larger than the smallest class of the training split.",
                    1.0, null, null),
            ConfigKey.integer("adapt.draws", 5, 1, 10_000,
                    "./mtl adapt: how many independent draws of the k examples per class (each its own seed) for"
                            + " every k and mode."),
            new ConfigKey("adapt.modes", ValueType.STRING_LIST, "frozen,fine-tune,scratch",
                    "./mtl adapt: the modes to run: frozen (the saved trunk fixed, only the new head trained on"
                            + " features computed once), fine-tune (the saved trunk and the new head trained together)"
                            + " and scratch (the same architecture freshly initialized, trained like fine-tune).",
                    null, null, List.of("frozen", "fine-tune", "scratch")),
            ConfigKey.choice("adapt.probe", "linear",
                    "./mtl adapt: the head added for the held-out task, in every mode: linear (one linear layer on"
                            + " the flattened representation) or mlp (a hidden layer of adapt.probe.hidden units with"
                            + " ReLU, then a linear layer).", "linear", "mlp"),
            ConfigKey.integer("adapt.probe.hidden", 128, 1, 1 << 16,
                    "./mtl adapt: the hidden units of adapt.probe=mlp."),
            ConfigKey.integer("adapt.steps", 200, 1, 10_000_000,
                    "./mtl adapt: optimizer steps of every adaptation, with the run's optimizer (its keys may be"
                            + " overridden in the adapt configuration); to a schedule the adaptation is one epoch of"
                            + " this many steps."),
            ConfigKey.integer("adapt.batch.size", 64, 1, 1 << 20,
                    "./mtl adapt: examples per step, at most the k x classes examples of the draw (all of them"
                            + " when fewer)."),
            ConfigKey.integer("adapt.eval.every", 10, 1, 10_000_000,
                    "./mtl adapt: the held-out task's primary metric is measured on the curve examples before"
                            + " training and after every this-many steps (and after the last); steps to target are"
                            + " counted at this resolution."),
            ConfigKey.integer("adapt.eval.examples", 1000, 0, Integer.MAX_VALUE,
                    "./mtl adapt: the validation examples (a fixed seeded subset, the same for every trial) the"
                            + " curve is measured on (0: all of them; the test split when there is no validation"
                            + " split). Final metrics use the whole test split."),
            ConfigKey.number("adapt.target", 0.9, null, null,
                    "./mtl adapt: the target of the held-out task's primary metric: steps to target is the first"
                            + " measured step at which the curve reaches it (at least it where higher is better, at"
                            + " most it otherwise); null when it never does."),
            ConfigKey.longInteger("adapt.seed", 1, 0,
                    "./mtl adapt: the seed of the draws: each (k, draw) derives from it the examples drawn, the"
                            + " initialization of the new head (and of the whole network under scratch) and the"
                            + " batch order, the same in every mode."));

    /**
     * The keys of {@code ./mtl transfer}: the groups beside the single-task sources, the readouts'
     * budget, and the affinities to compare with.
     */
    private static final List<ConfigKey> TRANSFER_KEYS = List.of(
            ConfigKey.string("transfer.groups", "",
                    "./mtl transfer: multi-task groups that get an encoder beside the single-task sources: groups"
                            + " separated by ';', the tasks of a group joined by '+', e.g. left+sum;left-parity+right-parity."
                            + " Empty: single-task sources only."),
            ConfigKey.integer("transfer.steps", 300, 1, 10_000_000,
                    "./mtl transfer: optimizer steps of every readout (the same budget for every source and target),"
                            + " with the run's optimizer; to a schedule the readout is one epoch of this many steps."),
            ConfigKey.integer("transfer.batch.size", 128, 1, 1 << 20,
                    "./mtl transfer: training examples per readout step, drawn in a seeded order from the target's"
                            + " labelled training examples (the same order for every source)."),
            ConfigKey.choice("transfer.probe", "linear",
                    "./mtl transfer: the readout on the frozen encoder's flattened representation: linear (one linear"
                            + " layer) or mlp (a hidden layer of transfer.probe.hidden units with ReLU, then a linear layer).",
                    "linear", "mlp"),
            ConfigKey.integer("transfer.probe.hidden", 128, 1, 1 << 16,
                    "./mtl transfer: the hidden units of transfer.probe=mlp."),
            ConfigKey.words("transfer.affinity", "",
                    "./mtl transfer: files with task affinities to rank-correlate with the transfer matrix, separated by"
                            + " commas: a run's result.json (or its directory) with diagnostics.affinity=true (gradient cosine,"
                            + " lookahead, difficult examples) or a ./mtl group output grouping.json (Standley pair gains; TAG"
                            + " lookahead). Empty: no comparison, noted in the outputs."));

    /** {@code ./mtl weak}: the label model that turns the votes into probabilistic labels. */
    public static final String LABEL_MODEL = "label-model";

    /** {@code ./mtl weak}: a CSV file of the user's own source outputs on the training split. */
    public static final String WEAK_VOTES = "weak.votes";

    /** {@code ./mtl weak}: the dependent pairs of sources the label model is told about. */
    public static final String WEAK_DEPENDENCIES = "weak.dependencies";

    /** {@code ./mtl weak}: the subsumptions between the tasks of a dataset that defines none. */
    public static final String WEAK_SUBSUMPTIONS = "weak.subsumptions";

    /** {@code ./mtl weak}: the seeds of a repeated run, one run each, summarized over them. */
    public static final String WEAK_SEEDS = "weak.seeds";

    /** The keys of {@code ./mtl weak}, beside the run keys of its end model. */
    private static final List<ConfigKey> WEAK_KEYS = List.of(
            ConfigKey.string(LABEL_MODEL, "metal",
                    "./mtl weak: the label model (a label-model plugin: metal, independent or majority-vote) that turns"
                            + " the sources' votes on the training split into probabilistic labels; its keys are"
                            + " label-model.<name>.<key>."),
            ConfigKey.string(WEAK_VOTES, "",
                    "./mtl weak: a CSV file of your own sources' votes, one row per training example in the split's"
                            + " order (format: docs/guide.md, section 10). Empty: the sources the dataset itself"
                            + " carries (e.g. mnist-weak)."),
            ConfigKey.string(WEAK_DEPENDENCIES, "dataset",
                    "./mtl weak: the dependent pairs of sources given to the label model: dataset (the pairs the"
                            + " dataset declares; none for a CSV file), none, or pairs of source names a:b separated by"
                            + " commas."),
            ConfigKey.string(WEAK_SUBSUMPTIONS, "",
                    "./mtl weak, with weak.votes on a dataset that defines no task graph: the subsumptions between its"
                            + " classification tasks, coarse>fine:c1,c2,... (the coarse class, 1-based, of each fine class"
                            + " in order) separated by ';', e.g. coarse>fine:1,1,2,2. Empty: no relations."),
            ConfigKey.string(WEAK_SEEDS, "",
                    "./mtl weak: whole-number seeds separated by commas, e.g. 1,2,3,4,5: one run per seed (its own draw"
                            + " of planted votes, label model fit and end model) in <output.dir>/seed-<s>/, then"
                            + " weak-summary.json and weak-summary.md in output.dir with each number's mean, standard"
                            + " deviation, minimum and maximum over the seeds. Empty: one run with the key seed."));

    private RunKeys() {}

    /**
     * The keys {@code ./mtl transfer} reads besides the run keys of its encoders.
     *
     * @return the transfer keys
     */
    public static List<ConfigKey> transferKeys() {
        return TRANSFER_KEYS;
    }

    /**
     * The keys {@code ./mtl weak} reads besides the run keys of its end model.
     *
     * @return the weak supervision keys
     */
    public static List<ConfigKey> weakKeys() {
        return WEAK_KEYS;
    }

    /**
     * The keys {@code ./mtl adapt} reads besides the run's configuration.
     *
     * @return the adaptation keys
     */
    public static List<ConfigKey> adaptKeys() {
        return ADAPT_KEYS;
    }

    /**
     * The keys {@code ./mtl group} reads besides a run's keys.
     *
     * @return the grouping keys
     */
    public static List<ConfigKey> groupingKeys() {
        return GROUPING_KEYS;
    }

    /**
     * The keys of {@code ./mtl sweep} that say where and how trials run.
     *
     * @return the sweep keys
     */
    public static List<ConfigKey> sweepKeys() {
        return SWEEP_KEYS;
    }

    /**
     * The framework's keys, in reference order.
     *
     * @return the keys
     */
    public static List<ConfigKey> keys() {
        return KEYS;
    }

    /**
     * The key that selects the plugin of a kind, e.g. {@code weighting}.
     *
     * @param kind the plugin kind
     * @return the key
     */
    public static String selectorKey(PluginKind kind) {
        return kind.configName();
    }
}
