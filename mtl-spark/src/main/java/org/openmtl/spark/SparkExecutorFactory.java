package org.openmtl.spark;

import java.util.Map;
import org.openmtl.core.sweep.TrialExecutor;
import org.openmtl.core.sweep.TrialExecutorFactory;

/** Makes the {@code spark} executor of a sweep ({@code executor=spark}); see {@link SparkTrialExecutor}. */
public final class SparkExecutorFactory implements TrialExecutorFactory {

    /** The value of {@code executor} that selects Spark. */
    public static final String NAME = "spark";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public TrialExecutor create(Map<String, String> settings) {
        return new SparkTrialExecutor(settings);
    }
}
