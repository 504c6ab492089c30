package org.openmtl.core.sweep;

import com.google.gson.Gson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.result.FrameworkBuild;
import org.openmtl.core.result.ResultFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code executor=local}: a pool of {@code workers} worker JVMs on this machine ({@link
 * TrialWorker}), each running one trial at a time. A trial in its own JVM has the engine to itself
 * (one gradient collector per JVM), its own intra-op threads and its own peak memory, and a crash
 * of any kind (kill -9, out of memory, a native fault) is a lost attempt instead of a lost sweep.
 * A worker serves trial after trial, so small trials do not each pay for a JVM start; a worker
 * whose trial failed or died is replaced by a fresh JVM.
 *
 * <p>Each trial gets a directory beside the trials' ({@code <sweep>/logs/<id>/}, outside the trial's
 * own directory, which a fresh run sets aside) with {@code worker.log} (the worker's output,
 * appended over attempts), {@code attempt-N.json} (the spec) and, when an attempt ends normally,
 * {@code outcome-N.json}.
 */
public final class LocalExecutor implements TrialExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(LocalExecutor.class);

    /** JVM options a worker inherits from this JVM: system properties and heap settings. */
    private static final List<String> INHERITED_PREFIXES = List.of("-D", "-Xmx", "-Xms", "-XX:MaxDirectMemorySize", "-Xss");

    /**
     * JVM options of every worker beyond those it inherits (system property {@code
     * mtl.worker.jvm.options} replaces them).
     */
    static final String DEFAULT_WORKER_OPTIONS = "";

    private final int slots;
    private final ExecutorService pool;
    private final Deque<Integer> freeSlots = new ArrayDeque<>();
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    private final List<String> javaCommand;
    private final AtomicInteger started = new AtomicInteger();
    private volatile boolean closed;

    /**
     * Creates a pool.
     *
     * @param workers how many trials run at once, at least 1
     */
    public LocalExecutor(int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1: " + workers);
        }
        this.slots = workers;
        this.pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "mtl-local-worker");
            t.setDaemon(true);
            return t;
        });
        for (int i = 1; i <= workers; i++) {
            freeSlots.add(i);
        }
        this.javaCommand = javaCommand();
    }

    /**
     * The number of workers {@code workers=0} stands for: the cores divided by the threads per trial.
     *
     * @param threadsPerTrial the intra-op threads of each trial
     * @return at least 1
     */
    public static int defaultWorkers(int threadsPerTrial) {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, threadsPerTrial));
    }

    @Override
    public int slots() {
        return slots;
    }

    @Override
    public CompletableFuture<TrialOutcome> submit(TrialSpec trial, TrialListener listener) {
        if (closed) {
            throw new IllegalStateException("the local executor is closed");
        }
        String key = key(trial);
        attempts.put(key, Optional.empty());
        return CompletableFuture.supplyAsync(() -> {
            int slot;
            synchronized (freeSlots) {
                slot = freeSlots.isEmpty() ? slots + started.incrementAndGet() : freeSlots.poll();
            }
            try {
                return attempt(trial, listener, slot);
            } finally {
                attempts.remove(key);
                stopRequested.remove(key);
                synchronized (freeSlots) {
                    if (slot <= slots) {
                        freeSlots.add(slot);
                    }
                }
            }
        }, pool);
    }

    /** A running worker JVM: its process, the pipe to it and the pipe from it. */
    private record Worker(String name, Process process, java.io.Writer in, BufferedReader out) {}

    private final Map<Integer, Worker> workers = new ConcurrentHashMap<>();

    /** The attempts submitted and not ended, by {@link #key}, with their worker once it has one. */
    private final Map<String, Optional<Worker>> attempts = new ConcurrentHashMap<>();

    /** Attempts the sweep stopped before their worker was known: killed as soon as it is. */
    private final Set<String> stopRequested = ConcurrentHashMap.newKeySet();

    private Worker worker(int slot) throws IOException {
        Worker w = workers.get(slot);
        if (w != null && w.process().isAlive()) {
            return w;
        }
        String name = "local-" + slot;
        List<String> command = new ArrayList<>(javaCommand);
        command.add(TrialWorker.class.getName());
        command.add(name);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OPT_OUT_TRACKING", "true");
        Process process = builder.start();
        running.add(process);
        w = new Worker(name, process,
                new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8),
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)));
        workers.put(slot, w);
        return w;
    }

    private void retire(int slot, Worker w) {
        workers.remove(slot, w);
        running.remove(w.process());
        kill(w);
    }

    private static void kill(Worker w) {
        w.process().descendants().forEach(ProcessHandle::destroyForcibly);
        w.process().destroyForcibly();
    }

    /**
     * Kills the worker JVM of the attempt (SIGKILL, as a crash would): it writes nothing more, and
     * its attempt ends as lost. The slot gets a fresh worker for its next trial.
     */
    @Override
    public void stop(TrialSpec trial) {
        String key = key(trial);
        Optional<Worker> w = attempts.get(key);
        if (w == null) {
            return;
        }
        stopRequested.add(key);
        w.ifPresent(LocalExecutor::kill);
    }

    private static String key(TrialSpec trial) {
        return trial.id() + "#" + trial.attempt();
    }

    private TrialOutcome attempt(TrialSpec trial, TrialListener listener, int slot) {
        long begin = System.nanoTime();
        Path dir = logDirectory(Path.of(trial.values().get(RunKeys.OUTPUT_DIR)));
        Path spec = dir.resolve("attempt-" + trial.attempt() + ".json");
        Path outcomeFile = dir.resolve("outcome-" + trial.attempt() + ".json");
        Path log = dir.resolve("worker.log");
        String name = "local-" + slot;
        Worker w;
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(outcomeFile);
            ResultFiles.writeJson(spec, TrialWorker.toMap(trial));
            if (closed) {
                return TrialOutcome.lost("the sweep stopped before the trial started", name, 0);
            }
            w = worker(slot);
        } catch (IOException e) {
            return TrialOutcome.lost("cannot start a worker JVM: " + e.getMessage(), name, seconds(begin));
        }
        String worker = w.name() + " (pid " + w.process().pid() + ")";
        attempts.put(key(trial), Optional.of(w));
        if (stopRequested.contains(key(trial))) {
            kill(w);
        }
        try (var logOut = Files.newBufferedWriter(log, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND)) {
            logOut.write("== attempt " + trial.attempt() + " on " + worker + " at " + java.time.Instant.now());
            logOut.newLine();
            logOut.flush();
            w.in().write("RUN " + spec.toAbsolutePath() + " " + outcomeFile.toAbsolutePath() + "\n");
            w.in().flush();
            listener.started(worker);
            String line;
            while ((line = w.out().readLine()) != null) {
                if (line.equals(TrialWorker.DONE_LINE)) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = new Gson().fromJson(Files.readString(outcomeFile), Map.class);
                    TrialOutcome o = TrialWorker.fromMap(m);
                    if (o.status() != TrialOutcome.Status.COMPLETED) {
                        retire(slot, w); // a trial that failed gets no say over the next one's JVM
                    }
                    return new TrialOutcome(o.status(), o.result(), o.reason(), worker, seconds(begin));
                }
                if (line.startsWith(TrialWorker.EPOCH_LINE)) {
                    String[] parts = line.split(" ");
                    try {
                        listener.epoch(Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
                    } catch (RuntimeException e) {
                        LOG.debug("unreadable progress line from {}: {}", worker, line);
                    }
                } else {
                    logOut.write(line);
                    logOut.newLine();
                    logOut.flush();
                }
            }
            int code = w.process().waitFor();
            retire(slot, w);
            logOut.flush();
            return TrialOutcome.lost(deathReason(code, log), worker, seconds(begin));
        } catch (IOException e) {
            retire(slot, w);
            return TrialOutcome.lost("lost contact with the worker: " + e.getMessage(), worker, seconds(begin));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            retire(slot, w);
            return TrialOutcome.lost("the sweep was interrupted", worker, seconds(begin));
        }
    }

    /**
     * Where the executor keeps a trial's worker log, specs and outcomes: {@code <sweep>/logs/<id>}
     * for a trial directory {@code <sweep>/trials/<id>}.
     *
     * @param trialDirectory the trial's output directory
     * @return the log directory
     */
    public static Path logDirectory(Path trialDirectory) {
        Path absolute = trialDirectory.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        Path sweep = parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("trials")
                ? parent.getParent() : parent;
        return sweep.resolve("logs").resolve(absolute.getFileName().toString());
    }

    private static String deathReason(int code, Path log) {
        String how = code > 128 ? "killed by signal " + (code - 128) + (code == 137 ? " (SIGKILL: kill -9 or the"
                + " kernel's out-of-memory killer)" : code == 143 ? " (SIGTERM)" : "") : "exited with code " + code;
        String tail = "";
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> last = lines.subList(Math.max(0, lines.size() - 3), lines.size());
            tail = "; the end of " + log + ": " + String.join(" | ", last);
        } catch (IOException | UncheckedIOException e) {
            // the reason stands without the log's tail
        }
        return "the worker JVM " + how + " before the trial ended" + tail;
    }

    private static double seconds(long begin) {
        return (System.nanoTime() - begin) / 1e9;
    }

    /** The command that starts a JVM like this one: same java, class path, system properties and heap settings. */
    private static List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (INHERITED_PREFIXES.stream().anyMatch(arg::startsWith) && !arg.startsWith("-Dmtl.worker.")
                    && !arg.startsWith("-D" + FrameworkBuild.PROPERTY + "=")) {
                command.add(arg);
            }
        }
        // the workers run this class path: they are this build, and need not work it out again
        command.add("-D" + FrameworkBuild.PROPERTY + "=" + FrameworkBuild.current());
        if (command.stream().noneMatch(a -> a.startsWith("-Dai.djl.offline"))) {
            command.add("-Dai.djl.offline=true");
        }
        String options = System.getProperty("mtl.worker.jvm.options", DEFAULT_WORKER_OPTIONS).trim();
        if (!options.isEmpty()) {
            command.addAll(List.of(options.split("\\s+")));
        }
        String workerHeap = System.getProperty("mtl.worker.xmx");
        if (workerHeap != null) {
            command.removeIf(a -> a.startsWith("-Xmx"));
            command.add("-Xmx" + workerHeap);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        return command;
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers.values()) {
            try {
                w.in().close(); // end of input: an idle worker exits by itself
            } catch (IOException e) {
                // it is destroyed below anyway
            }
        }
        for (Process p : running) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        pool.shutdownNow();
    }
}
