package org.openmtl.core.results;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;

/**
 * The results database of sweeps: which trials a sweep has, which of them are pending, running
 * (under which coordinator, with which heartbeat), waiting for a retry, completed or failed, and
 * the results of the finished ones as tables ({@code metrics}, {@code epoch_metrics},
 * {@code epoch_weights}) a researcher queries with SQL.
 *
 * <p>SQLite at {@code <sweep dir>/results.db} unless the sweep names another database. Every
 * write is one transaction; a claim is atomic across processes (SQLite: under the file's write
 * lock, taken with {@code BEGIN IMMEDIATE}; PostgreSQL: a conditional update whose row count
 * decides), so several coordinators may share one database. A finished trial is never claimed or
 * overwritten again, unless a sweep reopens it on purpose: computed by another framework build
 * ({@link #reopenStale}), or failed and asked to run again ({@link #reopenFailed}).
 *
 * <p>Every claim carries a fencing token ({@link TrialClaim}); a new claim of the trial replaces
 * it. Completions, failures and heartbeats are accepted only with the trial's current token, so
 * an attempt whose trial was taken over by another (its coordinator stalled past the stale time)
 * cannot record anything, even if it runs on to the end.
 *
 * <p>One instance holds one connection and is safe to use from several threads of one JVM: its
 * operations run one at a time. A write that waits for another process's lock waits at most the
 * busy timeout ({@value #DEFAULT_BUSY_TIMEOUT_MS} ms, or the system property
 * {@value #BUSY_TIMEOUT_PROPERTY}), then fails with a {@link ResultsDatabaseException}. The
 * default is kept well below the 30 s after which a sweep reclaims a trial whose heartbeat
 * stopped: a coordinator's heartbeat that waits for the lock fails, and stops its attempts, long
 * before another coordinator may take them over (the sweep coordinator documents the relation of
 * the three times).
 *
 * <p>Non-finite metric values (NaN, infinities) are stored as SQL NULL, and as JSON null in the
 * stored result, just as {@code result.json} writes them; reading a NULL metric gives NaN.
 */
public final class ResultsDatabase implements AutoCloseable {

    /** System property: how many milliseconds a write waits for another process's lock. */
    public static final String BUSY_TIMEOUT_PROPERTY = "mtl.results.busy.timeout.ms";

    /** The default wait for another process's lock, in milliseconds. */
    public static final long DEFAULT_BUSY_TIMEOUT_MS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(ResultsDatabase.class);

    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    /** Serializes schema creation of concurrent coordinators on PostgreSQL (any constant works). */
    private static final long SCHEMA_LOCK_KEY = 0x6f70656e6d746cL;

    /** Tries of a PostgreSQL transaction that hit a deadlock, a serialization failure or a lost connection. */
    private static final int TRIES = 4;

    private static final String TRIAL_COLUMNS = "t.id, t.status, t.attempts, t.reason, t.owner, t.worker,"
            + " t.started, t.finished, t.seconds, t.build";

    private final DatabaseTarget target;
    private final Duration busyTimeout;
    private Connection connection;

    private ResultsDatabase(DatabaseTarget target, Duration busyTimeout, Connection connection) {
        this.target = target;
        this.busyTimeout = busyTimeout;
        this.connection = connection;
    }

    /**
     * Opens a results database, creating its tables or bringing them to this build's schema
     * version.
     *
     * @param url empty or null for SQLite at {@code sweepDirectory/results.db}; otherwise
     *     {@code jdbc:sqlite:<file>} or {@code jdbc:postgresql://host:port/db?user=..&password=..}
     * @param sweepDirectory the sweep's directory (used when {@code url} is empty)
     * @return the open database
     * @throws ResultsDatabaseException if the database cannot be used; the message says why and
     *     what to do
     */
    public static ResultsDatabase open(String url, Path sweepDirectory) {
        return open(url, sweepDirectory, busyTimeoutFromProperty());
    }

    /**
     * Opens a results database with a given lock wait.
     *
     * @param url as for {@link #open(String, Path)}
     * @param sweepDirectory the sweep's directory
     * @param busyTimeout how long a write waits for another process's lock (SQLite)
     * @return the open database
     */
    static ResultsDatabase open(String url, Path sweepDirectory, Duration busyTimeout) {
        DatabaseTarget target = DatabaseTarget.of(url, sweepDirectory);
        Connection connection = connect(target, busyTimeout);
        ResultsDatabase db = new ResultsDatabase(target, busyTimeout, connection);
        try {
            db.prepareSchema();
        } catch (RuntimeException | Error e) {
            db.close();
            throw e;
        }
        LOG.debug("results database {} open", target.shownUrl());
        return db;
    }

    /**
     * The database's URL, for messages: any password is shown as {@code ***}.
     *
     * @return the URL
     */
    public String url() {
        return target.shownUrl();
    }

