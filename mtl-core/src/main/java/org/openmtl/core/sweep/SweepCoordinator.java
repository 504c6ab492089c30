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
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.results.ResultsDatabase;
import org.openmtl.core.results.TrialClaim;
import org.openmtl.core.results.TrialRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one pass of a sweep over its trials: claims each trial in the results database, hands it
 * to the executor (at most {@link TrialExecutor#slots()} at once), records the outcome, and retries
 * a failed or lost attempt up to {@code retries} times (a trial whose training diverged is not
 * retried: a deterministic run would diverge again). A trial fails alone; the sweep goes on.
 *
 * <p>Several sweeps may share one database: a trial is run by the sweep that claims it; the others
 * wait for it. Every claim carries this coordinator's owner id, a fencing token and a heartbeat;
 * a trial whose owner stopped beating (the sweep was killed) is given back after {@link
 * #staleAfter()} and run again from its checkpoint. An outcome is recorded only under the claim
 * the attempt was started with.
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
    private String sweepId;

    SweepCoordinator(ResultsDatabase db, TrialExecutor executor, SweepSettings settings, Path directory, String progressMode) {
        this.db = db;
        this.executor = executor;
        this.settings = settings;
        this.directory = directory;
        this.progressMode = progressMode;
        this.owner = ownerId();
    }

    /** The claims of the attempts running now, by trial id. */
    private final Map<String, TrialClaim> claims = new ConcurrentHashMap<>();

    private record Done(SweepRunner.ResolvedTrial trial, TrialClaim claim, TrialOutcome outcome) {}

    /**
     * The sweep's id in the results database (a hash of its directory and trials).
     *
     * @return the id, once {@link #run} started
     */
    String sweepId() {
        return sweepId;
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

        SweepProgress progress = SweepProgress.forMode(progressMode, trials.size(), executor.slots());
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mtl-sweep-heartbeat");
            t.setDaemon(true);
            return t;
        });
        heartbeat.scheduleAtFixedRate(() -> {
            try {
                db.heartbeat(List.copyOf(claims.values()));
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
                submit(trial, claim.get(), progress, done);
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

    private void submit(SweepRunner.ResolvedTrial trial, TrialClaim claim, SweepProgress progress, BlockingQueue<Done> done) {
        int attempt = claim.attempt();
        claims.put(trial.id(), claim);
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
            executor.submit(spec, listener).whenComplete((outcome, error) -> done.add(new Done(trial, claim,
                    error == null ? outcome : TrialOutcome.lost("the executor failed: " + error, "?", 0))));
        } catch (RuntimeException e) {
            done.add(new Done(trial, claim, TrialOutcome.lost("the executor refused the trial: " + e, "?", 0)));
        }
    }

    private void record(Done d, Deque<SweepRunner.ResolvedTrial> queue, SweepProgress progress) {
        String label = SweepRunner.label(d.trial().point());
        claims.remove(d.trial().id(), d.claim());
        TrialOutcome o = d.outcome();
        int attempt = d.claim().attempt();
        if (o.status() == TrialOutcome.Status.COMPLETED) {
            // recorded only under the current claim: an attempt whose trial was taken over records nothing
            db.completed(d.claim(), o.result(), o.worker(), o.seconds());
            progress.finished(d.trial().id(), label, o, "completed");
            return;
        }
        boolean diverged = o.status() == TrialOutcome.Status.FAILED && o.result() != null;
        boolean retry = !diverged && attempt <= settings.retries();
        String reason = o.reason() + (diverged ? " (not retried: the run itself failed, and would again)"
                : retry ? "" : " (after " + attempt + " attempt" + (attempt == 1 ? "" : "s") + ")");
        db.failed(d.claim(), reason, retry, o.result());
        progress.finished(d.trial().id(), label, new TrialOutcome(o.status(), o.result(), reason, o.worker(), o.seconds()),
                retry ? "retry" : "failed");
        if (retry) {
            queue.add(d.trial());
        }
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
