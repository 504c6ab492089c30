package org.openmtl.core.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginKind;

/**
 * A validated, fully resolved run configuration: every framework key with its value (the user's
 * or the default), the chosen plugin of each kind with its validated configuration, and every key
 * the user set. Immutable; built by {@link ConfigValidator}.
 */
public final class RunConfig {

    private final Map<String, Object> core;
    private final Map<PluginKind, String> pluginNames;
    private final Map<PluginKind, PluginConfig> pluginConfigs;
    private final Map<String, String> resolved;

    RunConfig(
            Map<String, Object> core,
            Map<PluginKind, String> pluginNames,
            Map<PluginKind, PluginConfig> pluginConfigs,
            Map<String, String> resolved) {
        this.core = Collections.unmodifiableMap(new LinkedHashMap<>(core));
        this.pluginNames = Collections.unmodifiableMap(new LinkedHashMap<>(pluginNames));
        this.pluginConfigs = Collections.unmodifiableMap(new LinkedHashMap<>(pluginConfigs));
        this.resolved = Collections.unmodifiableMap(new TreeMap<>(resolved));
    }

    /**
     * The chosen plugin of a kind.
     *
     * @param kind the kind
     * @return its name
     */
    public String pluginName(PluginKind kind) {
        return pluginNames.get(kind);
    }

    /**
     * The validated configuration of the chosen plugin of a kind.
     *
     * @param kind the kind
     * @return its configuration
     */
    public PluginConfig pluginConfig(PluginKind kind) {
        return pluginConfigs.get(kind);
    }

    /**
     * The master seed.
     *
     * @return the seed
     */
    public long seed() {
        return (Long) core.get(RunKeys.SEED);
    }

    /**
     * The number of epochs.
     *
     * @return the epochs
     */
    public int epochs() {
        return (Integer) core.get(RunKeys.EPOCHS);
    }

    /**
     * The training batch size.
     *
     * @return the batch size
     */
    public int batchSize() {
        return (Integer) core.get(RunKeys.BATCH_SIZE);
    }

    /**
     * The evaluation batch size.
     *
     * @return the batch size
     */
    public int evalBatchSize() {
        return (Integer) core.get(RunKeys.EVAL_BATCH_SIZE);
    }

    /**
     * The output directory.
     *
     * @return the path
     */
    public Path outputDirectory() {
        return Path.of((String) core.get(RunKeys.OUTPUT_DIR));
    }

    /**
     * The data directory.
     *
     * @return the path
     */
    public Path dataDirectory() {
        return Path.of((String) core.get(RunKeys.DATA_DIR));
    }

    /**
     * The cap on training examples (0: none).
     *
     * @return the limit
     */
    public int trainLimit() {
        return (Integer) core.get(RunKeys.TRAIN_LIMIT);
    }

    /**
     * The device key's value.
     *
     * @return e.g. {@code cpu}
     */
    public String device() {
        return (String) core.get(RunKeys.DEVICE);
    }

    /**
     * Intra-op threads (0: engine default).
     *
     * @return the thread count
     */
    public int threads() {
        return (Integer) core.get(RunKeys.THREADS);
    }

    /**
     * Whether to resume from a checkpoint.
     *
     * @return true to resume
     */
    public boolean resume() {
        return (Boolean) core.get(RunKeys.RESUME);
    }

    /**
     * Whether to write a checkpoint every epoch.
     *
     * @return true to checkpoint
     */
    public boolean checkpoint() {
        return (Boolean) core.get(RunKeys.CHECKPOINT);
    }

    /**
     * How the reported epoch is chosen.
     *
     * @return {@code best-validation} or {@code last}
     */
    public String selection() {
        return (String) core.get(RunKeys.SELECTION);
    }

    /**
     * How training-set metrics are measured.
     *
     * @return {@code running}, {@code full} or {@code none}
     */
    public String trainMetrics() {
        return (String) core.get(RunKeys.TRAIN_METRICS);
    }

    /**
     * The bound on the total gradient norm before each optimizer step.
     *
     * @return the bound, or 0 for no clipping
     */
    public double gradClipNorm() {
        return ((Number) core.get(RunKeys.GRAD_CLIP_NORM)).doubleValue();
    }

    /**
     * Whether per-epoch gradient diagnostics are measured.
     *
     * @return true to measure
     */
    public boolean gradientDiagnostics() {
        return (Boolean) core.get(RunKeys.DIAGNOSTICS_GRADIENTS);
    }

