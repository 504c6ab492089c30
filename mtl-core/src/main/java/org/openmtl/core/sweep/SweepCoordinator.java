package org.openmtl.core.sweep;

import com.google.gson.Gson;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.result.FrameworkBuild;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.results.ResultsDatabase;
import org.openmtl.core.results.TrialClaim;
import org.openmtl.core.results.TrialRecord;
import org.openmtl.core.results.TrialStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one pass of a sweep over its trials: claims each trial in the results database, hands it
 * to the executor (at most {@link TrialExecutor#slots()} at once), records the outcome, and retries
 * a failed or lost attempt up to {@code retries} times (a trial whose training diverged is not
 * retried: a deterministic run would diverge again). A trial fails alone; the sweep goes on.
 *
 * <p>Several sweeps may share one database: a trial is run by the sweep that claims it; the others
 * wait for it. Every claim carries this coordinator's owner id, a fencing token and a heartbeat; a
 * trial whose owner stopped beating (the sweep was killed or stalled) is given back after {@link
 * #staleAfter()} and run again from its checkpoint. An outcome is recorded only under the claim
 * the attempt was started with, so an attempt whose trial was taken over meanwhile records
 * nothing.
 *
 * <p>An attempt runs only while its claim is confirmed. The heartbeat refreshes the claims of all
 * running attempts every P = S/6; an attempt is stopped (its worker killed, its outcome not
 * recorded, its claim given back if it is still this coordinator's) when a heartbeat fails, when
 * the database answers that the claim is no longer held, or when no heartbeat confirmed it for the
 * lease L = 2S/3. The times, with the defaults:
 *
 * <pre>
 *   P  heartbeat period                    S/6    5 s
 *   B  results database busy timeout              10 s ({@link ResultsDatabase#DEFAULT_BUSY_TIMEOUT_MS})
 *   L  lease: longest run without a        2S/3  20 s
 *      confirmed heartbeat
 *   S  stale time: others reclaim after           30 s ({@link #staleAfter()})
 *
 *   P + B  <  L  <  S
 * </pre>
 *
 * A heartbeat due at t is confirmed by t + B or fails, so a coordinator that works confirms its
 * claims at least every P + B (15 s) and never runs into its lease; one that stalls (a hung
 * connection, a paused JVM, a lock held elsewhere) stops its attempts L after its last
 * confirmation, S - L (10 s) before any other coordinator may reclaim them. Two attempts of one
 * trial therefore do not run side by side, and if they ever did (a worker that cannot be killed),
 * the fencing token keeps the second from being overwritten and unique temporary names keep their
 * files apart.
 *
 * <p>Every claim records this coordinator's framework build ({@link FrameworkBuild}). Before it
 * runs anything, a pass looks at the trials earlier runs finished: those another build computed
 * (or whose build is unknown) are stale and run again, unless {@code reuse=stale} keeps them;
 * failed ones stay failed unless {@code retry.failed=true}. Either way it says so, with counts.
 */
final class SweepCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(SweepCoordinator.class);

    /** How often the lease of each running attempt is checked against the clock. */
    private static final Duration LEASE_CHECK = Duration.ofMillis(500);

    /**
     * After how long without a heartbeat a running trial counts as abandoned: 30 s, or the system
     * property {@code mtl.sweep.stale.seconds} (at least 1).
     */
    static Duration staleAfter() {
        return Duration.ofSeconds(Math.max(1, Long.getLong("mtl.sweep.stale.seconds", 30)));
    }

    /** How often this coordinator refreshes its claims: a sixth of the stale time. */
    static Duration heartbeatPeriod() {
        return staleAfter().dividedBy(6);
    }

    /** How long an attempt runs on without a confirmed heartbeat: two thirds of the stale time. */
    static Duration lease() {
        return staleAfter().multipliedBy(2).dividedBy(3);
    }

    private final ResultsDatabase db;
    private final TrialExecutor executor;
    private final SweepSettings settings;
    private final Path directory;
    private final String progressMode;
    private final String owner;
    private final String build;
    private String sweepId;
    private Reuse reuse;

    /** Fails the heartbeat, for tests of what a failed heartbeat does; null in a sweep. */
    private final Supplier<RuntimeException> heartbeatFault;

    /** The attempts running now, by trial id. */
    private final Map<String, Attempt> running = new ConcurrentHashMap<>();

    SweepCoordinator(ResultsDatabase db, TrialExecutor executor, SweepSettings settings, Path directory, String progressMode) {
        this(db, executor, settings, directory, progressMode, null);
    }

    /**
     * A coordinator whose heartbeat throws what {@code heartbeatFault} supplies whenever it
     * supplies something: the seam through which tests fail the heartbeat.
     */
    SweepCoordinator(ResultsDatabase db, TrialExecutor executor, SweepSettings settings, Path directory, String progressMode,
            Supplier<RuntimeException> heartbeatFault) {
        this.db = db;
        this.executor = executor;
        this.settings = settings;
        this.directory = directory;
        this.progressMode = progressMode;
        this.owner = ownerId();
        this.heartbeatFault = heartbeatFault;
        this.build = FrameworkBuild.current();
    }

    /**
     * What a run of a sweep did with the trials earlier runs had finished.
     *
     * @param build this run's framework build
     * @param trials the sweep's distinct trials
     * @param stale the finished (completed or failed) trials another build computed, or whose build is unknown
     * @param staleBuilds the builds of the stale trials, with how many each computed ({@code unknown} for none recorded)
     * @param staleRerun whether the stale trials run again ({@code reuse=fresh}) or were kept ({@code reuse=stale})
     * @param failed the failed trials that were not stale-and-rerun
     * @param failedRerun whether those run again ({@code retry.failed=true}) or stay failed
     */
    record Reuse(String build, int trials, List<String> stale, Map<String, Integer> staleBuilds,
            boolean staleRerun, List<String> failed, boolean failedRerun) {

        /**
         * What a person is told before the sweep runs: one line per kind of reused or rerun trial.
         *
         * @return the lines, empty when nothing earlier was finished
         */
        List<String> notices() {
            List<String> lines = new ArrayList<>();
            if (!stale.isEmpty()) {
                List<String> builds = new ArrayList<>();
                staleBuilds.forEach((b, n) -> builds.add(b + ": " + n));
                String which = stale.size() + " of " + trials + " trials" + " were finished by another framework build ("
                        + String.join(", ", builds) + ") than this one (" + FrameworkBuild.shortName(build) + ")";
                lines.add(staleRerun ? "sweep: " + which + ": running them again (reuse=stale keeps them)"
                        : "sweep: " + which + ": kept, as reuse=stale asks; the summary names the build of every result");
            }
            if (!failed.isEmpty()) {
                String n = failed.size() + (failed.size() == 1 ? " trial" : " trials");
                lines.add(failedRerun ? "sweep: " + n + " that failed in an earlier run will run again (retry.failed=true)"
                        : "sweep: " + n + " failed in an earlier run and stay" + (failed.size() == 1 ? "s" : "")
                                + " failed; retry.failed=true runs " + (failed.size() == 1 ? "it" : "them") + " again");
            }
            return lines;
        }
    }

    /** One attempt at a trial: its claim, what the executor was given, and whether it was stopped. */
    private static final class Attempt {
        final SweepRunner.ResolvedTrial trial;
        final TrialClaim claim;
        final TrialSpec spec;
        /** When a heartbeat last confirmed the claim (its claim counts), System.nanoTime(). */
        volatile long confirmed;
        /** Why the attempt was stopped; null while it may run. */
        volatile String stopped;

        Attempt(SweepRunner.ResolvedTrial trial, TrialClaim claim, TrialSpec spec, long confirmed) {
            this.trial = trial;
            this.claim = claim;
            this.spec = spec;
            this.confirmed = confirmed;
        }
    }

    private record Done(Attempt attempt, TrialOutcome outcome) {}

    /**
     * The sweep's id in the results database (a hash of its directory and trials).
     *
     * @return the id, once {@link #run} started
     */
    String sweepId() {
        return sweepId;
    }

    /**
     * What this run did with the trials earlier runs had finished.
     *
     * @return the decision, once {@link #run} has looked at the database; null before
     */
    Reuse reuse() {
        return reuse;
    }

    void run(List<SweepRunner.ResolvedTrial> trials) {
        sweepId = SweepPlan.id(Map.of("directory", directory.toAbsolutePath().normalize().toString(),
                "trials", String.join(",", trials.stream().map(SweepRunner.ResolvedTrial::id).toList())));
        db.registerSweep(sweepId, directory.toAbsolutePath().normalize().toString(), Map.of());
        for (SweepRunner.ResolvedTrial t : trials) {
            db.addTrial(sweepId, t.id(), t.point(), t.config().resolved());
        }
        importFinishedOnDisk(trials);
        db.reclaimStale(staleAfter());
        reuse = reopenStaleAndFailed(trials);
        // printed whatever the progress display: results kept or run again are never a silent choice
        reuse.notices().forEach(System.out::println);

        SweepProgress progress = SweepProgress.forMode(progressMode, trials.size(), executor.slots());
        ScheduledExecutorService heartbeat = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "mtl-sweep-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long period = heartbeatPeriod().toMillis();
        heartbeat.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
        heartbeat.scheduleAtFixedRate(this::checkLeases, LEASE_CHECK.toMillis(), LEASE_CHECK.toMillis(),
                TimeUnit.MILLISECONDS);
        Thread shutdown = new Thread(() -> {
            executor.close();
            try {
                db.release(owner);
            } catch (RuntimeException e) {
                // the next run reclaims them after STALE_AFTER
            }
        }, "mtl-sweep-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        try {
            loop(trials, progress);
        } finally {
            heartbeat.shutdownNow();
            progress.close();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdown);
            } catch (IllegalStateException e) {
                // shutting down already
            }
            db.release(owner);
        }
    }

    private void loop(List<SweepRunner.ResolvedTrial> trials, SweepProgress progress) {
        Deque<SweepRunner.ResolvedTrial> queue = new ArrayDeque<>();
        Map<String, TrialRecord> records = records();
        for (SweepRunner.ResolvedTrial t : trials) {
            TrialRecord r = records.get(t.id());
            if (r != null && "completed".equals(r.status())) {
                progress.kept(SweepRunner.label(t.point()));
            } else {
                queue.add(t);
            }
        }
        BlockingQueue<Done> done = new LinkedBlockingQueue<>();
        List<SweepRunner.ResolvedTrial> elsewhere = new ArrayList<>();
        int inFlight = 0;
        while (true) {
            while (inFlight < executor.slots() && !queue.isEmpty()) {
                SweepRunner.ResolvedTrial trial = queue.poll();
                long claimedAt = System.nanoTime();
                Optional<TrialClaim> claim = db.claim(trial.id(), owner);
                if (claim.isEmpty()) {
                    TrialRecord r = records().get(trial.id());
                    if (r != null && "running".equals(r.status())) {
                        elsewhere.add(trial);
                    } else if (r != null && "completed".equals(r.status())) {
                        progress.kept(SweepRunner.label(trial.point()));
                    } else if (r != null && "failed".equals(r.status())) {
                        progress.finished(trial.id(), SweepRunner.label(trial.point()),
                                TrialOutcome.failed(null, r.reason(), r.worker(), 0), "failed");
                    }
                    continue;
                }
                if (!db.recordBuild(claim.get(), build)) {
                    elsewhere.add(trial); // claimed again by another coordinator since: its attempt runs the trial
                    continue;
                }
                submit(trial, claim.get(), claimedAt, progress, done);
                inFlight++;
            }
            if (inFlight == 0) {
                if (elsewhere.isEmpty()) {
                    return;
                }
                progress.waiting(elsewhere.size());
                sleep(heartbeatPeriod());
                db.reclaimStale(staleAfter());
                Map<String, TrialRecord> now = records();
                for (var it = elsewhere.iterator(); it.hasNext(); ) {
                    SweepRunner.ResolvedTrial t = it.next();
                    String status = now.get(t.id()).status();
                    if (!"running".equals(status)) {
                        it.remove();
                        queue.add(t);
                    }
                }
                continue;
            }
            Done d;
            try {
                d = done.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("the sweep was interrupted", e);
            }
            inFlight--;
            record(d, queue, elsewhere, progress);
        }
    }

    private void submit(SweepRunner.ResolvedTrial trial, TrialClaim claim, long claimedAt, SweepProgress progress,
            BlockingQueue<Done> done) {
        Map<String, String> values = new LinkedHashMap<>(trial.config().resolved());
        values.put(RunKeys.THREADS, Integer.toString(settings.threadsPerTrial()));
        values.put(RunKeys.PROGRESS, "none");
        values.remove(RunKeys.RESUME);
        int number = claim.attempt();
        TrialSpec spec = new TrialSpec(trial.id(), values, number);
        Attempt attempt = new Attempt(trial, claim, spec, claimedAt);
        running.put(trial.id(), attempt);
        String label = SweepRunner.label(trial.point());
        TrialExecutor.TrialListener listener = new TrialExecutor.TrialListener() {
            @Override
            public void started(String worker) {
                progress.started(trial.id(), label, worker, number);
            }

            @Override
            public void epoch(int epoch, int epochs) {
                progress.epoch(trial.id(), epoch, epochs);
            }
        };
        try {
            executor.submit(spec, listener).whenComplete((outcome, error) -> done.add(new Done(attempt,
                    error == null ? outcome : TrialOutcome.lost("the executor failed: " + error, "?", 0))));
        } catch (RuntimeException e) {
            done.add(new Done(attempt, TrialOutcome.lost("the executor refused the trial: " + e, "?", 0)));
        }
    }

    /** Refreshes the claims of the running attempts; stops those whose claim is lost, or all if it fails. */
    private void beat() {
        List<Attempt> attempts = List.copyOf(running.values());
        long begun = System.nanoTime();
        Set<TrialClaim> lost;
        try {
            if (heartbeatFault != null) {
                RuntimeException fault = heartbeatFault.get();
                if (fault != null) {
                    throw fault;
                }
            }
            lost = db.heartbeat(attempts.stream().map(a -> a.claim).toList());
        } catch (RuntimeException e) {
            for (Attempt a : attempts) {
                stop(a, "the heartbeat failed (" + e.getMessage() + "), so its claim may lapse");
            }
            return;
        }
        for (Attempt a : attempts) {
            if (lost.contains(a.claim)) {
                stop(a, "its claim is no longer held (the trial was reclaimed as stale or claimed again)");
            } else {
                a.confirmed = begun;
            }
        }
    }

    /** Stops every attempt whose claim no heartbeat confirmed within the lease. */
    private void checkLeases() {
        long now = System.nanoTime();
        long lease = lease().toNanos();
        for (Attempt a : running.values()) {
            if (now - a.confirmed > lease) {
                stop(a, String.format(Locale.ROOT, "no heartbeat confirmed its claim for %.1f s (lease %.1f s)",
                        (now - a.confirmed) / 1e9, lease / 1e9));
            }
        }
    }

    private void stop(Attempt a, String why) {
        synchronized (a) {
            if (a.stopped != null) {
                return;
            }
            a.stopped = why;
        }
        LOG.warn("stopping attempt {} at trial {}: {}", a.claim.attempt(), a.trial.id(), why);
        try {
            executor.stop(a.spec);
        } catch (RuntimeException e) {
            LOG.warn("the executor could not stop attempt {} at trial {}: {}", a.claim.attempt(), a.trial.id(), e.toString());
        }
    }

    private void record(Done d, Deque<SweepRunner.ResolvedTrial> queue, List<SweepRunner.ResolvedTrial> elsewhere,
            SweepProgress progress) {
        Attempt a = d.attempt();
        running.remove(a.trial.id(), a);
        String id = a.trial.id();
        String label = SweepRunner.label(a.trial.point());
        TrialOutcome o = d.outcome();
        if (a.stopped != null) {
            // whatever the worker reported is not recorded; the claim, if still ours, goes back for a retry
            String reason = "attempt " + a.claim.attempt() + " stopped: " + a.stopped;
            boolean givenBack = false;
            try {
                givenBack = db.failed(a.claim, reason, true, null);
            } catch (RuntimeException e) {
                LOG.warn("cannot give back the claim of trial {}: {}", id, e.getMessage());
            }
            progress.finished(id, label, new TrialOutcome(o.status(), null, reason, o.worker(), o.seconds()), "stopped");
            // given back: this sweep claims it again; taken over: it waits for the other attempt
            (givenBack ? queue : elsewhere).add(a.trial);
            return;
        }
        if (o.status() == TrialOutcome.Status.COMPLETED) {
            Object ran = o.result().get("provenance") instanceof Map<?, ?> p ? p.get("build") : null;
            if (ran != null && !build.equals(ran)) {
                LOG.warn("trial {} ran on {} with framework build {}, not this coordinator's {}: its executors run other code",
                        id, o.worker(), FrameworkBuild.shortName(ran.toString()), FrameworkBuild.shortName(build));
            }
            if (db.completed(a.claim, o.result(), o.worker(), o.seconds())) {
                progress.finished(id, label, o, "completed");
            } else {
                progress.finished(id, label, new TrialOutcome(o.status(), null, "the trial was taken over by another"
                        + " attempt; this one's result is not recorded", o.worker(), o.seconds()), "stopped");
                elsewhere.add(a.trial);
            }
            return;
        }
        boolean diverged = o.status() == TrialOutcome.Status.FAILED && o.result() != null;
        boolean retry = !diverged && a.claim.attempt() <= settings.retries();
        String reason = o.reason() + (diverged ? " (not retried: the run itself failed, and would again)"
                : retry ? "" : " (after " + a.claim.attempt() + " attempt" + (a.claim.attempt() == 1 ? "" : "s") + ")");
        if (!db.failed(a.claim, reason, retry, o.result())) {
            progress.finished(id, label, new TrialOutcome(o.status(), null, "the trial was taken over by another"
                    + " attempt; this one's failure is not recorded", o.worker(), o.seconds()), "stopped");
            elsewhere.add(a.trial);
            return;
        }
        progress.finished(id, label, new TrialOutcome(o.status(), o.result(), reason, o.worker(), o.seconds()),
                retry ? "retry" : "failed");
        if (retry) {
            queue.add(a.trial);
        }
    }

    /**
     * Looks at the trials earlier runs finished: reopens those another build computed unless
     * {@code reuse=stale}, and those that failed if {@code retry.failed=true}. A reopened stale
     * trial's directory still holds the old run; {@link TrialRunner} starts it afresh, as its
     * checkpoint is of another build. A reopened failed trial continues from its last checkpoint,
     * as any retry does.
     */
    private Reuse reopenStaleAndFailed(List<SweepRunner.ResolvedTrial> trials) {
        Map<String, TrialRecord> records = records();
        Set<String> ids = new LinkedHashSet<>();
        trials.forEach(t -> ids.add(t.id()));
        List<String> stale = new ArrayList<>();
        Map<String, Integer> staleBuilds = new TreeMap<>();
        List<String> failed = new ArrayList<>();
        for (String id : ids) {
            TrialRecord r = records.get(id);
            if (r == null) {
                continue;
            }
            boolean isCompleted = TrialStatus.COMPLETED.equals(r.status());
            boolean isFailed = TrialStatus.FAILED.equals(r.status());
            if ((isCompleted || isFailed) && !build.equals(r.build())) {
                stale.add(id);
                staleBuilds.merge(FrameworkBuild.shortName(r.build()), 1, Integer::sum);
                if (!settings.reuseStale()) {
                    continue;
                }
            }
            if (isFailed) {
                failed.add(id);
            }
        }
        if (!settings.reuseStale()) {
            List<String> reopened = db.reopenStale(stale, build);
            if (reopened.size() < stale.size()) {
                LOG.info("{} of {} stale trials were reopened or finished by another coordinator meanwhile",
                        stale.size() - reopened.size(), stale.size());
            }
        }
        if (settings.retryFailed()) {
            db.reopenFailed(failed);
        }
        return new Reuse(build, ids.size(), List.copyOf(stale), Collections.unmodifiableMap(staleBuilds), !settings.reuseStale(),
                List.copyOf(failed), settings.retryFailed());
    }

    /** Trials completed by an earlier run without a database (or before it was lost) are recorded, not rerun. */
    @SuppressWarnings("unchecked")
    private void importFinishedOnDisk(List<SweepRunner.ResolvedTrial> trials) {
        Map<String, TrialRecord> records = records();
        for (SweepRunner.ResolvedTrial t : trials) {
            TrialRecord r = records.get(t.id());
            if (r != null && ("completed".equals(r.status()) || "running".equals(r.status()))) {
                continue;
            }
            Path file = t.config().outputDirectory().resolve("result.json");
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try {
                Map<String, Object> result = new Gson().fromJson(ResultFiles.readJson(file), Map.class);
                if (result != null && "completed".equals(result.get("status"))) {
                    db.markCompleted(t.id(), result);
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("{} is unreadable; the trial runs again", file);
            }
        }
    }

    private Map<String, TrialRecord> records() {
        Map<String, TrialRecord> m = new LinkedHashMap<>();
        for (TrialRecord r : db.trials(sweepId)) {
            m.put(r.id(), r);
        }
        return m;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the sweep was interrupted", e);
        }
    }

    private static String ownerId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        return host + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 8)
                + " (" + ManagementFactory.getRuntimeMXBean().getName() + ")";
    }
}
