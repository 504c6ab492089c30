package org.openmtl.core.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.run.MtlRuntime;

/**
 * One training run, configured and validated: {@link #run()} trains it and returns its {@link
 * RunResult}, which it has also written to {@code <output.dir>/result.json}.
 *
 * <pre>{@code
 * RunResult result = Run.builder()
 *         .dataset("multimnist")
 *         .architecture("hard-sharing")
 *         .weighting("nash-mtl")
 *         .key("weighting.nash-mtl.update.every", 2)
 *         .optimizer("adam")
 *         .epochs(10)
 *         .seed(1)
 *         .outputDir(Path.of("runs/nash"))
 *         .build()
 *         .run();
 * double accuracy = result.testMetric("left", "accuracy").orElseThrow();
 * }</pre>
 *
 * <p>{@link Builder#build()} validates exactly as {@code ./mtl run} does (the same code): an
 * unknown key, a bad value or an unknown plugin throws a {@link ConfigException} with the message
 * the command line prints before it exits with code 2.
 */
public final class Run {

    private final Mtl mtl;
    private final RunConfig config;

    private Run(Mtl mtl, RunConfig config) {
        this.mtl = mtl;
        this.config = config;
    }

    /**
     * A builder on the framework with the plugins of the class path and the plugins directory
     * (the {@code plugins.dir} key of the run, or its default), made when the run is built.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder(null);
    }

    /**
     * A builder on a given framework (with an experiment's own modules).
     *
     * @param mtl the framework
     * @return the builder
     */
    public static Builder builder(Mtl mtl) {
        return new Builder(Objects.requireNonNull(mtl, "mtl"));
    }

    /**
     * A run from configuration values already loaded (a file and {@code key=value} overrides, as
     * the command line reads them).
     *
     * @param mtl the framework
     * @param source the values
     * @return the validated run
     * @throws ConfigException for an unknown key, a bad value or an unknown plugin
     */
    public static Run of(Mtl mtl, ConfigSource source) {
        return new Run(mtl, mtl.runtime().configure(source));
    }

    /**
     * The validated configuration: every key resolved, defaults included.
     *
     * @return the configuration
     */
    public RunConfig config() {
        return config;
    }

    /**
     * Trains the run, with the progress display the framework's {@link
     * org.openmtl.core.run.ProgressFactory} makes, and writes {@code result.json}.
     *
     * @return the result; a run that failed while training returns a result with status {@link
     *     RunResult.Status#FAILED} and its reason, as its {@code result.json} says
     * @throws ConfigException if a plugin rejects its configuration or the data cannot be used,
     *     before anything is trained
     */
    public RunResult run() {
        MtlRuntime runtime = mtl.runtime();
        return RunResult.fromMap(runtime.run(config, runtime.progress(config)));
    }

    /** Builds a {@link Run}: the typed setters name the common keys, {@link #key} sets any other. */
    public static final class Builder {

        private final Mtl mtl;
        private Path file;
        private final Map<String, String> values = new LinkedHashMap<>();

        private Builder(Mtl mtl) {
            this.mtl = mtl;
        }

        /**
         * A configuration file (properties or YAML) under the builder's values, which override it.
         *
         * @param file the file
         * @return this builder
         */
        public Builder config(Path file) {
            this.file = file;
            return this;
        }

        /**
         * The dataset plugin ({@code dataset}).
         *
         * @param name its name
         * @return this builder
         */
        public Builder dataset(String name) {
            return key(RunKeys.DATASET, name);
        }

        /**
         * The dataset's tasks to train ({@code tasks}); all of them when not set.
         *
         * @param tasks task names
         * @return this builder
         */
        public Builder tasks(String... tasks) {
            return key(RunKeys.TASKS, String.join(",", tasks));
        }

        /**
         * The architecture plugin ({@code architecture}).
         *
         * @param name its name
         * @return this builder
         */
        public Builder architecture(String name) {
            return key(RunKeys.ARCHITECTURE, name);
        }

        /**
         * The weighting plugin ({@code weighting}).
         *
         * @param name its name
         * @return this builder
         */
        public Builder weighting(String name) {
            return key(RunKeys.WEIGHTING, name);
        }

        /**
         * The task selector plugin ({@code selector}).
         *
         * @param name its name
         * @return this builder
         */
        public Builder selector(String name) {
            return key(RunKeys.SELECTOR, name);
        }

        /**
         * The optimizer plugin ({@code optimizer}).
         *
         * @param name its name
         * @return this builder
         */
        public Builder optimizer(String name) {
            return key(RunKeys.OPTIMIZER, name);
        }

        /**
         * The number of epochs ({@code epochs}).
         *
         * @param epochs the epochs
         * @return this builder
         */
        public Builder epochs(int epochs) {
            return key(RunKeys.EPOCHS, epochs);
        }

        /**
         * The master seed ({@code seed}).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder seed(long seed) {
            return key(RunKeys.SEED, seed);
        }

        /**
         * The batch size ({@code batch.size}).
         *
         * @param size the size
         * @return this builder
         */
        public Builder batchSize(int size) {
            return key(RunKeys.BATCH_SIZE, size);
        }

        /**
         * Where the run writes {@code result.json}, its model and checkpoints ({@code output.dir}).
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder outputDir(Path directory) {
            return key(RunKeys.OUTPUT_DIR, directory);
        }

        /**
         * Where datasets find their files ({@code data.dir}).
         *
         * @param directory the directory
         * @return this builder
         */
        public Builder dataDir(Path directory) {
            return key(RunKeys.DATA_DIR, directory);
        }

        /**
         * The progress display ({@code progress}: auto, bar, plain, none), for the default {@link
         * org.openmtl.core.run.ProgressFactory}.
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder progress(String mode) {
            return key(RunKeys.PROGRESS, mode);
        }

        /**
         * Any configuration key, e.g. a plugin's own ({@code weighting.nash-mtl.update.every}); a
         * value is written as {@link String#valueOf}, as on the command line.
         *
         * @param key the key
         * @param value the value
         * @return this builder
         */
        public Builder key(String key, Object value) {
            values.put(Objects.requireNonNull(key, "key"), String.valueOf(Objects.requireNonNull(value, "value")));
            return this;
        }

        /**
         * The values set so far, as {@code key=value} overrides in the order they were set.
         *
         * @return the overrides
         */
        public List<String> overrides() {
            List<String> overrides = new ArrayList<>();
            values.forEach((k, v) -> overrides.add(k + "=" + v));
            return overrides;
        }

        /**
         * Validates the configuration as {@code ./mtl run} does.
         *
         * @return the run
         * @throws ConfigException for an unknown key, a bad value or an unknown plugin, with the
         *     message the command line prints
         */
        public Run build() {
            ConfigSource source = ConfigSource.load(file, overrides());
            Mtl framework = mtl != null ? mtl : Mtl.builder().pluginsDirectory(MtlRuntime.pluginsDirectory(source)).build();
            return Run.of(framework, source);
        }
    }
}
