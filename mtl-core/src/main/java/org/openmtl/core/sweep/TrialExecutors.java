package org.openmtl.core.sweep;

/**
 * Makes the executor of a sweep: bound in {@link org.openmtl.core.run.MtlModule} to {@link
 * Named}, which knows {@code local}, {@code inline} and the executors found with {@link
 * java.util.ServiceLoader} ({@link TrialExecutorFactory}); an experiment module may bind its own,
 * e.g. one that sends trials to its lab's scheduler.
 */
public interface TrialExecutors {

    /**
     * The executor a sweep's settings name.
     *
     * @param settings the sweep's settings
     * @param progressMode the progress display of trials that run in this JVM
     * @return the executor
     * @throws org.openmtl.core.config.ConfigException if no executor has the configured name
     */
    TrialExecutor create(SweepSettings settings, String progressMode);

    /** The executor named by the {@code executor} key. */
    final class Named implements TrialExecutors {

        /** Creates the factory. */
        @jakarta.inject.Inject
        public Named() {}

        @Override
        public TrialExecutor create(SweepSettings settings, String progressMode) {
            return SweepRunner.executor(settings, progressMode);
        }
    }
}