    /**
     * Records a sweep, or updates its directory and configuration if it is known.
     *
     * @param sweepId the sweep's id
     * @param directory its output directory
     * @param config its configuration (the sweep file's keys, axes included)
     */
    public void registerSweep(String sweepId, String directory, Map<String, String> config) {
        require(sweepId, "sweepId");
        write("registering sweep " + sweepId, (c, now) -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO sweeps (id, directory, config, registered, updated)"
                    + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET directory = excluded.directory,"
                    + " config = excluded.config, updated = excluded.updated")) {
                s.setString(1, sweepId);
                s.setString(2, directory);
                s.setString(3, ResultRows.json(config == null ? Map.of() : config));
                s.setLong(4, now);
                s.setLong(5, now);
                s.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Adds a trial to a sweep. A new trial is {@code pending} with no attempt; a known one (from
     * an earlier run of this sweep, or from another sweep with the same configuration) keeps its
     * status and results and is linked to this sweep too.
     *
     * @param sweepId a registered sweep
     * @param trialId the trial's stable id
     * @param point the axis values that make this trial
     * @param values the trial's resolved configuration
     * @throws IllegalStateException if the sweep was not registered
     */
    public void addTrial(String sweepId, String trialId, Map<String, String> point, Map<String, String> values) {
        require(sweepId, "sweepId");
        require(trialId, "trialId");
        write("adding trial " + trialId, (c, now) -> {
            try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM sweeps WHERE id = ?")) {
                s.setString(1, sweepId);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        throw new IllegalStateException("sweep " + sweepId + " is not registered in " + target.name()
                                + ": call registerSweep before addTrial");
                    }
                }
            }
            int inserted;
            try (PreparedStatement s = c.prepareStatement("INSERT INTO trials (id, status, attempts, added)"
                    + " VALUES (?, 'pending', 0, ?) ON CONFLICT (id) DO NOTHING")) {
                s.setString(1, trialId);
                s.setLong(2, now);
                inserted = s.executeUpdate();
            }
            if (inserted > 0) {
                insertPairs(c, "trial_point", trialId, point);
                insertPairs(c, "trial_config", trialId, values);
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO sweep_trials (sweep_id, trial_id) VALUES (?, ?)"
                    + " ON CONFLICT (sweep_id, trial_id) DO NOTHING")) {
                s.setString(1, sweepId);
                s.setString(2, trialId);
                s.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Claims a trial for an attempt: atomically, a {@code pending} or {@code retry} trial becomes
     * {@code running} under {@code owner}, with one more attempt, a fresh heartbeat and start time,
     * and a new fencing token. Claiming a trial this owner already runs returns its current claim
     * again, token included (so a claim whose answer was lost can be repeated).
     *
     * @param trialId the trial
     * @param owner the claiming coordinator, unique per process (e.g. {@code host:pid:uuid})
     * @return the claim, whose token the attempt presents to finish the trial; empty if the trial
     *     is completed, failed, or running under another owner
     * @throws IllegalStateException if the trial was never added
     */
    public Optional<TrialClaim> claim(String trialId, String owner) {
        require(trialId, "trialId");
        require(owner, "owner");
        String token = UUID.randomUUID().toString();
        return write("claiming trial " + trialId, (c, now) -> {
            int updated;
            try (PreparedStatement s = c.prepareStatement("UPDATE trials SET status = 'running', attempts = attempts + 1,"
                    + " owner = ?, claim_token = ?, heartbeat = ?, started = ?, finished = NULL, reason = NULL"
                    + " WHERE id = ? AND status IN ('pending', 'retry')")) {
                s.setString(1, owner);
                s.setString(2, token);
                s.setLong(3, now);
                s.setLong(4, now);
                s.setString(5, trialId);
                updated = s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT status, owner, attempts, claim_token FROM trials WHERE id = ?")) {
                s.setString(1, trialId);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) {
                        throw unknownTrial(trialId);
                    }
                    boolean mine = TrialStatus.RUNNING.equals(r.getString(1)) && owner.equals(r.getString(2));
                    return updated > 0 || mine ? Optional.of(new TrialClaim(trialId, owner, r.getInt(3), r.getString(4)))
                            : Optional.<TrialClaim>empty();
                }
            }
        });
    }

    /**
     * Refreshes the heartbeat of running trials, each only if its claim is still the current one.
     * A coordinator calls this regularly (well within the stale time others use with {@link
     * #reclaimStale}) for the attempts it runs, and stops every attempt whose claim comes back
     * as lost.
     *
     * @param claims the claims of the attempts the caller runs
     * @return the claims no longer held: the trial was reclaimed as stale, claimed again, released
     *     or finished; empty if every claim is held
     */
    public Set<TrialClaim> heartbeat(Collection<TrialClaim> claims) {
        List<TrialClaim> list = List.copyOf(claims);
        if (list.isEmpty()) {
            return Set.of();
        }
        return write("refreshing the heartbeat of " + list.size() + " trial(s)", (c, now) -> {
            Set<TrialClaim> lost = new LinkedHashSet<>();
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE trials SET heartbeat = ? WHERE id = ? AND claim_token = ? AND status = 'running'")) {
                for (TrialClaim claim : list) {
                    s.setLong(1, now);
                    s.setString(2, claim.trialId());
                    s.setString(3, claim.token());
                    if (s.executeUpdate() == 0) {
                        lost.add(claim);
                    }
                }
            }
            return lost;
        });
    }

    /**
     * Records the framework build that runs a claimed trial: the build of the claiming coordinator
     * ({@link org.openmtl.core.result.FrameworkBuild}), against which a later run of the sweep
     * decides whether the trial's result is fresh. Changes nothing unless the claim is the trial's
     * current one and the trial is running, as for {@link #completed}.
     *
     * @param claim the attempt's claim
     * @param build its coordinator's build identity
     * @return whether the build was recorded
     */
    public boolean recordBuild(TrialClaim claim, String build) {
        requireClaim(claim);
        require(build, "build");
        return write("recording the build of trial " + claim.trialId(), (c, now) -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE trials SET build = ? WHERE id = ? AND claim_token = ? AND status = 'running'")) {
                s.setString(1, build);
                s.setString(2, claim.trialId());
                s.setString(3, claim.token());
                return s.executeUpdate() > 0;
            }
        });
    }

    /**
     * Puts every completed or failed trial among {@code trialIds} that another build computed (or
     * whose build is unknown) back to {@code pending}, with no attempt and none of its old results:
     * the next claim runs it afresh. Trials computed by {@code build}, and trials pending or
     * running, are left alone, so a trial another coordinator of this build finished meanwhile is
     * kept.
     *
     * @param trialIds the trials to look at
     * @param build the build whose results count as fresh
     * @return the trials reopened
     */
    public List<String> reopenStale(Collection<String> trialIds, String build) {
        require(build, "build");
        return reopen(trialIds, "status IN ('completed', 'failed') AND (build IS NULL OR build <> ?)", build,
                "reopening trials computed by another build");
    }

    /**
     * Puts every failed trial among {@code trialIds} back to {@code pending}, with no attempt, so
     * the next claim runs it again with a full set of retries.
     *
     * @param trialIds the trials to look at
     * @return the trials reopened
     */
    public List<String> reopenFailed(Collection<String> trialIds) {
        return reopen(trialIds, "status = 'failed'", null, "reopening failed trials");
    }

    private List<String> reopen(Collection<String> trialIds, String condition, String build, String doing) {
        if (trialIds.isEmpty()) {
            return List.of();
        }
        return write(doing, (c, now) -> {
            List<String> reopened = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("UPDATE trials SET status = 'pending', attempts = 0,"
                    + " reason = NULL, owner = NULL, claim_token = NULL, heartbeat = NULL, worker = NULL,"
                    + " started = NULL, finished = NULL,"
                    + " seconds = NULL, train_seconds = NULL, ms_per_step = NULL, parameters = NULL, peak_rss_mb = NULL,"
                    + " epochs_completed = NULL, selected_epoch = NULL, result = NULL, provenance = NULL, build = NULL"
                    + " WHERE id = ? AND " + condition)) {
                for (String id : new LinkedHashSet<>(trialIds)) {
                    s.setString(1, id);
                    if (build != null) {
                        s.setString(2, build);
                    }
                    if (s.executeUpdate() > 0) {
                        reopened.add(id);
                    }
                }
            }
            for (String table : List.of("metrics", "epoch_metrics", "epoch_weights")) {
                try (PreparedStatement d = c.prepareStatement("DELETE FROM " + table + " WHERE trial_id = ?")) {
                    for (String id : reopened) {
                        d.setString(1, id);
                        d.executeUpdate();
                    }
                }
            }
            return reopened;
        });
    }

    /**
     * Puts back every running trial whose heartbeat is older than {@code staleAfter}: its owner
     * is presumed dead (killed, machine lost). Such a trial becomes {@code retry}, with a reason
     * naming the owner and its last heartbeat; the attempt stays counted.
     *
     * @param staleAfter how old a heartbeat may be
     * @return how many trials were put back
     */
    public int reclaimStale(Duration staleAfter) {
        long staleMillis = staleAfter.toMillis();
        return write("reclaiming trials of lost workers", (c, now) -> {
            long cutoff = now - staleMillis;
            List<Object[]> stale = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, owner, heartbeat FROM trials"
                    + " WHERE status = 'running' AND (heartbeat IS NULL OR heartbeat < ?)")) {
                s.setLong(1, cutoff);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        long hb = r.getLong(3);
                        stale.add(new Object[] {r.getString(1), r.getString(2), r.wasNull() ? null : hb});
                    }
                }
            }
            int reclaimed = 0;
            try (PreparedStatement s = c.prepareStatement("UPDATE trials SET status = 'retry', reason = ?"
                    + " WHERE id = ? AND status = 'running' AND (heartbeat IS NULL OR heartbeat < ?)")) {
                for (Object[] t : stale) {
                    String since = t[2] == null ? "its claim" : Instant.ofEpochMilli((Long) t[2]).toString();
                    s.setString(1, "worker lost: no heartbeat since " + since + " (owner " + t[1] + ")");
                    s.setString(2, (String) t[0]);
                    s.setLong(3, cutoff);
                    int n = s.executeUpdate();
                    if (n > 0) {
                        LOG.info("trial {} running under {} has no heartbeat since {}: it will be retried", t[0], t[1], since);
                    }
                    reclaimed += n;
                }
            }
            return reclaimed;
        });
    }

    /**
     * Gives back every trial running under an owner, for an orderly shutdown (Ctrl-C): they
     * become {@code pending} again, the interrupted attempt is not counted, and its claim ends (a
     * late report of it is not recorded).
     *
     * @param owner the coordinator
     */
    public void release(String owner) {
        require(owner, "owner");
        write("releasing the trials of " + owner, (c, now) -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE trials SET status = 'pending',"
                    + " attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END,"
                    + " owner = NULL, claim_token = NULL, heartbeat = NULL, started = NULL"
                    + " WHERE status = 'running' AND owner = ?")) {
                s.setString(1, owner);
                s.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Records a completed trial, in one transaction: its status, result, final metrics, per-epoch
     * metrics and weights, provenance, timings, worker and finish time. Recorded only if the claim
     * is the trial's current one: the trial is running under it, or was reclaimed as stale and
     * nobody has claimed it since (the result is then the only attempt's). A completion from an
     * attempt whose trial was claimed again, released, or already completed changes nothing; it is
     * logged with the reason.
     *
     * @param claim the attempt's claim
     * @param result the trial's {@code result.json} content
     * @param worker where it ran
     * @param seconds the attempt's wall-clock seconds
     * @return whether the completion was recorded
     */
    public boolean completed(TrialClaim claim, Map<String, Object> result, String worker, double seconds) {
        requireClaim(claim);
        requireResult(result);
        return write("recording the result of trial " + claim.trialId(),
                (c, now) -> complete(c, now, claim.trialId(), claim, result, worker, Double.isFinite(seconds) ? seconds : null));
    }

    /**
     * Records a failed attempt. With {@code retry} the trial becomes {@code retry} (the next claim
     * runs it again), otherwise {@code failed}. Per-epoch rows of a partial result are kept.
     * Recorded only if the claim is the trial's current one, as for {@link #completed}; a
     * completed trial is never changed.
     *
     * @param claim the attempt's claim
     * @param reason why it failed
     * @param retry whether to run it again
     * @param resultOrNull what the attempt wrote, if anything
     * @return whether the failure was recorded
     */
    public boolean failed(TrialClaim claim, String reason, boolean retry, Map<String, Object> resultOrNull) {
        requireClaim(claim);
        return write("recording the failure of trial " + claim.trialId(), (c, now) -> {
            int updated;
            try (PreparedStatement s = c.prepareStatement("UPDATE trials SET status = ?, reason = ?, finished = ?,"
                    + " result = COALESCE(?, result) WHERE id = ? AND claim_token = ? AND status IN ('running', 'retry')")) {
                s.setString(1, retry ? TrialStatus.RETRY : TrialStatus.FAILED);
                s.setString(2, reason == null ? "unknown" : reason);
                s.setLong(3, now);
                s.setString(4, ResultRows.json(resultOrNull));
                s.setString(5, claim.trialId());
                s.setString(6, claim.token());
                updated = s.executeUpdate();
            }
            if (updated == 0) {
                LOG.info("the failure of trial {} reported by attempt {} is not recorded: {}", claim.trialId(),
                        claim.attempt(), whyNotCurrent(c, claim));
                return false;
            }
            if (resultOrNull != null && !ResultRows.epochMetrics(resultOrNull).isEmpty()) {
                replaceEpochRows(c, claim.trialId(), resultOrNull);
            }
            return true;
        });
    }

    /**
     * Imports a trial that is already completed on disk (its {@code result.json} from an earlier
     * run of the sweep), without a claim. Does nothing if the trial is completed in the database.
     * Its build is the one its result's provenance names ({@code build}), unknown if none.
     *
     * @param trialId the trial
     * @param result its {@code result.json} content
     */
    public void markCompleted(String trialId, Map<String, Object> result) {
        require(trialId, "trialId");
        requireResult(result);
        write("importing the result of trial " + trialId,
                (c, now) -> complete(c, now, trialId, null, result, null, ResultRows.number(result, "seconds")));
    }

    /**
     * The trials of a sweep, in the order they were added to it.
     *
     * @param sweepId the sweep; null for every trial of the database, in the order first added
     * @return the trials
     */
    public List<TrialRecord> trials(String sweepId) {
        return read("listing trials", c -> {
            String from = sweepId == null ? "FROM trials t" : "FROM sweep_trials s JOIN trials t ON t.id = s.trial_id";
            String where = sweepId == null ? "" : " WHERE s.sweep_id = ?";
            Map<String, Map<String, String>> points = pairs(c, "trial_point", from, where, sweepId);
            Map<String, Map<String, String>> configs = pairs(c, "trial_config", from, where, sweepId);
            List<TrialRecord> list = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT " + TRIAL_COLUMNS + " " + from + where
                    + (sweepId == null ? " ORDER BY t.seq" : " ORDER BY s.seq"))) {
                if (sweepId != null) {
                    s.setString(1, sweepId);
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        String id = r.getString(1);
                        list.add(new TrialRecord(id, points.getOrDefault(id, Map.of()),
                                configs.getOrDefault(id, Map.of()), r.getString(2), r.getInt(3), r.getString(4),
                                r.getString(5), r.getString(6), instant(r, 7), instant(r, 8), nullableDouble(r, 9),
                                r.getString(10)));
                    }
                }
            }
            return list;
        });
    }

    /**
     * How many trials of a sweep have each status.
     *
     * @param sweepId the sweep; null for the whole database
     * @return status to count, every status of {@link TrialStatus#ALL} present (0 where none)
     */
    public Map<String, Integer> counts(String sweepId) {
        return read("counting trials", c -> {
            Map<String, Integer> counts = new LinkedHashMap<>();
            TrialStatus.ALL.forEach(status -> counts.put(status, 0));
            String sql = sweepId == null ? "SELECT status, COUNT(*) FROM trials GROUP BY status"
                    : "SELECT t.status, COUNT(*) FROM sweep_trials s JOIN trials t ON t.id = s.trial_id"
                            + " WHERE s.sweep_id = ? GROUP BY t.status";
            try (PreparedStatement s = c.prepareStatement(sql)) {
                if (sweepId != null) {
                    s.setString(1, sweepId);
                }
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        counts.put(r.getString(1), r.getInt(2));
                    }
                }
            }
            return counts;
        });
    }

    /**
     * The stored result of a trial: the {@code result.json} content of its completion, or of its
     * last failed attempt if that wrote one. Non-finite numbers read back as null.
     *
     * @param trialId the trial
     * @return the result; empty if none is stored
     */
    public Optional<Map<String, Object>> result(String trialId) {
        return read("reading the result of trial " + trialId, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT result FROM trials WHERE id = ?")) {
                s.setString(1, trialId);
                try (ResultSet r = s.executeQuery()) {
                    String json = r.next() ? r.getString(1) : null;
                    return json == null ? Optional.<Map<String, Object>>empty() : Optional.of(ResultRows.parseObject(json));
                }
            }
        });
    }

    /**
     * The per-epoch metrics of a trial, by epoch, then train, validation, test, then task and
     * metric.
     *
     * @param trialId the trial
     * @return the rows; empty if none are stored
     */
    public List<EpochRow> epochs(String trialId) {
        return read("reading the epochs of trial " + trialId, c -> {
            List<EpochRow> rows = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT epoch, phase, split, task, metric, value"
                    + " FROM epoch_metrics WHERE trial_id = ? ORDER BY epoch, CASE split WHEN 'train' THEN 0"
                    + " WHEN 'validation' THEN 1 WHEN 'test' THEN 2 ELSE 3 END, split, task, metric, phase")) {
                s.setString(1, trialId);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(new EpochRow(r.getInt(1), r.getString(2), r.getString(3), r.getString(4),
                                r.getString(5), nanForNull(r, 6)));
                    }
                }
            }
            return rows;
        });
    }

    /**
     * The per-epoch task weights of a trial, by epoch and task.
     *
     * @param trialId the trial
     * @return the rows; empty if none are stored
     */
    public List<WeightRow> weights(String trialId) {
        return read("reading the weights of trial " + trialId, c -> {
            List<WeightRow> rows = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT epoch, phase, task, weight FROM epoch_weights"
                    + " WHERE trial_id = ? ORDER BY epoch, task, phase")) {
                s.setString(1, trialId);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(new WeightRow(r.getInt(1), r.getString(2), r.getString(3), nanForNull(r, 4)));
                    }
                }
            }
            return rows;
        });
    }

    /**
     * The final metrics of a completed trial: validation, then test, by task and metric.
     *
     * @param trialId the trial
     * @return the rows; empty if the trial has not completed
     */
    public List<MetricRow> metrics(String trialId) {
        return read("reading the metrics of trial " + trialId, c -> {
            List<MetricRow> rows = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT split, task, metric, value FROM metrics"
                    + " WHERE trial_id = ? ORDER BY CASE split WHEN 'validation' THEN 0 ELSE 1 END, task, metric")) {
                s.setString(1, trialId);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        rows.add(new MetricRow(r.getString(1), r.getString(2), r.getString(3), nanForNull(r, 4)));
                    }
                }
            }
            return rows;
        });
    }

    /** Closes the connection. Trials still running stay so until released or reclaimed. */
    @Override
    public synchronized void close() {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("closing results database {}: {}", target.name(), target.scrub(e.getMessage()));
        } finally {
            connection = null;
        }
    }

    // ---------------------------------------------------------------- writing results

    /** Completes a trial under a claim, or without one (an import of a result found on disk). */
    private boolean complete(Connection c, long now, String trialId, TrialClaim claim, Map<String, Object> result,
            String worker, Double seconds) throws SQLException {
        int updated;
        boolean imported = claim == null;
        // a claimed trial keeps the build its coordinator recorded; an imported one has its result's
        try (PreparedStatement s = c.prepareStatement("UPDATE trials SET status = 'completed', reason = NULL,"
                + " owner = COALESCE(?, owner), worker = ?, finished = ?, seconds = ?, train_seconds = ?,"
                + " ms_per_step = ?, parameters = ?, peak_rss_mb = ?, epochs_completed = ?, selected_epoch = ?,"
                + " result = ?, provenance = ?" + (imported ? ", build = ?" : "") + " WHERE id = ? AND "
                + (imported ? "status <> 'completed'" : "claim_token = ? AND status IN ('running', 'retry')"))) {
            s.setString(1, imported ? null : claim.owner());
            s.setString(2, worker);
            s.setLong(3, now);
            setDouble(s, 4, seconds);
            setDouble(s, 5, ResultRows.number(result, "seconds"));
            setDouble(s, 6, ResultRows.number(result, "ms_per_step"));
            setLong(s, 7, ResultRows.whole(result, "parameters"));
            setDouble(s, 8, ResultRows.number(result, "peak_rss_mb"));
            setLong(s, 9, ResultRows.whole(result, "epochs_completed"));
            setLong(s, 10, ResultRows.whole(result, "selected_epoch"));
            s.setString(11, ResultRows.json(result));
            s.setString(12, ResultRows.json(result.get("provenance")));
            if (imported) {
                s.setString(13, ResultRows.build(result));
                s.setString(14, trialId);
            } else {
                s.setString(13, trialId);
                s.setString(14, claim.token());
            }
            updated = s.executeUpdate();
        }
        if (updated == 0) {
            String[] state = state(c, trialId); // an unknown trial is the caller's error, not a silent no-op
            if (claim == null || TrialStatus.COMPLETED.equals(state[0])) {
                LOG.info("trial {} is already completed in {}: its stored result is kept", trialId, target.name());
            } else {
                LOG.warn("the completion of trial {} by attempt {} is not recorded: {}", trialId, claim.attempt(),
                        whyNotCurrent(c, claim));
            }
            return false;
        }
        try (PreparedStatement d = c.prepareStatement("DELETE FROM metrics WHERE trial_id = ?")) {
            d.setString(1, trialId);
            d.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO metrics (trial_id, split, task, metric, value) VALUES (?, ?, ?, ?, ?)")) {
            for (ResultRows.Metric m : ResultRows.finalMetrics(result)) {
                s.setString(1, trialId);
                s.setString(2, m.split());
                s.setString(3, m.task());
                s.setString(4, m.metric());
                setDouble(s, 5, m.value());
                s.addBatch();
            }
            s.executeBatch();
        }
        replaceEpochRows(c, trialId, result);
        return true;
    }

    private static void replaceEpochRows(Connection c, String trialId, Map<String, Object> result) throws SQLException {
        for (String table : List.of("epoch_metrics", "epoch_weights")) {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM " + table + " WHERE trial_id = ?")) {
                d.setString(1, trialId);
                d.executeUpdate();
            }
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO epoch_metrics"
                + " (trial_id, epoch, phase, split, task, metric, value) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            for (ResultRows.EpochMetric m : ResultRows.epochMetrics(result)) {
                s.setString(1, trialId);
                s.setInt(2, m.epoch());
                s.setString(3, m.phase());
                s.setString(4, m.split());
                s.setString(5, m.task());
                s.setString(6, m.metric());
                setDouble(s, 7, m.value());
                s.addBatch();
            }
            s.executeBatch();
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO epoch_weights (trial_id, epoch, phase, task, weight) VALUES (?, ?, ?, ?, ?)")) {
            for (ResultRows.Weight w : ResultRows.weights(result)) {
                s.setString(1, trialId);
                s.setInt(2, w.epoch());
                s.setString(3, w.phase());
                s.setString(4, w.task());
                setDouble(s, 5, w.weight());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private String[] state(Connection c, String trialId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT status, owner FROM trials WHERE id = ?")) {
            s.setString(1, trialId);
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw unknownTrial(trialId);
                }
                return new String[] {r.getString(1), r.getString(2)};
            }
        }
    }

    /** Why a claim is not the trial's current one, for the log. */
    private String whyNotCurrent(Connection c, TrialClaim claim) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT status, owner, attempts, claim_token FROM trials WHERE id = ?")) {
            s.setString(1, claim.trialId());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw unknownTrial(claim.trialId());
                }
                String status = r.getString(1);
                if (TrialStatus.COMPLETED.equals(status)) {
                    return "the trial is already completed";
                }
                if (r.getString(4) == null) {
                    return "its claim was released; the trial is " + status;
                }
                if (!r.getString(4).equals(claim.token())) {
                    return "the trial was claimed again (attempt " + r.getInt(3) + " under " + r.getString(2)
                            + ", now " + status + ")";
                }
                return "the trial is " + status;
            }
        }
    }

    private static void insertPairs(Connection c, String table, String trialId, Map<String, String> pairs)
            throws SQLException {
        if (pairs == null || pairs.isEmpty()) {
            return;
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table + " (trial_id, ordinal, key, value)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (trial_id, key) DO NOTHING")) {
            int ordinal = 0;
            for (Map.Entry<String, String> e : pairs.entrySet()) {
                s.setString(1, trialId);
                s.setInt(2, ordinal++);
                s.setString(3, e.getKey());
                s.setString(4, e.getValue());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static Map<String, Map<String, String>> pairs(Connection c, String table, String from, String where,
            String sweepId) throws SQLException {
        Map<String, Map<String, String>> byTrial = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("SELECT p.trial_id, p.key, p.value " + from
                + " JOIN " + table + " p ON p.trial_id = t.id" + where + " ORDER BY p.trial_id, p.ordinal")) {
            if (sweepId != null) {
                s.setString(1, sweepId);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    byTrial.computeIfAbsent(r.getString(1), k -> new LinkedHashMap<>()).put(r.getString(2), r.getString(3));
                }
            }
        }
        return byTrial;
    }

    // ---------------------------------------------------------------- transactions

    /** Work inside a write transaction; {@code now} is the database's clock, in epoch ms. */
    private interface WriteWork<T> {
        T run(Connection c, long now) throws SQLException;
    }

    private interface ReadWork<T> {
        T run(Connection c) throws SQLException;
    }

    private synchronized <T> T write(String doing, WriteWork<T> work) {
        for (int tryNumber = 1;; tryNumber++) {
            Connection c = connection();
            try {
                target.dialect().begin(c);
                T value = work.run(c, target.dialect().now(c));
                target.dialect().commit(c);
                return value;
            } catch (SQLException e) {
                rollbackQuietly(c);
                if (tryNumber < TRIES && retryable(e)) {
                    LOG.debug("{} on {}: {}; trying again", doing, target.name(), target.scrub(e.getMessage()));
                    backOff(tryNumber);
                    continue;
                }
                throw failure(doing, e);
            } catch (RuntimeException | Error e) {
                rollbackQuietly(c);
                throw e;
            }
        }
    }

    private synchronized <T> T read(String doing, ReadWork<T> work) {
        for (int tryNumber = 1;; tryNumber++) {
            Connection c = connection();
            try {
                return work.run(c);
            } catch (SQLException e) {
                if (tryNumber < TRIES && retryable(e)) {
                    backOff(tryNumber);
                    continue;
                }
                throw failure(doing, e);
            }
        }
    }

    /**
     * PostgreSQL: a deadlock or serialization failure is retried; a lost connection is reopened
     * and the transaction retried (every write here may run twice safely: a repeated claim by the
     * same owner returns its attempt, a repeated completion changes nothing).
     */
    private boolean retryable(SQLException e) {
        if (target.dialect() != Dialect.POSTGRESQL) {
            return false;
        }
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        if (state.equals("40001") || state.equals("40P01")) {
            return true;
        }
        if (state.startsWith("08")) {
            try {
                if (connection != null && !connection.isClosed() && connection.isValid(2)) {
                    return true;
                }
            } catch (SQLException ignored) {
                // reconnect below
            }
            close();
            try {
                connection = connect(target, busyTimeout);
                return true;
            } catch (ResultsDatabaseException reconnect) {
                return false;
            }
        }
        return false;
    }

    private static void backOff(int tryNumber) {
        try {
            Thread.sleep(50L * tryNumber * tryNumber);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResultsDatabaseException("interrupted while waiting to retry a results database write", e);
        }
    }

    private void rollbackQuietly(Connection c) {
        try {
            target.dialect().rollback(c);
        } catch (SQLException e) {
            LOG.debug("rollback on {}: {}", target.name(), target.scrub(e.getMessage()));
        }
    }

    private Connection connection() {
        if (connection == null) {
            throw new IllegalStateException("results database " + target.name() + " is closed");
        }
        return connection;
    }

    // ---------------------------------------------------------------- opening

    private static Connection connect(DatabaseTarget target, Duration busyTimeout) {
        return target.dialect() == Dialect.SQLITE ? connectSqlite(target, busyTimeout) : connectPostgres(target);
    }

    private static Connection connectSqlite(DatabaseTarget target, Duration busyTimeout) {
        Path file = target.file();
        if (file != null) {
            checkSqliteFile(file);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(0, busyTimeout.toMillis())));
        config.enforceForeignKeys(true);
        // a committed result must survive a power cut too, not only a killed process
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        try {
            Connection c = new org.sqlite.JDBC().connect(target.jdbcUrl(), config.toProperties());
            if (c == null) {
                throw new ResultsDatabaseException("the SQLite driver does not accept " + target.shownUrl());
            }
            return c;
        } catch (SQLException e) {
            throw sqliteFailure(target, busyTimeout, "opening it", e);
        }
    }

    /** An existing file must start like an SQLite database: anything else is left untouched. */
    private static void checkSqliteFile(Path file) {
        try {
            if (!Files.exists(file)) {
                Path parent = file.getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                return;
            }
            if (!Files.isRegularFile(file)) {
                throw new ResultsDatabaseException("The results database " + file + " is not a file (a directory?)."
                        + " Remove it, or name another database with results.url=jdbc:sqlite:<file>.");
            }
            if (Files.size(file) == 0) {
                return;
            }
            byte[] head = new byte[SQLITE_HEADER.length];
            int n;
            try (InputStream in = Files.newInputStream(file)) {
                n = in.readNBytes(head, 0, head.length);
            }
            if (n < head.length || !Arrays.equals(head, SQLITE_HEADER)) {
                throw new ResultsDatabaseException("The results database " + file + " is not an SQLite database"
                        + " (it does not start with the SQLite header; damaged, or another kind of file)."
                        + " OpenMTL leaves it untouched. Move it away and run again (trials whose result.json"
                        + " is complete are imported, the others run again), or name another database with"
                        + " results.url=jdbc:sqlite:<file>.");
            }
        } catch (IOException e) {
            throw new ResultsDatabaseException("Cannot read the results database " + file + ": " + e
                    + ". Check that the file and its directory are readable and writable.", e);
        }
    }

    private static Connection connectPostgres(DatabaseTarget target) {
        try {
            Connection c = new org.postgresql.Driver().connect(target.jdbcUrl(), new Properties());
            if (c == null) {
                throw new ResultsDatabaseException("the PostgreSQL driver does not accept " + target.shownUrl());
            }
            return c;
        } catch (SQLException e) {
            throw postgresFailure(target, "connecting", e);
        }
    }

    private void prepareSchema() {
        if (target.dialect() == Dialect.SQLITE) {
            int version = read("reading its schema", c -> sqliteVersion(c));
            checkVersion(version);
            if (target.file() != null) {
                String mode = read("switching it to write-ahead logging", c -> {
                    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA journal_mode=WAL")) {
                        return r.next() ? r.getString(1) : "";
                    }
                });
                if (!"wal".equalsIgnoreCase(mode)) {
                    LOG.warn("results database {} runs in journal mode {}, not WAL: readers wait for writers",
                            target.name(), mode);
                }
            }
            if (version < Schema.CURRENT) {
                write("creating its tables", (c, now) -> migrate(c, now, sqliteVersion(c)));
            }
        } else {
            int version = read("reading its schema", this::postgresVersion);
            checkVersion(version);
            if (version < Schema.CURRENT) {
                write("creating its tables", (c, now) -> {
                    try (Statement s = c.createStatement()) {
                        s.execute("SELECT pg_advisory_xact_lock(" + SCHEMA_LOCK_KEY + ")");
                    }
                    return migrate(c, now, postgresVersion(c));
                });
            }
        }
    }

    private Void migrate(Connection c, long now, int from) throws SQLException {
        checkVersion(from);
        for (int v = from + 1; v <= Schema.CURRENT; v++) {
            try (Statement s = c.createStatement()) {
                for (String sql : Schema.migration(v, target.dialect())) {
                    s.execute(sql);
                }
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO schema_version (version, applied) VALUES (?, ?)")) {
                s.setInt(1, v);
                s.setLong(2, now);
                s.executeUpdate();
            }
            LOG.debug("results database {} at schema version {}", target.name(), v);
        }
        return null;
    }

    /** 0 for an empty file; refuses an SQLite database of something else. */
    private int sqliteVersion(Connection c) throws SQLException {
        Set<String> tables = new HashSet<>();
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
            while (r.next()) {
                tables.add(r.getString(1));
            }
        }
        if (tables.isEmpty()) {
            return 0;
        }
        if (!tables.contains("schema_version")) {
            tables.remove("sqlite_sequence");
            throw new ResultsDatabaseException("The results database " + target.name() + " is an SQLite database of"
                    + " something else (tables " + new java.util.TreeSet<>(tables) + ", no schema_version table)."
                    + " OpenMTL leaves it untouched. Move it away, or name another database with"
                    + " results.url=jdbc:sqlite:<file>.");
        }
        return maxVersion(c);
    }

    private int postgresVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT to_regclass('schema_version') IS NOT NULL")) {
            r.next();
            if (!r.getBoolean(1)) {
                return 0;
            }
        }
        return maxVersion(c);
    }

    private static int maxVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }

    private void checkVersion(int version) {
        if (version > Schema.CURRENT) {
            throw new ResultsDatabaseException("The results database " + target.name() + " has schema version "
                    + version + ", written by a newer OpenMTL; this build knows versions up to " + Schema.CURRENT
                    + ". Run this sweep with the newer OpenMTL, or give it another database with results.url=...");
        }
    }

    // ---------------------------------------------------------------- errors

    private ResultsDatabaseException failure(String doing, SQLException e) {
        return target.dialect() == Dialect.SQLITE ? sqliteFailure(target, busyTimeout, doing, e)
                : postgresFailure(target, doing, e);
    }

    private static ResultsDatabaseException sqliteFailure(DatabaseTarget target, Duration busyTimeout, String doing,
            SQLException e) {
        String db = "The results database " + target.name();
        String detail = " (" + target.scrub(e.getMessage()) + ")";
        int code = e.getErrorCode() & 0xff;
        String message = switch (code) {
            case 5, 6 -> db + " is locked: another process has held its write lock for more than "
                    + busyTimeout.toMillis() + " ms while this one was " + doing + detail + ". Another sweep, or a"
                    + " program with the file open, is writing to it. Wait for it to finish and run again, let this"
                    + " one wait longer with -D" + BUSY_TIMEOUT_PROPERTY + "=<milliseconds>, or give this sweep"
                    + " its own database with results.url=jdbc:sqlite:<file>.";
            case 11, 26 -> db + " is damaged" + detail + "; found while " + doing + ". OpenMTL does not repair or"
                    + " replace it. Keep it for inspection (sqlite3 <file> 'PRAGMA integrity_check'), move it away"
                    + " and run again: trials whose result.json is complete are imported, the others run again.";
            case 8 -> db + " is read-only" + detail + ". Make the file and its directory writable, or name"
                    + " another database with results.url=jdbc:sqlite:<file>.";
            case 13 -> db + " cannot grow: the disk is full" + detail + ". Free some space and run again.";
            case 14 -> db + " cannot be opened" + detail + ". Check that its directory exists and is writable.";
            default -> db + ": error while " + doing + detail + ".";
        };
        return new ResultsDatabaseException(message, e);
    }

    private static ResultsDatabaseException postgresFailure(DatabaseTarget target, String doing, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String db = target.name() + " (" + target.shownUrl() + ")";
        String detail = target.scrub(e.getMessage());
        String message;
        if (state.startsWith("08")) {
            message = "Cannot reach the results database " + db + " while " + doing + ": " + detail
                    + ". Check that the server is running and accepts TCP connections at that host and port, and"
                    + " that results.url names them (docs/results-database.md shows how to start one).";
        } else if (state.startsWith("28")) {
            message = "The results database " + db + " refused the login: " + detail
                    + ". Check user and password in results.url (the password is not shown here).";
        } else if (state.equals("3D000")) {
            message = "The results database " + db + " does not exist: " + detail
                    + ". Create it first, e.g. createdb -O <user> <database>.";
        } else if (state.equals("42501")) {
            message = "The results database " + db + " refused " + doing + ": " + detail
                    + ". The user in results.url needs to own the database or have CREATE and write rights on it.";
        } else {
            message = "The results database " + db + ": error while " + doing + ": " + detail
                    + (state.isEmpty() ? "" : " (SQL state " + state + ")") + ".";
        }
        return new ResultsDatabaseException(message, e);
    }

    private IllegalStateException unknownTrial(String trialId) {
        return new IllegalStateException("trial " + trialId + " is not in the results database " + target.name()
                + ": add it with addTrial first");
    }

    // ---------------------------------------------------------------- small helpers

    private static Duration busyTimeoutFromProperty() {
        String value = System.getProperty(BUSY_TIMEOUT_PROPERTY);
        if (value == null || value.isBlank()) {
            return Duration.ofMillis(DEFAULT_BUSY_TIMEOUT_MS);
        }
        try {
            long ms = Long.parseLong(value.trim());
            if (ms < 0) {
                throw new NumberFormatException();
            }
            return Duration.ofMillis(ms);
        } catch (NumberFormatException e) {
            throw new ResultsDatabaseException("-D" + BUSY_TIMEOUT_PROPERTY + "=" + value
                    + " is not a number of milliseconds (expected e.g. 10000)");
        }
    }

    private static void require(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
    }

    private static void requireClaim(TrialClaim claim) {
        if (claim == null || claim.trialId() == null || claim.token() == null) {
            throw new IllegalArgumentException("a trial is finished under the claim that claim() returned: " + claim);
        }
    }

    private static void requireResult(Map<String, Object> result) {
        if (result == null) {
            throw new IllegalArgumentException("a completed trial needs its result");
        }
    }

    private static void setDouble(PreparedStatement s, int index, Double value) throws SQLException {
        if (value == null || !Double.isFinite(value)) {
            s.setNull(index, Types.DOUBLE);
        } else {
            s.setDouble(index, value);
        }
    }

    private static void setLong(PreparedStatement s, int index, Long value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.BIGINT);
        } else {
            s.setLong(index, value);
        }
    }

    private static Instant instant(ResultSet r, int column) throws SQLException {
        long ms = r.getLong(column);
        return r.wasNull() ? null : Instant.ofEpochMilli(ms);
    }

    private static Double nullableDouble(ResultSet r, int column) throws SQLException {
        double d = r.getDouble(column);
        return r.wasNull() ? null : d;
    }

    private static double nanForNull(ResultSet r, int column) throws SQLException {
        double d = r.getDouble(column);
        return r.wasNull() ? Double.NaN : d;
    }
}
