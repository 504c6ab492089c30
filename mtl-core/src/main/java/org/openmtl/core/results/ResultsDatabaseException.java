package org.openmtl.core.results;

import org.openmtl.core.config.ConfigException;

/**
 * The results database cannot be used: a file that is not an SQLite database, a database another
 * process keeps locked, a schema from a newer OpenMTL, an unreachable PostgreSQL server. The
 * message names the database (file path, or URL without its password), what is wrong and what to
 * do; the CLI reports it without a stack trace (exit code 2).
 */
public class ResultsDatabaseException extends ConfigException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the database, what is wrong, what to do
     */
    public ResultsDatabaseException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message the database, what is wrong, what to do
     * @param cause the underlying error
     */
    public ResultsDatabaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
