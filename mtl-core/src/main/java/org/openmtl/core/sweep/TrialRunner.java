package org.openmtl.core.sweep;

import com.google.gson.JsonElement;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.result.FrameworkBuild;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.train.MultiTaskTrainer;
import org.openmtl.core.train.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one trial in the current JVM: the body of a worker process ({@link TrialWorker}) and of a
 * Spark task. The trial writes its own {@code result.json}, checkpoints and model under its {@code
 * output.dir}; a trial with a complete checkpoint there continues from it, if this framework build
 * wrote the checkpoint. A checkpoint of another build (or of a version that did not record builds)
 * is not continued: the trial starts afresh and the old run is moved aside, so no result mixes the
 * epochs of two builds.
 */
public final class TrialRunner {

    private static final Logger LOG = LoggerFactory.getLogger(TrialRunner.class);

    private TrialRunner() {}

    /** The build a checkpoint generation's state records; null when it records none or cannot be read. */
    private static String checkpointBuild(Path checkpoint) {
        try {
            JsonElement state = ResultFiles.readJson(checkpoint.resolve("state.json"));
            JsonElement build = state.isJsonObject() ? state.getAsJsonObject().get("build") : null;
            return build == null || !build.isJsonPrimitive() ? null : build.getAsString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Runs a trial.
     *
     * @param trial the trial
     * @param progress the progress display
     * @param worker the name of this worker, recorded in the outcome
     * @return the outcome: completed, or failed with the reason (an exception, a diverged run)
     */
    public static TrialOutcome run(TrialSpec trial, Progress progress, String worker) {
        return run(trial, progress, worker, null);
    }

    /**
     * Runs a trial on a given runtime: a trial in the sweep's own JVM uses the sweep's runtime, with
     * the plugins an experiment module bound; a worker JVM discovers its own.
     *
     * @param trial the trial
     * @param progress the progress display
     * @param worker the name of this worker, recorded in the outcome
     * @param runtime the runtime, or null to discover the plugins of the trial's {@code plugins.dir}
     * @return the outcome: completed, or failed with the reason (an exception, a diverged run)
     */
    public static TrialOutcome run(TrialSpec trial, Progress progress, String worker, MtlRuntime runtime) {
        long started = System.nanoTime();
        try {
            Map<String, String> values = new LinkedHashMap<>(trial.values());
            Path output = Path.of(values.getOrDefault(RunKeys.OUTPUT_DIR, "runs/latest"));
            Optional<Path> checkpoint = MultiTaskTrainer.latestCheckpoint(output);
            if (checkpoint.isPresent()) {
                String written = checkpointBuild(checkpoint.get());
                if (FrameworkBuild.current().equals(written)) {
                    values.put(RunKeys.RESUME, "true");
                } else {
                    LOG.info("the checkpoint in {} was written by build {}, not by this one ({}): trial {} starts afresh",
                            checkpoint.get(), FrameworkBuild.shortName(written),
                            FrameworkBuild.shortName(FrameworkBuild.current()), trial.id());
                }
            }
            MtlRuntime mtl = runtime != null ? runtime
                    : MtlRuntime.discover(MtlRuntime.pluginsDirectory(ConfigSource.of(values)));
            RunConfig config = mtl.configure(ConfigSource.of(values));
            Map<String, Object> result = null;
            for (TrialBody body : ServiceLoader.load(TrialBody.class)) {
                if (result == null && body.handles(values)) {
                    result = body.run(mtl, config);
                }
            }
            if (result == null) {
                result = mtl.run(config, progress);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if ("completed".equals(result.get("status"))) {
                return TrialOutcome.completed(result, worker, seconds);
            }
            Object reason = result.get("reason");
            return TrialOutcome.failed(result, reason == null ? "the run ended with status " + result.get("status")
                    : reason.toString(), worker, seconds);
        } catch (RuntimeException | Error e) {
            return TrialOutcome.failed(null, e.toString(), worker, (System.nanoTime() - started) / 1e9);
        }
    }
}
