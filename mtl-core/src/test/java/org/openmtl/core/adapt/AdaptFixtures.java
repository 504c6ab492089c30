package org.openmtl.core.adapt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.train.Progress;

/** Tiny finished runs to adapt: synthetic classification, trained for one epoch in a second. */
public final class AdaptFixtures {

    /** The synthetic dataset of every adaptation test: three related 3-class tasks. */
    public static final List<String> DATASET = List.of(
            "dataset=synthetic", "dataset.synthetic.kind=classification", "dataset.synthetic.tasks=3",
            "dataset.synthetic.groups=1", "dataset.synthetic.classes=3", "dataset.synthetic.features=8",
            "dataset.synthetic.train.examples=240", "dataset.synthetic.validation.examples=60",
            "dataset.synthetic.test.examples=90");

    private AdaptFixtures() {}

    /**
     * Trains a run on t0 and t1 (t2 held out) and returns its output directory.
     *
     * @param mtl the runtime
     * @param output the run's output directory
     * @param more further overrides
     * @return the output directory, with result.json and model.params
     */
    public static Path trainRun(MtlRuntime mtl, Path output, String... more) {
        List<String> overrides = new ArrayList<>(DATASET);
        overrides.addAll(List.of("architecture=hard-sharing", "tasks=t0,t1", "epochs=2", "batch.size=32",
                "diagnostics.gradients=false", "checkpoint=false", "progress=none", "output.dir=" + output));
        overrides.addAll(List.of(more));
        RunConfig config = mtl.configure(null, overrides);
        Map<String, Object> result = mtl.run(config, Progress.forMode("none"));
        if (!"completed".equals(result.get("status"))) {
            throw new IllegalStateException("the fixture run failed: " + result.get("reason"));
        }
        return output;
    }
}
