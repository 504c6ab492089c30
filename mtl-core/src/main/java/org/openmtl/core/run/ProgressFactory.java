package org.openmtl.core.run;

import org.openmtl.core.config.RunConfig;
import org.openmtl.core.train.Progress;

/**
 * Makes the progress display of a run: bound in {@link MtlModule} to the display the {@code
 * progress} key names; an experiment module binds its own to receive every run's epoch events
 * (a dashboard, a log of its own), overriding the binding with {@code Modules.override}.
 */
public interface ProgressFactory {

    /**
     * The display of one run.
     *
     * @param config the run's configuration
     * @return a fresh display
     */
    Progress create(RunConfig config);

    /** The display the {@code progress} key names ({@code auto}, {@code bar}, {@code plain}, {@code none}). */
    final class Configured implements ProgressFactory {

        /** Creates the factory. */
        @jakarta.inject.Inject
        public Configured() {}

        @Override
        public Progress create(RunConfig config) {
            return Progress.forMode(config.progress());
        }
    }
}
