package org.openmtl.core.sweep;

import java.util.Map;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.run.MtlRuntime;

/**
 * A kind of trial other than a training run, found with {@link java.util.ServiceLoader} (a {@code
 * META-INF/services/org.openmtl.core.sweep.TrialBody} entry), so that a command built on sweeps
 * (e.g. {@code ./mtl transfer}'s readouts) runs its own trials on local workers or Spark without
 * the sweep package depending on it. A trial no body handles is a training run.
 */
public interface TrialBody {

    /**
     * Whether this body runs a trial.
     *
     * @param values the trial's configuration
     * @return true to run it here instead of training
     */
    boolean handles(Map<String, String> values);

    /**
     * Runs the trial, writing its {@code result.json} into its {@code output.dir}.
     *
     * @param mtl the runtime
     * @param config the trial's validated configuration
     * @return what was written to result.json ({@code status} completed or failed)
     */
    Map<String, Object> run(MtlRuntime mtl, RunConfig config);
}
