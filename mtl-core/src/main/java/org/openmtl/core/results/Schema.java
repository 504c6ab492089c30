package org.openmtl.core.results;

import java.util.List;

/**
 * The tables of the results database, one list of statements per schema version. A database
 * records the versions applied in {@code schema_version}; opening it applies the missing ones in
 * one transaction. A released version is never edited: a change is a new version.
 */
final class Schema {

    /** The newest version this build knows. */
    static final int CURRENT = 3;

    private Schema() {}

    /**
     * The statements that bring a database from {@code version - 1} to {@code version}.
     *
     * @param version from 1 to {@link #CURRENT}
     * @param dialect the database's dialect (column types, generated keys)
     * @return the statements, in order
     */
    static List<String> migration(int version, Dialect dialect) {
        return switch (version) {
            case 1 -> version1(dialect);
            // the fencing token of the current claim: only the attempt that presents it may finish the trial
            case 2 -> List.of("ALTER TABLE trials ADD COLUMN claim_token TEXT");
            // the framework build that ran each trial; NULL (an unknown build) for trials recorded before
            case 3 -> List.of("ALTER TABLE trials ADD COLUMN build TEXT");
            default -> throw new IllegalArgumentException("no schema version " + version);
        };
    }

    private static List<String> version1(Dialect dialect) {
        String real = dialect.doubleType();
        String serial = dialect.generatedKey();
        String statuses = "('pending', 'running', 'retry', 'completed', 'failed')";
        return List.of(
                "CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, applied BIGINT NOT NULL)",
                "CREATE TABLE sweeps (id TEXT NOT NULL PRIMARY KEY, directory TEXT, config TEXT,"
                        + " registered BIGINT NOT NULL, updated BIGINT NOT NULL)",
                "CREATE TABLE trials (seq " + serial + ", id TEXT NOT NULL UNIQUE,"
                        + " status TEXT NOT NULL CHECK (status IN " + statuses + "),"
                        + " attempts INTEGER NOT NULL DEFAULT 0, reason TEXT, owner TEXT, heartbeat BIGINT,"
                        + " worker TEXT, added BIGINT NOT NULL, started BIGINT, finished BIGINT,"
                        + " seconds " + real + ", train_seconds " + real + ", ms_per_step " + real + ","
                        + " parameters BIGINT, peak_rss_mb " + real + ", epochs_completed INTEGER,"
                        + " selected_epoch INTEGER, result TEXT, provenance TEXT)",
                "CREATE INDEX trials_status_owner ON trials (status, owner)",
                "CREATE TABLE sweep_trials (seq " + serial + ", sweep_id TEXT NOT NULL REFERENCES sweeps (id),"
                        + " trial_id TEXT NOT NULL REFERENCES trials (id), UNIQUE (sweep_id, trial_id))",
                "CREATE INDEX sweep_trials_trial ON sweep_trials (trial_id)",
                "CREATE TABLE trial_point (trial_id TEXT NOT NULL REFERENCES trials (id), ordinal INTEGER NOT NULL,"
                        + " key TEXT NOT NULL, value TEXT, PRIMARY KEY (trial_id, key))",
                "CREATE TABLE trial_config (trial_id TEXT NOT NULL REFERENCES trials (id), ordinal INTEGER NOT NULL,"
                        + " key TEXT NOT NULL, value TEXT, PRIMARY KEY (trial_id, key))",
                "CREATE INDEX trial_config_key ON trial_config (key, value)",
                "CREATE TABLE metrics (trial_id TEXT NOT NULL REFERENCES trials (id), split TEXT NOT NULL,"
                        + " task TEXT NOT NULL, metric TEXT NOT NULL, value " + real + ","
                        + " PRIMARY KEY (trial_id, split, task, metric))",
                "CREATE TABLE epoch_metrics (trial_id TEXT NOT NULL REFERENCES trials (id), epoch INTEGER NOT NULL,"
                        + " phase TEXT NOT NULL, split TEXT NOT NULL, task TEXT NOT NULL, metric TEXT NOT NULL,"
                        + " value " + real + ", PRIMARY KEY (trial_id, epoch, phase, split, task, metric))",
                "CREATE TABLE epoch_weights (trial_id TEXT NOT NULL REFERENCES trials (id), epoch INTEGER NOT NULL,"
                        + " phase TEXT NOT NULL, task TEXT NOT NULL, weight " + real + ","
                        + " PRIMARY KEY (trial_id, epoch, phase, task))");
    }
}
