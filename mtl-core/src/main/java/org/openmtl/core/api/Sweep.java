package org.openmtl.core.api;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.sweep.SweepPlan;
import org.openmtl.core.sweep.SweepRunner;
import org.openmtl.core.sweep.SweepSettings;

/**
 * A grid of runs, configured and validated: {@link #run()} runs its trials on the configured
 * executor (worker JVMs by default; {@code inline} runs them in this JVM) and returns a {@link
 * SweepResult}, as {@code ./mtl sweep} does.
 *
 * <pre>{@code
 * SweepResult sweep = mtl.sweep()
 *         .key("dataset", "multimnist")
 *         .axis("weighting", "equal", "nash-mtl")
 *         .seeds(1, 2, 3)
 *         .key("epochs", 10)
 *         .outputDir(Path.of("runs/study"))
 *         .build()
 *         .run();
 * }</pre>
 *
 * <p>{@link Builder#build()} validates the sweep keys and every trial of the grid before anything
 * runs, with the messages of the command line ({@link ConfigException}, exit code 2 there).
 */
public final class Sweep {

    private final Mtl mtl;
    private final ConfigSource source;
    private final SweepSettings settings;
    private final Path outputDirectory;

    private Sweep(Mtl mtl, ConfigSource source, SweepSettings settings, Path outputDirectory) {
        this.mtl = mtl;
        this.source = source;
        this.settings = settings;
        this.outputDirectory = outputDirectory;
    }

    /**
     * A builder on the framework with the plugins of the class path and the plugins directory.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder(null);
    }

    /**
     * A builder on a given framework.
     *
     * @param mtl the framework
     * @return the builder
     */
    public static Builder builder(Mtl mtl) {
        return new Builder(Objects.requireNonNull(mtl, "mtl"));
    }

    /**
     * A sweep from configuration values already loaded, validated.
     *
     * @param mtl the framework
     * @param source the values, with the {@code sweep.<key>} axes
     * @return the sweep
     * @throws ConfigException for a bad sweep key or a trial with a bad value
     */
    public static Sweep of(Mtl mtl, ConfigSource source) {
        SweepSettings settings = SweepSettings.of(source);
        Path output = Path.of(source.values().getOrDefault(RunKeys.OUTPUT_DIR, "runs/sweep"));
        mtl.sweepRunner().resolve(source, output);
        return new Sweep(mtl, source, settings, output);
    }

    /**
     * The sweep's directory.
     *
     * @return the directory
     */
    public Path outputDirectory() {
        return outputDirectory;
    }

    /**
     * Runs the trials not finished earlier and writes the summary and report.
     *
     * @return the trials and the summary
     */
    public SweepResult run() {
        SweepRunner runner = mtl.sweepRunner();
        String progress = source.values().getOrDefault(RunKeys.PROGRESS, "auto");
        List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> finished =
                runner.runTrials(source, outputDirectory, progress, settings);
        Map<String, Object> summary = runner.summarize(outputDirectory, finished);
        return result(outputDirectory, finished, summary, runner.resultsDatabase());
    }

    /** The typed form of a sweep's finished trials and summary. */
    static SweepResult result(Path directory, List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> finished,
            Map<String, Object> summary, String resultsDatabase) {
        List<SweepResult.Trial> trials = new ArrayList<>();
        for (Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>> t : finished) {
            trials.add(new SweepResult.Trial(t.getKey().id(), t.getKey().point(), RunResult.fromMap(t.getValue())));
        }
        JsonObject json = JsonParser.parseString(ResultFiles.toJson(summary)).getAsJsonObject();
        List<SweepResult.SummaryRow> rows = new ArrayList<>();
        if (json.get("groups") != null && json.get("groups").isJsonArray()) {
            for (JsonElement g : json.getAsJsonArray("groups")) {
                rows.add(row(g.getAsJsonObject()));
            }
        }
        return new SweepResult(directory, trials, rows, json, resultsDatabase);
    }

