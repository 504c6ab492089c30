package org.openmtl.core.sweep;

import com.google.gson.Gson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.DirectoryChecks;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.io.DurableFiles;
import org.openmtl.core.report.HtmlReport;
import org.openmtl.core.report.ReportWriter;
import org.openmtl.core.result.OutputWriteException;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.results.ResultsDatabase;
import org.openmtl.core.results.ResultsStores;
import org.openmtl.core.results.TrialRecord;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.train.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a sweep: expands its grid, validates every trial before the first one starts (a bad axis
 * value fails the whole sweep at once, with nothing written), hands the trials to an executor
 * (worker JVMs on this machine by default, or Spark) through a {@link SweepCoordinator} that
 * records everything in the results database, and at the end writes {@code summary.md}, {@code
 * summary.json} and {@code report.html}, which aggregate the trials over seeds. A trial this
 * framework build completed earlier is kept; one another build completed runs again (unless {@code
 * reuse=stale}); an interrupted one continues from its checkpoint.
 */
public final class SweepRunner {

    private static final Logger LOG = LoggerFactory.getLogger(SweepRunner.class);

    /**
     * Keys that say where or how a trial runs, not what it computes: left out of trial ids. The
     * targets are among them: the summary measures them on each trial's history, so a changed
     * target needs no training again.
     */
    private static final List<String> LOCAL_KEYS = List.of(RunKeys.OUTPUT_DIR, RunKeys.DATA_DIR, RunKeys.PLUGINS_DIR,
            RunKeys.RESUME, RunKeys.PROGRESS, RunKeys.THREADS, RunKeys.CHECKPOINT, RunKeys.EVAL_BATCH_SIZE,
            RunKeys.TARGET_METRICS, RunKeys.TARGET_RELATIVE, RunKeys.PARETO_REFERENCE_TEST, RunKeys.PARETO_REFERENCE_TRAIN_LOSS, RunKeys.PARETO_FAMILY);

    private final MtlRuntime mtl;
    private final TrialExecutors executors;
    private final ResultsStores stores;
    private final ReportWriter reportWriter;

    /** The trials per status in the results database after the last {@link #runTrials} (null before). */
    private Map<String, Integer> lastCounts;

    /** The results database of the last {@link #runTrials}, as shown to people (no password). */
    private String lastDatabase;

    /** What the last {@link #runTrials} did with the trials earlier runs had finished (null before). */
    private SweepCoordinator.Reuse lastReuse;

    /**
     * What the last {@link #runTrials} did with the trials earlier runs had finished: the stale
     * ones (computed by another build) it ran again or kept, the failed ones it ran again or kept.
     *
     * @return the decision, or null before a run
     */
    SweepCoordinator.Reuse lastReuse() {
        return lastReuse;
    }

    /**
     * Where the last {@link #runTrials} recorded its trials, without any password.
     *
     * @return the database's file or URL, or null before a run
     */
    public String resultsDatabase() {
        return lastDatabase;
    }

    /**
     * Creates a runner.
     *
     * @param mtl the runtime with the discovered plugins
     */
    public SweepRunner(MtlRuntime mtl) {
        this(mtl, new TrialExecutors.Named(), new ResultsStores.Configured(), new ReportWriter.Html());
    }

    /**
     * Creates a runner with its collaborators (the injector of {@link org.openmtl.core.run.MtlModule}
     * does, with the bound services).
     *
     * @param mtl the runtime with the discovered plugins
     * @param executors makes the executor of the trials
     * @param stores opens the results database
     * @param reportWriter writes {@code report.html}
     */
    @jakarta.inject.Inject
    public SweepRunner(MtlRuntime mtl, TrialExecutors executors, ResultsStores stores, ReportWriter reportWriter) {
        this.mtl = mtl;
        this.executors = executors;
        this.stores = stores;
        this.reportWriter = reportWriter;
    }

    /** A validated trial: its id, axis values and configuration. */
    public record ResolvedTrial(String id, Map<String, String> point, RunConfig config) {}

    /**
     * Validates every trial of a sweep.
     *
     * @param source the sweep configuration
     * @param outputDirectory the sweep's directory
     * @return the trials, in plan order
     */
    public List<ResolvedTrial> resolve(ConfigSource source, Path outputDirectory) {
        SweepPlan plan = SweepPlan.of(source);
        List<ResolvedTrial> trials = new ArrayList<>();
        for (SweepPlan.Trial t : plan.trials()) {
            Map<String, String> values = new LinkedHashMap<>(t.values());
            RunKeys.sweepKeys().forEach(k -> values.remove(k.name()));
            RunConfig probe = mtl.configure(ConfigSource.of(values));
            String id = SweepPlan.id(trialIdentity(probe));
            values.put(RunKeys.OUTPUT_DIR, outputDirectory.resolve("trials").resolve(id).toString());
            trials.add(new ResolvedTrial(id, t.point(), mtl.configure(ConfigSource.of(values))));
        }
        return trials;
    }

