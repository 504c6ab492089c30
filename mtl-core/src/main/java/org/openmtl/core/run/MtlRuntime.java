package org.openmtl.core.run;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.ProvisionException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.ConfigValidator;
import org.openmtl.core.config.DirectoryChecks;
import org.openmtl.core.config.MetricTarget;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.plugin.PluginRegistry;
import org.openmtl.core.result.OutputWriteException;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.result.StepsToTarget;
import org.openmtl.core.result.Transfer;
import org.openmtl.core.train.MultiTaskTrainer;
import org.openmtl.core.train.Progress;

/**
 * The framework as a library: discovers plugins once, then resolves and runs configurations.
 *
 * <pre>{@code
 * MtlRuntime mtl = MtlRuntime.discover(Path.of("plugins"));
 * RunConfig config = mtl.configure(Path.of("run.yaml"), List.of("weighting=equal", "seed=2"));
 * Map<String, Object> result = mtl.run(config, Progress.forMode("plain"));
 * }</pre>
 *
 * <p>Experiment code uses the typed API over it ({@code org.openmtl.core.api.Mtl}, {@code Run},
 * {@code RunResult}), which gets this runtime from the injector of {@link MtlModule}.
 */
public final class MtlRuntime {

    private final PluginRegistry registry;
    private final ProgressFactory progress;

    /**
     * Creates the runtime (the injector of {@link MtlModule} does, with the bound services).
     *
     * @param registry the plugins
     * @param progress makes each run's progress display
     */
    @jakarta.inject.Inject
    public MtlRuntime(PluginRegistry registry, ProgressFactory progress) {
        this.registry = registry;
        this.progress = progress;
    }

    private MtlRuntime(PluginRegistry registry) {
        this(registry, new ProgressFactory.Configured());
    }

    /**
     * Discovers the plugins on the class path and in a plugins directory.
     *
     * @param pluginsDirectory extra plugin jars; may not exist
     * @return the runtime
     * @throws ConfigException if the directory is a file or cannot be read
     */
    public static MtlRuntime discover(Path pluginsDirectory) {
        DirectoryChecks.readable(RunKeys.PLUGINS_DIR, pluginsDirectory);
        return new MtlRuntime(PluginRegistry.discover(MtlRuntime.class.getClassLoader(), pluginsDirectory));
    }

    /**
     * A runtime over a given registry.
     *
     * @param registry the plugins
     * @return the runtime
     */
    public static MtlRuntime of(PluginRegistry registry) {
        return new MtlRuntime(registry);
    }

    /**
     * The plugins directory a configuration names ({@code plugins.dir}), read before plugins are
     * discovered.
     *
     * @param source the configuration
     * @return the directory
     */
    public static Path pluginsDirectory(ConfigSource source) {
        String defaultDir = RunKeys.keys().stream().filter(k -> k.name().equals(RunKeys.PLUGINS_DIR))
                .findFirst().orElseThrow().defaultValue();
        return Path.of(source.values().getOrDefault(RunKeys.PLUGINS_DIR, defaultDir));
    }

    /**
     * The discovered plugins.
     *
     * @return the registry
     */
    public PluginRegistry registry() {
        return registry;
    }

    /**
     * The progress display of a run, from the bound {@link ProgressFactory}.
     *
     * @param config the run's configuration
     * @return a fresh display
     */
    public Progress progress(RunConfig config) {
        return progress.create(config);
    }

    /**
     * Resolves and validates a configuration.
     *
     * @param file a properties or YAML file, or null
     * @param overrides {@code key=value} overrides
     * @return the validated configuration
     * @throws ConfigException for an unknown key, a bad value or an unknown plugin
     */
    public RunConfig configure(Path file, List<String> overrides) {
        return configure(ConfigSource.load(file, overrides));
    }

    /**
     * Validates a loaded configuration.
     *
     * @param source the configuration
     * @return the validated configuration
     */
    public RunConfig configure(ConfigSource source) {
        return new ConfigValidator(registry).validate(source);
    }