    /**
     * The tasks to train.
     *
     * @return the task names, or empty for every task of the dataset
     */
    @SuppressWarnings("unchecked")
    public java.util.List<String> tasks() {
        return (java.util.List<String>) core.get(RunKeys.TASKS);
    }

    /**
     * The single-task results to compare with.
     *
     * @return the {@code result.json} file or run directory, or empty when none is set
     */
    public java.util.Optional<Path> transferBaseline() {
        String value = ((String) core.get(RunKeys.TRANSFER_BASELINE)).strip();
        return value.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(Path.of(value));
    }

    /**
     * The absolute targets whose steps to reach the run records.
     *
     * @return the targets of {@code target.metrics}, in order; empty when none is set
     */
    @SuppressWarnings("unchecked")
    public java.util.List<MetricTarget> metricTargets() {
        return (java.util.List<MetricTarget>) core.get(RunKeys.TARGET_METRICS);
    }

    /**
     * The target relative to the single-task network's best value.
     *
     * @return the fraction in [0, 1], 0 when off
     */
    public double relativeTarget() {
        return ((Number) core.get(RunKeys.TARGET_RELATIVE)).doubleValue();
    }

    /**
     * A configured reference point of the sweep summary's Pareto fronts.
     *
     * @param key {@link RunKeys#PARETO_REFERENCE_TEST} or {@link RunKeys#PARETO_REFERENCE_TRAIN_LOSS}
     * @return one finite value per task, in the order of the run's tasks; empty when the key is not set
     */
    @SuppressWarnings("unchecked")
    public List<Double> paretoReference(String key) {
        if (!key.equals(RunKeys.PARETO_REFERENCE_TEST) && !key.equals(RunKeys.PARETO_REFERENCE_TRAIN_LOSS)) {
            throw new IllegalArgumentException(key + " is not a reference point key");
        }
        return List.copyOf((List<Double>) core.get(key));
    }

    /**
     * Whether per-epoch task affinities are measured.
     *
     * @return true to measure
     */
    public boolean affinityDiagnostics() {
        return (Boolean) core.get(RunKeys.DIAGNOSTICS_AFFINITY);
    }

    /**
     * Every how many steps of an epoch the lookahead affinity is measured.
     *
     * @return k, at least 1
     */
    public int affinityEvery() {
        return (Integer) core.get(RunKeys.DIAGNOSTICS_AFFINITY_EVERY);
    }

    /**
     * Whether the lookahead affinity is divided by the learning rate.
     *
     * @return true for {@code learning-rate}
     */
    public boolean affinityPerLearningRate() {
        return core.get(RunKeys.DIAGNOSTICS_AFFINITY_NORMALIZATION).equals("learning-rate");
    }

    /**
     * How progress is shown.
     *
     * @return {@code auto}, {@code bar}, {@code plain} or {@code none}
     */
    public String progress() {
        return (String) core.get(RunKeys.PROGRESS);
    }

    /**
     * Every resolved key: the framework's keys, the chosen plugins' keys (with defaults) and any
     * other key the user set, as strings, sorted.
     *
     * @return the resolved configuration, as recorded in {@code result.json}
     */
    public Map<String, String> resolved() {
        return resolved;
    }

    /**
     * The resolved configuration without the keys that do not change what a run computes
     * (output and data locations, resume, progress, the targets measured on the history), for comparing a checkpoint with a run.
     *
     * @return the identity-relevant keys
     */
    public Map<String, String> identity() {
        Map<String, String> id = new TreeMap<>(resolved);
        for (String k : new String[] {RunKeys.OUTPUT_DIR, RunKeys.DATA_DIR, RunKeys.PLUGINS_DIR, RunKeys.RESUME,
                RunKeys.PROGRESS, RunKeys.TRANSFER_BASELINE, RunKeys.TARGET_METRICS, RunKeys.TARGET_RELATIVE, RunKeys.PARETO_REFERENCE_TEST,
                RunKeys.PARETO_REFERENCE_TRAIN_LOSS, RunKeys.PARETO_FAMILY, RunKeys.CHECKPOINT, RunKeys.EPOCHS, RunKeys.THREADS, RunKeys.EVAL_BATCH_SIZE}) {
            id.remove(k);
        }
        return id;
    }
}
