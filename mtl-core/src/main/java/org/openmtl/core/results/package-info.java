/**
 * The sweep results database: one row per trial with its status (pending, running, retry,
 * completed, failed), the attempt count, the owner that holds it, the fencing token of its
 * current claim and that owner's heartbeat, and, once it finished, its result, final metrics,
 * per-epoch metrics and task weights as plain tables a researcher can query with SQL.
 *
 * <p>SQLite ({@code <sweep dir>/results.db}) by default; PostgreSQL when a sweep names one with
 * {@code results.url}. The sweep coordinator is the only writer of a sweep, but several sweeps may
 * share one database at once, and a coordinator may be killed at any moment: every write is one
 * transaction, and a claim is atomic across processes. See {@code docs/results-database.md}.
 *
 * <p>This package depends on the JDK, JDBC drivers, Gson, SLF4J and {@code org.openmtl.core.config}
 * (for {@link org.openmtl.core.config.ConfigException}) only; the sweep code depends on it, not the
 * other way round.
 */
package org.openmtl.core.results;