    /**
     * Creates a run's plugin instances through the run's injector (one per run).
     *
     * @param config the configuration
     * @return fresh plugin instances, the dataset loaded
     */
    public MultiTaskTrainer.Plugins plugins(RunConfig config) {
        List<Module> modules = new ArrayList<>(registry.modules());
        modules.add(new RunModule(config));
        Injector injector = Guice.createInjector(modules);
        try {
            return injector.getInstance(MultiTaskTrainer.Plugins.class);
        } catch (ProvisionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }

    /**
     * Evaluates the saved model of a finished run ({@code model.params}) with the run's own
     * configuration (from its {@code result.json}).
     *
     * @param runDirectory the run's output directory
     * @return split → task → metric → value
     * @throws ConfigException if the directory holds no finished run
     */
    public Map<String, Map<String, Map<String, Double>>> evaluate(Path runDirectory) {
        Path resultFile = runDirectory.resolve("result.json");
        Path model = runDirectory.resolve("model.params");
        if (!java.nio.file.Files.isRegularFile(resultFile) || !java.nio.file.Files.isRegularFile(model)) {
            throw new ConfigException(runDirectory + " holds no finished run (expected result.json and model.params)");
        }
        Map<String, String> values = new LinkedHashMap<>();
        try {
            org.openmtl.core.result.ResultFiles.readJson(resultFile).getAsJsonObject().getAsJsonObject("config")
                    .entrySet().forEach(e -> values.put(e.getKey(), e.getValue().getAsString()));
        } catch (java.io.IOException | RuntimeException e) {
            throw new ConfigException(resultFile + " cannot be read as a run result: " + e.getMessage(), e);
        }
        values.put(RunKeys.RESUME, "false");
        RunConfig config = configure(ConfigSource.of(values));
        MultiTaskTrainer.Plugins plugins = plugins(config);
        try {
            return new MultiTaskTrainer(config, plugins, Progress.forMode("none"), Map.of()).evaluateSaved(model);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + model, e);
        }
    }

    /**
     * Trains one run and writes its results to {@code output.dir}.
     *
     * @param config the configuration
     * @param progress the progress display
     * @return the result as written to {@code result.json}
     * @throws ConfigException if a plugin rejects its configuration, or {@code output.dir} or {@code
     *     data.dir} is a file or cannot be used (checked before anything is read or written)
     */
    public Map<String, Object> run(RunConfig config, Progress progress) {
        DirectoryChecks.writable(RunKeys.OUTPUT_DIR, config.outputDirectory());
        DirectoryChecks.readable(RunKeys.DATA_DIR, config.dataDirectory());
        MultiTaskTrainer.Plugins plugins = plugins(config);
        Map<String, Object> origins = new LinkedHashMap<>();
        for (PluginKind kind : PluginKind.values()) {
            if (!kind.partOfTrainingRun()) {
                continue;
            }
            registry.find(kind, config.pluginName(kind))
                    .ifPresent(p -> origins.put(kind.configName(), p.descriptor().name() + " (" + p.origin() + ")"));
        }
        Baseline baseline = config.transferBaseline().map(p -> Baseline.read(p, plugins.dataset())).orElse(null);
        checkTargets(config, plugins.dataset());
        checkParetoReferences(config, plugins.dataset());
        Map<String, Object> result;
        try {
            result = new MultiTaskTrainer(config, plugins, progress, Map.of("plugins", origins)).train();
        } catch (PluginConfigException e) {
            throw new ConfigException(e.getMessage(), e);
        }
        if (baseline != null && "completed".equals(result.get("status"))) {
            Map<String, Object> withTransfer = new LinkedHashMap<>(result);
            withTransfer.put("transfer", Transfer.section(Transfer.compare(result, baseline.result()),
                    baseline.file().toString()));
            if (config.relativeTarget() > 0) {
                withTransfer.put("steps_to_target", withRelativeTargets(result, baseline.result(), config.relativeTarget()));
            }
            try {
                ResultFiles.writeJson(config.outputDirectory().resolve("result.json"), withTransfer);
            } catch (java.io.IOException e) {
                throw new OutputWriteException("the transfer section", config.outputDirectory().resolve("result.json"), e,
                        "result.json holds the run's result without it");
            }
            result = withTransfer;
        }
        return result;
    }

