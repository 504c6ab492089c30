package org.openmtl.core.transfer;

import java.util.Map;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.sweep.TrialBody;

/** Runs {@code ./mtl transfer}'s readout trials wherever the sweep runs its trials. */
public final class ReadoutTrialBody implements TrialBody {

    @Override
    public boolean handles(Map<String, String> values) {
        return ReadoutTrial.requested(values);
    }

    @Override
    public Map<String, Object> run(MtlRuntime mtl, RunConfig config) {
        return ReadoutTrial.run(mtl, config);
    }
}
