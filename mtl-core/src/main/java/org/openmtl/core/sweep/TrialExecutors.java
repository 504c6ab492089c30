package org.openmtl.core.sweep;

import org.openmtl.core.run.MtlRuntime;

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

        private final MtlRuntime runtime;

        /** Creates the factory; inline trials discover their plugins. */
        public Named() {
            this(null);
        }

        /**
         * Creates the factory whose inline trials run on the sweep's runtime (with the plugins an
         * experiment module bound).
         *
         * @param runtime the runtime
         */
        @jakarta.inject.Inject
        public Named(MtlRuntime runtime) {
            this.runtime = runtime;
        }

        @Override
        public TrialExecutor create(SweepSettings settings, String progressMode) {
            return SweepRunner.executor(settings, progressMode, runtime);
        }
    }
}
