package org.openmtl.core.sweep;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.train.MultiTaskTrainer;
import org.openmtl.core.train.Progress;

/**
 * Runs one trial in the current JVM: the body of a worker process ({@link TrialWorker}) and of a
 * Spark task. The trial writes its own {@code result.json}, checkpoints and model under its {@code
 * output.dir}; a trial with a complete checkpoint there continues from it.
 */
public final class TrialRunner {

    private TrialRunner() {}

    /**
     * Runs a trial.
     *
     * @param trial the trial
     * @param progress the progress display
     * @param worker the name of this worker, recorded in the outcome
     * @return the outcome: completed, or failed with the reason (an exception, a diverged run)
     */
    public static TrialOutcome run(TrialSpec trial, Progress progress, String worker) {
        long started = System.nanoTime();
        try {
            Map<String, String> values = new LinkedHashMap<>(trial.values());
            Path output = Path.of(values.getOrDefault(RunKeys.OUTPUT_DIR, "runs/latest"));
            if (MultiTaskTrainer.hasCheckpoint(output)) {
                values.put(RunKeys.RESUME, "true");
            }
            MtlRuntime mtl = MtlRuntime.discover(MtlRuntime.pluginsDirectory(ConfigSource.of(values)));
            RunConfig config = mtl.configure(ConfigSource.of(values));
            Map<String, Object> result = mtl.run(config, progress);
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