    /**
     * Runs a sweep.
     *
     * @param source the sweep configuration
     * @param outputDirectory the sweep's directory
     * @param progressMode the progress display of each trial
     * @return the summary, as written to {@code summary.json}
     */
    public Map<String, Object> run(ConfigSource source, Path outputDirectory, String progressMode) {
        return summarize(outputDirectory, runTrials(source, outputDirectory, progressMode));
    }

    /**
     * Runs a sweep's trials with the executor and results database its sweep keys name, keeping
     * those that completed earlier, without summarizing.
     *
     * @param source the sweep configuration
     * @param outputDirectory the sweep's directory
     * @param progressMode the progress display
     * @return every finished trial (completed or failed) with its result, in plan order
     */
    public List<Map.Entry<ResolvedTrial, Map<String, Object>>> runTrials(
            ConfigSource source, Path outputDirectory, String progressMode) {
        return runTrials(source, outputDirectory, progressMode, SweepSettings.of(source));
    }

    /**
     * Runs a sweep's trials with the given settings (see {@link #runTrials(ConfigSource, Path, String)}).
     *
     * @param source the sweep configuration
     * @param outputDirectory the sweep's directory
     * @param progressMode the progress display
     * @param settings where and how the trials run
     * @return every finished trial (completed or failed) with its result, in plan order
     */
    public List<Map.Entry<ResolvedTrial, Map<String, Object>>> runTrials(
            ConfigSource source, Path outputDirectory, String progressMode, SweepSettings settings) {
        List<ResolvedTrial> trials = resolve(source, outputDirectory);
        if (!List.of("local", "inline").contains(settings.executor()) && findExecutor(settings.executor()).isEmpty()) {
            executors.create(settings, progressMode); // throws the message naming the available executors, before anything is written
        }
        DirectoryChecks.writable(RunKeys.OUTPUT_DIR, outputDirectory);
        trials.stream().map(t -> t.config().dataDirectory()).distinct()
                .forEach(data -> DirectoryChecks.readable(RunKeys.DATA_DIR, data));
        try {
            Files.createDirectories(outputDirectory);
        } catch (IOException e) {
            throw new OutputWriteException("the sweep directory", outputDirectory, e, "");
        }
        try (ResultsDatabase db = stores.open(settings.resultsUrl(), outputDirectory);
             TrialExecutor executor = executors.create(settings, progressMode)) {
            writePlan(outputDirectory, trials);
            SweepCoordinator coordinator = new SweepCoordinator(db, executor, settings, outputDirectory, progressMode);
            try {
                coordinator.run(trials);
            } finally {
                lastReuse = coordinator.reuse();
            }
            lastCounts = db.counts(coordinator.sweepId());
            lastDatabase = db.url();
            return finished(db, coordinator.sweepId(), trials);
        }
    }

    /**
     * Makes the executor a sweep's settings name: {@code local}, {@code inline}, or one found with
     * {@link ServiceLoader} ({@code spark} from the mtl-spark module).
     *
     * @param settings the sweep's settings
     * @param progressMode the progress display (inline trials show theirs)
     * @return the executor
     * @throws ConfigException if no executor has that name
     */
    public static TrialExecutor executor(SweepSettings settings, String progressMode) {
        return executor(settings, progressMode, null);
    }

    /**
     * Makes the executor a sweep's settings name, whose trials in this JVM ({@code inline}) run on
     * a given runtime.
     *
     * @param settings the sweep's settings
     * @param progressMode the progress display (inline trials show theirs)
     * @param runtime the runtime of inline trials, or null to discover each trial's plugins
     * @return the executor
     * @throws ConfigException if no executor has that name
     */
    public static TrialExecutor executor(SweepSettings settings, String progressMode, MtlRuntime runtime) {
        switch (settings.executor()) {
            case "local":
                return new LocalExecutor(settings.localWorkers());
            case "inline":
                return new InlineExecutor(Progress.forMode(progressMode.equals("none") ? "none" : "plain"), runtime);
            default:
                return findExecutor(settings.executor())
                        .orElseThrow(() -> new ConfigException(RunKeys.EXECUTOR + ": no executor named '" + settings.executor()
                                + "'; available: local, inline" + (settings.executor().equals("spark")
                                        ? " (spark needs the mtl-spark module on the class path: build it with"
                                                + " 'mvn -pl mtl-spark -am package -DskipTests'; ./mtl adds it then)" : "")))
                        .create(settings.raw());
        }
    }

