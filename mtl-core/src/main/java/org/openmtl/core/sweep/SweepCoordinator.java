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
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.result.FrameworkBuild;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.results.ResultsDatabase;
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
 * wait for it. Every claim carries this coordinator's owner id and a heartbeat; a trial whose
 * owner stopped beating (the sweep was killed) is given back after {@link #staleAfter()} and run
 * again from its checkpoint.
 *
 * <p>Every claim records this coordinator's framework build ({@link FrameworkBuild}). Before it
 * runs anything, a pass looks at the trials earlier runs finished: those another build computed
 * (or whose build is unknown) are stale and run again, unless {@code reuse=stale} keeps them;
 * failed ones stay failed unless {@code retry.failed=true}. Either way it says so, with counts.
 */
final class SweepCoordinator {

    private static final Logger LOG = LoggerFactory.getLogger(SweepCoordinator.class);

    /** How often this coordinator tells the database that its trials are alive. */
    static final Duration HEARTBEAT = Duration.ofSeconds(5);

    /**
     * After how long without a heartbeat a running trial counts as abandoned: 30 s, or the system
     * property {@code mtl.sweep.stale.seconds}.
     */
    static Duration staleAfter() {
        return Duration.ofSeconds(Long.getLong("mtl.sweep.stale.seconds", 30));
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

    SweepCoordinator(ResultsDatabase db, TrialExecutor executor, SweepSettings settings, Path directory, String progressMode) {
        this.db = db;
        this.executor = executor;
        this.settings = settings;
        this.directory = directory;
        this.progressMode = progressMode;
        this.owner = ownerId();
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

    private record Done(SweepRunner.ResolvedTrial trial, int attempt, TrialOutcome outcome) {}

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
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mtl-sweep-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleAtFixedRate(() -> {
            try {
                db.heartbeat(owner);
            } catch (RuntimeException e) {
                LOG.warn("heartbeat failed: {}", e.getMessage());
            }
        }, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
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
                OptionalInt attempt = db.claim(trial.id(), owner);
                if (attempt.isEmpty()) {
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
                db.recordBuild(trial.id(), owner, build);
                submit(trial, attempt.getAsInt(), progress, done);
                inFlight++;
            }
            if (inFlight == 0) {
                if (elsewhere.isEmpty()) {
                    return;
                }
                progress.waiting(elsewhere.size());
                sleep(HEARTBEAT);
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
            record(d, queue, progress);
        }
    }

    private void submit(SweepRunner.ResolvedTrial trial, int attempt, SweepProgress progress, BlockingQueue<Done> done) {
        Map<String, String> values = new LinkedHashMap<>(trial.config().resolved());
        values.put(RunKeys.THREADS, Integer.toString(settings.threadsPerTrial()));
        values.put(RunKeys.PROGRESS, "none");
        values.remove(RunKeys.RESUME);
        TrialSpec spec = new TrialSpec(trial.id(), values, attempt);
        String label = SweepRunner.label(trial.point());
        TrialExecutor.TrialListener listener = new TrialExecutor.TrialListener() {
            @Override
            public void started(String worker) {
                progress.started(trial.id(), label, worker, attempt);
            }

            @Override
            public void epoch(int epoch, int epochs) {
                progress.epoch(trial.id(), epoch, epochs);
            }
        };
        try {
            executor.submit(spec, listener).whenComplete((outcome, error) -> done.add(new Done(trial, attempt,
                    error == null ? outcome : TrialOutcome.lost("the executor failed: " + error, "?", 0))));
        } catch (RuntimeException e) {
            done.add(new Done(trial, attempt, TrialOutcome.lost("the executor refused the trial: " + e, "?", 0)));
        }
    }

    private void record(Done d, Deque<SweepRunner.ResolvedTrial> queue, SweepProgress progress) {
        String label = SweepRunner.label(d.trial().point());
        TrialOutcome o = d.outcome();
        if (o.status() == TrialOutcome.Status.COMPLETED) {
            Object ran = o.result().get("provenance") instanceof Map<?, ?> p ? p.get("build") : null;
            if (ran != null && !build.equals(ran)) {
                LOG.warn("trial {} ran on {} with framework build {}, not this coordinator's {}: its executors run other code",
                        d.trial().id(), o.worker(), FrameworkBuild.shortName(ran.toString()), FrameworkBuild.shortName(build));
            }
            db.completed(d.trial().id(), owner, o.result(), o.worker(), o.seconds());
            progress.finished(d.trial().id(), label, o, "completed");
            return;
        }
        boolean diverged = o.status() == TrialOutcome.Status.FAILED && o.result() != null;
        boolean retry = !diverged && d.attempt() <= settings.retries();
        String reason = o.reason() + (diverged ? " (not retried: the run itself failed, and would again)"
                : retry ? "" : " (after " + d.attempt() + " attempt" + (d.attempt() == 1 ? "" : "s") + ")");
        db.failed(d.trial().id(), owner, reason, retry, o.result());
        progress.finished(d.trial().id(), label, new TrialOutcome(o.status(), o.result(), reason, o.worker(), o.seconds()),
                retry ? "retry" : "failed");
        if (retry) {
            queue.add(d.trial());
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
