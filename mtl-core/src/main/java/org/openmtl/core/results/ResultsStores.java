package org.openmtl.core.results;

import java.nio.file.Path;

/**
 * Opens the results database of a sweep: bound in {@link org.openmtl.core.run.MtlModule} to {@link
 * Configured} (the {@code results.url} key, or {@code results.db} in the sweep's directory); an
 * experiment module may bind its own, e.g. one that always records into its lab's shared database.
 */
public interface ResultsStores {

    /**
     * Opens the database a sweep records its trials in.
     *
     * @param url the {@code results.url} value; blank for the sweep directory's SQLite file
     * @param sweepDirectory the sweep's directory
     * @return the open database
     * @throws ResultsDatabaseException if it cannot be opened
     */
    ResultsDatabase open(String url, Path sweepDirectory);

    /** The database the {@code results.url} key names. */
    final class Configured implements ResultsStores {

        /** Creates the factory. */
        @jakarta.inject.Inject
        public Configured() {}

        @Override
        public ResultsDatabase open(String url, Path sweepDirectory) {
            return ResultsDatabase.open(url, sweepDirectory);
        }
    }
}