    /**
     * An executor factory from the class path.
     *
     * @param name the executor's name
     * @return the factory, if one has that name
     */
    public static Optional<TrialExecutorFactory> findExecutor(String name) {
        for (TrialExecutorFactory f : ServiceLoader.load(TrialExecutorFactory.class)) {
            if (f.name().equals(name)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The finished trials of the plan with their results, from the database. */
    private static List<Map.Entry<ResolvedTrial, Map<String, Object>>> finished(ResultsDatabase db, String sweepId,
            List<ResolvedTrial> trials) {
        Map<String, TrialRecord> records = new LinkedHashMap<>();
        for (TrialRecord r : db.trials(sweepId)) {
            records.put(r.id(), r);
        }
        List<Map.Entry<ResolvedTrial, Map<String, Object>>> results = new ArrayList<>();
        for (ResolvedTrial trial : trials) {
            TrialRecord record = records.get(trial.id());
            if (record == null) {
                continue;
            }
            if ("completed".equals(record.status())) {
                db.result(trial.id()).ifPresent(r -> results.add(Map.entry(trial, r)));
            } else if ("failed".equals(record.status())) {
                Map<String, Object> failed = new LinkedHashMap<>(db.result(trial.id()).orElse(Map.of()));
                failed.put("status", "failed");
                failed.put("reason", record.reason());
                results.add(Map.entry(trial, failed));
            }
        }
        return results;
    }

    /**
     * Writes {@code summary.json}, {@code summary.md} and {@code report.html} for a sweep's trials.
     *
     * @param outputDirectory the sweep's directory
     * @param results every trial with its result
     * @return the summary
     */
    public Map<String, Object> summarize(Path outputDirectory, List<Map.Entry<ResolvedTrial, Map<String, Object>>> results) {
        Map<String, Object> summary = SweepSummary.summarize(results);
        try {
            ResultFiles.writeJson(outputDirectory.resolve("summary.json"), summary);
            DurableFiles.writeString(outputDirectory.resolve("summary.md"), SweepSummary.markdown(summary));
            List<HtmlReport.Entry> entries = new ArrayList<>();
            for (Map.Entry<ResolvedTrial, Map<String, Object>> r : results) {
                Map<String, String> method = new java.util.LinkedHashMap<>(r.getKey().point());
                method.remove(RunKeys.SEED);
                entries.add(new HtmlReport.Entry(label(r.getKey().point()), label(method), r.getValue()));
            }
            String builds = SweepSummary.buildsLine(summary);
            String cpus = SweepSummary.cpusLine(summary);
            reportWriter.write(outputDirectory.resolve("report.html"), "OpenMTL sweep: " + outputDirectory.getFileName(),
                    countsLine(results.size()) + (builds.isEmpty() ? "" : "; " + builds) + (cpus.isEmpty() ? "" : "; " + cpus),
                    entries, summary);
        } catch (IOException e) {
            throw new OutputWriteException("the sweep summary (summary.json, summary.md, report.html)", outputDirectory, e,
                    "every trial's result is in the results database and its result.json: ./mtl report "
                            + outputDirectory + " writes the summary again");
        }
        return summary;
    }

    /** The report's subtitle: the trials by status as the results database has them, where known. */
    private String countsLine(int finished) {
        if (lastCounts == null) {
            return finished + " trials; summary in summary.md";
        }
        int total = lastCounts.values().stream().mapToInt(Integer::intValue).sum();
        List<String> parts = new ArrayList<>();
        lastCounts.forEach((status, n) -> {
            if (n > 0) {
                parts.add(n + " " + status);
            }
        });
        return total + " trials in the results database: " + String.join(", ", parts) + "; summary in summary.md";
    }

    static String label(Map<String, String> point) {
        List<String> parts = new ArrayList<>();
        point.forEach((k, v) -> parts.add(k + "=" + v));
        return parts.isEmpty() ? "run" : String.join(" ", parts);
    }

    /**
     * What identifies a trial: its resolved configuration without the keys that do not change what
     * it computes ({@link #LOCAL_KEYS}), the keys of plugins the trial does not use, and the keys
     * at their declared defaults, so a trial
     * keeps its id when a key is written out at its default value or when a later version of the
     * framework or a plugin adds a key. (A change of a default value therefore does not change the
     * id; the result's provenance records the versions.)
     */
    private Map<String, String> trialIdentity(RunConfig config) {
        Map<String, String> id = new TreeMap<>(config.resolved());
        LOCAL_KEYS.forEach(id::remove);
        for (ConfigKey key : RunKeys.keys()) {
            if (key.defaultValue().trim().equals(id.get(key.name()))) {
                id.remove(key.name());
            }
        }
        java.util.Set<String> coreKeys = new java.util.HashSet<>();
        RunKeys.keys().forEach(k -> coreKeys.add(k.name()));
        for (PluginKind kind : PluginKind.values()) {
            if (!kind.partOfTrainingRun()) {
                continue;
            }
            // keys of the plugins of this kind that the trial does not use change nothing
            String selectedPrefix = kind.configName() + "." + config.pluginName(kind) + ".";
            id.keySet().removeIf(k -> k.startsWith(kind.configName() + ".") && !k.startsWith(selectedPrefix)
                    && !coreKeys.contains(k));
            mtl.registry().find(kind, config.pluginName(kind)).ifPresent(plugin -> {
                for (ConfigKey key : plugin.descriptor().keys()) {
                    String full = plugin.descriptor().keyPrefix() + key.name();
                    if (key.defaultValue().trim().equals(id.get(full))) {
                        id.remove(full);
                    }
                }
            });
        }
        return id;
    }

    private static void writePlan(Path outputDirectory, List<ResolvedTrial> trials) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (ResolvedTrial t : trials) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", t.id());
            m.put("point", t.point());
            list.add(m);
        }
        try {
            ResultFiles.writeJson(outputDirectory.resolve("sweep.json"), Map.of("trials", list));
        } catch (IOException e) {
            throw new OutputWriteException("the sweep plan (sweep.json)", outputDirectory, e, "no trial has started");
        }
    }

    /**
     * Summarizes a finished (or partly finished) sweep again from its directory: the plan in
     * {@code sweep.json}, each trial's {@code result.json} and the configuration recorded in it.
     * Rewrites {@code summary.json}, {@code summary.md} and {@code report.html}, e.g. after the
     * summary gained a column.
     *
     * @param outputDirectory the sweep's directory
     * @return the summary
     * @throws ConfigException if the directory holds no sweep plan or no finished trial
     */
    @SuppressWarnings("unchecked")
    public Map<String, Object> resummarize(Path outputDirectory) {
        DirectoryChecks.writable("the sweep directory", outputDirectory);
        Map<String, Object> plan = read(outputDirectory.resolve("sweep.json"));
        if (plan == null || !(plan.get("trials") instanceof List<?> planned)) {
            throw new ConfigException(outputDirectory + " holds no sweep plan (sweep.json); run ./mtl sweep first");
        }
        List<Map.Entry<ResolvedTrial, Map<String, Object>>> results = new ArrayList<>();
        for (Object o : planned) {
            Map<String, Object> trial = (Map<String, Object>) o;
            String id = (String) trial.get("id");
            Map<String, Object> result = read(outputDirectory.resolve("trials").resolve(id).resolve("result.json"));
            if (result == null || !(result.get("config") instanceof Map<?, ?> recorded)) {
                LOG.warn("trial {} has no result yet; left out of the summary", id);
                continue;
            }
            Map<String, String> values = new LinkedHashMap<>();
            ((Map<String, Object>) recorded).forEach((k, v) -> values.put(k, String.valueOf(v)));
            Map<String, String> point = new LinkedHashMap<>();
            ((Map<String, Object>) trial.get("point")).forEach((k, v) -> point.put(k, String.valueOf(v)));
            results.add(Map.entry(new ResolvedTrial(id, point, mtl.configure(ConfigSource.of(values))), result));
        }
        if (results.isEmpty()) {
            throw new ConfigException(outputDirectory + " has no finished trial to summarize");
        }
        if (Files.isRegularFile(outputDirectory.resolve("results.db"))) {
            java.util.Set<String> ids = new java.util.HashSet<>();
            planned.forEach(o -> ids.add((String) ((Map<String, Object>) o).get("id")));
            try (ResultsDatabase db = ResultsDatabase.open("", outputDirectory)) {
                Map<String, Integer> counts = new LinkedHashMap<>();
                db.counts(null).keySet().forEach(status -> counts.put(status, 0));
                db.trials(null).stream().filter(r -> ids.contains(r.id())).forEach(r -> counts.merge(r.status(), 1, Integer::sum));
                lastCounts = counts;
            }
        }
        return summarize(outputDirectory, results);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return new Gson().fromJson(ResultFiles.readJson(file), Map.class);
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} is unreadable; the trial runs again", file);
            return null;
        }
    }
}