    /**
     * The run's {@code steps_to_target} section with the targets relative to a single-task result
     * added after its absolute ones.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> withRelativeTargets(Map<String, Object> result, Map<String, Object> single,
            double fraction) {
        List<Map<String, Object>> targets = new ArrayList<>();
        if (result.get("steps_to_target") instanceof Map<?, ?> section && section.get("targets") instanceof List<?> absolute) {
            targets.addAll((List<Map<String, Object>>) absolute);
        }
        targets.addAll(StepsToTarget.relative(result, single, fraction));
        return StepsToTarget.section(StepsToTarget.curve(StepsToTarget.history(result)), targets);
    }

    /**
     * Checks that every task and metric {@code target.metrics} names is one of the run's, before
     * anything is trained.
     *
     * @throws ConfigException naming the target and what the run has
     */
    private static void checkTargets(RunConfig config, org.openmtl.api.data.MultiTaskDataset dataset) {
        for (MetricTarget target : config.metricTargets()) {
            org.openmtl.api.task.Task task = dataset.tasks().stream().filter(t -> t.name().equals(target.task()))
                    .findFirst().orElseThrow(() -> new ConfigException(RunKeys.TARGET_METRICS + ": the run has no task '"
                            + target.task() + "'; its tasks are " + dataset.tasks().stream()
                                    .map(org.openmtl.api.task.Task::name).toList()));
            List<String> metrics = task.metrics().stream().map(org.openmtl.api.task.Metric::name).toList();
            if (!metrics.contains(target.metric())) {
                throw new ConfigException(RunKeys.TARGET_METRICS + ": task '" + target.task() + "' has no metric '"
                        + target.metric() + "'; its metrics are " + metrics);
            }
        }
    }

    /**
     * Checks that a configured reference point of the summary's Pareto fronts has one value per task
     * the run trains, before anything is trained (the summary checks again against the results).
     *
     * @throws ConfigException naming the key, the values given and the run's tasks
     */
    private static void checkParetoReferences(RunConfig config, org.openmtl.api.data.MultiTaskDataset dataset) {
        for (String key : List.of(RunKeys.PARETO_REFERENCE_TEST, RunKeys.PARETO_REFERENCE_TRAIN_LOSS)) {
            List<Double> reference = config.paretoReference(key);
            int tasks = dataset.tasks().size();
            if (!reference.isEmpty() && reference.size() != tasks) {
                throw new ConfigException(key + ": " + reference.size() + (reference.size() == 1 ? " value" : " values")
                        + " for a run of " + tasks + " tasks " + dataset.tasks().stream().map(org.openmtl.api.task.Task::name).toList()
                        + "; expected one number per task, in that order, or nothing for the automatic reference point");
            }
        }
    }

    /**
     * The single-task results named by {@code transfer.baseline}, read and checked before training
     * so that a wrong path fails at once rather than after the run.
     */
    private record Baseline(Path file, Map<String, Object> result) {

        @SuppressWarnings("unchecked")
        static Baseline read(Path path, org.openmtl.api.data.MultiTaskDataset dataset) {
            Path file = java.nio.file.Files.isDirectory(path) ? path.resolve("result.json") : path;
            String key = RunKeys.TRANSFER_BASELINE;
            if (!java.nio.file.Files.isRegularFile(file)) {
                throw new ConfigException(key + ": " + file + " does not exist; expected the result.json of a"
                        + " single-task run (architecture=independent) or its output directory");
            }
            Map<String, Object> result;
            try {
                result = new com.google.gson.Gson().fromJson(ResultFiles.readJson(file), Map.class);
            } catch (java.io.IOException | RuntimeException e) {
                throw new ConfigException(key + ": cannot read " + file + " as a result.json: " + e.getMessage(), e);
            }
            if (result == null || !"completed".equals(result.get("status"))) {
                throw new ConfigException(key + ": " + file + " is not the result of a completed run (status "
                        + (result == null ? "missing" : result.get("status")) + ")");
            }
            Map<String, Map<String, Double>> metrics = Transfer.testMetrics(result);
            for (org.openmtl.api.task.Task task : dataset.tasks()) {
                Map<String, Double> m = metrics.get(task.name());
                if (m == null || !m.containsKey(task.primaryMetric().name())) {
                    throw new ConfigException(key + ": " + file + " has no test " + task.primaryMetric().name()
                            + " for task '" + task.name() + "'; its tasks are " + metrics.keySet());
                }
            }
            return new Baseline(file, result);
        }
    }
}