    private static SweepResult.SummaryRow row(JsonObject group) {
        Map<String, String> point = new LinkedHashMap<>();
        if (group.get("point") != null && group.get("point").isJsonObject()) {
            group.getAsJsonObject("point").entrySet().forEach(e -> point.put(e.getKey(), e.getValue().getAsString()));
        }
        Map<String, Map<String, SweepResult.MetricStats>> tasks = new LinkedHashMap<>();
        if (group.get("tasks") != null && group.get("tasks").isJsonObject()) {
            group.getAsJsonObject("tasks").entrySet().forEach(task -> {
                Map<String, SweepResult.MetricStats> metrics = new LinkedHashMap<>();
                task.getValue().getAsJsonObject().entrySet().forEach(m -> {
                    JsonObject s = m.getValue().getAsJsonObject();
                    metrics.put(m.getKey(), new SweepResult.MetricStats(number(s, "mean"), number(s, "std"), (int) number(s, "n")));
                });
                tasks.put(task.getKey(), metrics);
            });
        }
        return new SweepResult.SummaryRow(point, (int) number(group, "trials"), (int) number(group, "failed"), tasks);
    }

    private static double number(JsonObject o, String key) {
        return Json.isNumber(o.get(key)) ? o.get(key).getAsDouble() : Double.NaN;
    }

    /** Builds a {@link Sweep}: the run's keys, plus the axes of the grid. */
    public static final class Builder {

        private final Mtl mtl;
        private Path file;
        private final Map<String, String> values = new LinkedHashMap<>();

        private Builder(Mtl mtl) {
            this.mtl = mtl;
        }

        /**
         * A sweep configuration file under the builder's values, which override it.
         *
         * @param file the file
         * @return this builder
         */
        public Builder config(Path file) {
            this.file = file;
            return this;
        }

        /**
         * A key every trial shares, e.g. {@code dataset} or a plugin's own key.
         *
         * @param key the key
         * @param value the value, written as {@link String#valueOf}
         * @return this builder
         */
        public Builder key(String key, Object value) {
            values.put(Objects.requireNonNull(key, "key"), String.valueOf(Objects.requireNonNull(value, "value")));
            return this;
        }

        /**
         * An axis of the grid ({@code sweep.<key> = v1, v2, ...}): the trials are the cartesian
         * product of the axes.
         *
         * @param key the key the axis varies
         * @param values its values
         * @return this builder
         */
        public Builder axis(String key, Object... values) {
            return key(SweepPlan.AXIS_PREFIX + key,
                    Arrays.stream(values).map(String::valueOf).collect(Collectors.joining(", ")));
        }

        /**
         * The seeds every configuration runs with (the {@code seed} axis).
         *
         * @param seeds the seeds
         * @return this builder
         */
        public Builder seeds(long... seeds) {
            return axis(RunKeys.SEED, Arrays.stream(seeds).boxed().toArray());
        }

        /**
         * Where trials run ({@code executor}: {@code local} worker JVMs, {@code inline} in this
         * JVM, {@code spark}).
         *
         * @param name the executor
         * @return this builder
         */
        public Builder executor(String name) {
            return key(RunKeys.EXECUTOR, name);
        }

        /**
         * The sweep's directory ({@code output.dir}).
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder outputDir(Path directory) {
            return key(RunKeys.OUTPUT_DIR, directory);
        }

        /**
         * Validates the sweep keys and every trial, as {@code ./mtl sweep} does.
         *
         * @return the sweep
         * @throws ConfigException with the message the command line prints
         */
        public Sweep build() {
            List<String> overrides = new ArrayList<>();
            values.forEach((k, v) -> overrides.add(k + "=" + v));
            ConfigSource source = ConfigSource.load(file, overrides);
            Mtl framework = mtl != null ? mtl : Mtl.builder().pluginsDirectory(MtlRuntime.pluginsDirectory(source)).build();
            return Sweep.of(framework, source);
        }
    }
}
