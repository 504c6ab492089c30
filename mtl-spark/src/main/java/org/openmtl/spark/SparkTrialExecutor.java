package org.openmtl.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.SparkConf;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.api.java.JavaSparkContext;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.RunKeys;
import org.openmtl.core.result.FrameworkBuild;
import org.openmtl.core.sweep.TrialExecutor;
import org.openmtl.core.sweep.TrialOutcome;
import org.openmtl.core.sweep.TrialSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a sweep's trials on the executors of a Spark application ({@code executor=spark}).
 *
 * <p>Each attempt is a Spark job of one task, started from its own driver thread (Spark schedules
 * concurrent jobs of one context side by side). The task runs {@link
 * org.openmtl.core.sweep.TrialRunner#run} inside an executor JVM; the trial goes out as a JSON
 * string and its outcome comes back as a plain map. The engine allows one gradient collector per JVM, so {@code
 * spark.task.cpus} is set to the executor's cores: an executor runs one trial at a time. Spark
 * never retries a task ({@code spark.task.maxFailures=1}): the sweep decides about retries, and a
 * lost executor or a failed task ends the attempt as {@code LOST} or {@code FAILED} with Spark's
 * reason, never as an exception.
 *
 * <p>Settings: {@code spark.master} (see {@link SparkMaster}; under {@code spark-submit} its
 * {@code --master} is used when the sweep leaves the key at its default), {@code threads.per.trial}
 * (the executor cores on a cluster, unless {@code spark.executor.cores} is given), {@code
 * output.dir} (named in the application's name), and any other {@code spark.*} key, passed to
 * Spark as it is (e.g. {@code spark.executor.memory}, {@code spark.ui.enabled}).
 */
public final class SparkTrialExecutor implements TrialExecutor {

    private static final Logger LOG = LoggerFactory.getLogger(SparkTrialExecutor.class);

    /** The default of {@code spark.master}, as documented with the key. */
    static final String DEFAULT_MASTER = "local[*]";

    /** Heap and off-heap room of a cluster executor unless the sweep says otherwise. */
    static final String DEFAULT_EXECUTOR_MEMORY = "2g";
    static final String DEFAULT_EXECUTOR_MEMORY_OVERHEAD = "2g";

    /** How long a new application waits for its executors to register before it starts anyway. */
    private static final long REGISTRATION_WAIT_MS = 60_000;

    /** How long a failed job waits for its task's end event, which carries Spark's reason. */
    private static final long FAILURE_EVENT_WAIT_MS = 5_000;

    /** Keys whose relative values would resolve against an executor's working directory. */
    private static final List<String> PATH_KEYS = List.of(RunKeys.OUTPUT_DIR, RunKeys.DATA_DIR, RunKeys.PLUGINS_DIR);

    private final SparkMaster master;
    private final JavaSparkContext spark;
    private final TrialEvents events = new TrialEvents();
    private final ExecutorService driverThreads;
    private final AtomicLong attempts = new AtomicLong();
    /** The job group of every attempt not ended, by trial id and attempt number. */
    private final Map<String, String> groups = new ConcurrentHashMap<>();
    private final int configuredExecutors;
    private volatile boolean closed;

    /**
     * Starts a Spark application for a sweep.
     *
     * @param settings the sweep's configuration values
     * @throws ConfigException if {@code spark.master} cannot be read, or a local-cluster master has
     *     no SPARK_HOME to start executors from
     */
    public SparkTrialExecutor(Map<String, String> settings) {
        SparkConf conf = configure(settings, new SparkConf());
        this.master = SparkMaster.parse(conf.get("spark.master"));
        if (master.kind() == SparkMaster.Kind.LOCAL_CLUSTER) {
            checkSparkHome(master);
        }
        if (master.kind() == SparkMaster.Kind.LOCAL) {
            LOG.info("spark.master={} runs tasks in threads of this JVM, and the engine trains one network per JVM: "
                    + "one trial at a time. local-cluster[N,1,MB] runs N at once in executor JVMs.", master.url());
        }
        this.configuredExecutors = conf.getInt("spark.executor.instances", 0);
        this.spark = new JavaSparkContext(conf);
        spark.sc().addSparkListener(events);
        this.driverThreads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "openmtl-spark-trial");
            t.setDaemon(true);
            return t;
        });
        awaitExecutors();
        LOG.info("Spark application {} on {}: {} trial slot(s), {} core(s) per trial",
                spark.sc().applicationId(), master.url(), slots(), conf.get("spark.task.cpus"));
    }

    /**
     * The Spark configuration of a sweep: the sweep's {@code spark.*} keys over the defaults Spark
     * read (from {@code spark-submit}), then what this executor needs, whatever was given.
     *
     * @param settings the sweep's configuration values
     * @param conf Spark's defaults, changed in place
     * @return {@code conf}
     */
    static SparkConf configure(Map<String, String> settings, SparkConf conf) {
        settings.forEach((k, v) -> {
            if (k.startsWith("spark.") && !k.equals(RunKeys.SPARK_MASTER)) {
                conf.set(k, v);
            }
        });
        SparkMaster master = SparkMaster.parse(masterUrl(settings, conf.getOption("spark.master").getOrElse(() -> null)));
        conf.setMaster(master.url());
        if (!settings.containsKey("spark.app.name")) {
            conf.setAppName("openmtl sweep " + Path.of(settings.getOrDefault(RunKeys.OUTPUT_DIR, "runs/sweep")).toAbsolutePath().normalize());
        }
        int cores;
        switch (master.kind()) {
            case LOCAL:
                // one task at a time even if more are submitted: they would share this JVM
                cores = master.threads();
                break;
            case LOCAL_CLUSTER:
                cores = master.coresPerExecutor();
                conf.set("spark.executor.cores", Integer.toString(cores));
                conf.setIfMissing("spark.executor.memory", master.memoryMbPerExecutor() + "m");
                // the executors run on this machine: give them exactly this JVM's classpath, made
                // absolute because they run in their own working directories under SPARK_HOME/work
                conf.set("spark.executor.extraClassPath", joinPaths(conf.get("spark.executor.extraClassPath", ""),
                        absoluteClassPath(System.getProperty("java.class.path"))));
                break;
            default:
                cores = conf.contains("spark.executor.cores") ? conf.getInt("spark.executor.cores", 1)
                        : Integer.parseInt(settings.getOrDefault(RunKeys.THREADS_PER_TRIAL, "1").trim());
                conf.set("spark.executor.cores", Integer.toString(cores));
                conf.setIfMissing("spark.executor.memory", DEFAULT_EXECUTOR_MEMORY);
                conf.setIfMissing("spark.executor.memoryOverhead", DEFAULT_EXECUTOR_MEMORY_OVERHEAD);
                break;
        }
        warnIfOverridden(conf, "spark.task.cpus", Integer.toString(cores), "one trial per executor JVM");
        conf.set("spark.task.cpus", Integer.toString(cores));
        warnIfOverridden(conf, "spark.task.maxFailures", "1", "the sweep retries failed and lost trials itself");
        conf.set("spark.task.maxFailures", "1");
        String javaOptions = conf.get("spark.executor.extraJavaOptions", "");
        if (!javaOptions.contains("-Dai.djl.offline=")) {
            javaOptions = (javaOptions + " -Dai.djl.offline=true").trim();
        }
        if (master.kind() == SparkMaster.Kind.LOCAL_CLUSTER && !javaOptions.contains("-D" + FrameworkBuild.PROPERTY + "=")) {
            // the executors run this JVM's class path, hence this build; elsewhere they work out their own
            javaOptions = javaOptions + " -D" + FrameworkBuild.PROPERTY + "=" + FrameworkBuild.current();
        }
        conf.set("spark.executor.extraJavaOptions", javaOptions);
        conf.setIfMissing("spark.executorEnv.OPT_OUT_TRACKING", "true");
        return conf;
    }

    /**
     * The master URL: the sweep's {@code spark.master}, except that {@code spark-submit --master}
     * wins over the key's default value (a sweep launched by spark-submit rarely means local[*]).
     */
    static String masterUrl(Map<String, String> settings, String submitted) {
        String fromSweep = settings.get(RunKeys.SPARK_MASTER);
        if (fromSweep == null || fromSweep.isBlank() || (fromSweep.trim().equals(DEFAULT_MASTER) && submitted != null)) {
            return submitted != null ? submitted : DEFAULT_MASTER;
        }
        return fromSweep.trim();
    }

    /** Each entry made absolute; a trailing {@code *} (every jar of a directory) is kept. */
    static String absoluteClassPath(String classPath) {
        StringBuilder sb = new StringBuilder();
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            boolean wildcard = entry.equals("*") || entry.endsWith(java.io.File.separator + "*");
            String dir = wildcard ? entry.substring(0, entry.length() - 1) : entry;
            String absolute = Path.of(dir.isEmpty() ? "." : dir).toAbsolutePath().normalize().toString();
            sb.append(sb.length() == 0 ? "" : java.io.File.pathSeparator).append(absolute)
                    .append(wildcard ? java.io.File.separator + "*" : "");
        }
        return sb.toString();
    }

    private static String joinPaths(String a, String b) {
        return a.isBlank() ? b : a + java.io.File.pathSeparator + b;
    }

    private static void warnIfOverridden(SparkConf conf, String key, String value, String why) {
        if (conf.contains(key) && !conf.get(key).equals(value)) {
            LOG.warn("{}={} is replaced by {}: {}", key, conf.get(key), value, why);
        }
    }

    /**
     * local-cluster starts its executor JVMs through Spark's launcher, which reads {@code
     * SPARK_HOME/jars} and needs the Scala version (from {@code SPARK_SCALA_VERSION} or a {@code
     * launcher/target/scala-2.13} directory); without them executors fail to start over and over
     * and the sweep would wait for ever.
     */
    private static void checkSparkHome(SparkMaster master) {
        String home = System.getenv("SPARK_HOME");
        Path root = Path.of(home == null ? "." : home).toAbsolutePath().normalize();
        String missing = null;
        if (home == null) {
            missing = "SPARK_HOME is not set";
        } else if (!Files.isDirectory(root.resolve("jars"))) {
            missing = root.resolve("jars") + " does not exist";
        } else if (System.getenv("SPARK_SCALA_VERSION") == null && !Files.isDirectory(root.resolve("launcher/target/scala-2.13"))) {
            missing = "neither SPARK_SCALA_VERSION is set nor " + root.resolve("launcher/target/scala-2.13") + " exists";
        }
        if (missing != null) {
            throw new ConfigException(RunKeys.SPARK_MASTER + "=" + master.url() + " starts executor JVMs through Spark's launcher, "
                    + "which needs the environment variable SPARK_HOME naming a directory with a jars/ subdirectory, and "
                    + "SPARK_SCALA_VERSION=2.13 or a launcher/target/scala-2.13/ subdirectory (" + missing + "); "
                    + "after 'mvn package', mtl-spark/target/spark-home is such a directory");
        }
    }

    private void awaitExecutors() {
        int wanted = master.kind() == SparkMaster.Kind.LOCAL ? 0
                : master.kind() == SparkMaster.Kind.LOCAL_CLUSTER ? master.executors() : Math.max(1, configuredExecutors);
        long deadline = System.currentTimeMillis() + REGISTRATION_WAIT_MS;
        while (registeredExecutors() < wanted && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (master.kind() == SparkMaster.Kind.LOCAL_CLUSTER && registeredExecutors() == 0) {
            // its executors fail to start and Spark starts them again for ever: better a clear stop
            String app = spark.sc().applicationId();
            spark.stop();
            throw new IllegalStateException("No executor of " + master.url() + " started within " + REGISTRATION_WAIT_MS / 1000
                    + " s; each executor's log is " + Path.of(System.getenv("SPARK_HOME"), "work", app).toAbsolutePath()
                    + "/<executor>/stderr");
        }
        if (registeredExecutors() < wanted) {
            LOG.warn("{} of {} Spark executor(s) registered within {} s; trials wait in Spark's queue until more do",
                    registeredExecutors(), wanted, REGISTRATION_WAIT_MS / 1000);
        }
    }

    /** Executors registered now, the driver not counted. */
    private int registeredExecutors() {
        return Math.max(0, spark.sc().statusTracker().getExecutorInfos().length - 1);
    }

    /**
     * One per executor JVM: {@code local[...]} runs tasks in this JVM, so it has one; {@code
     * local-cluster[N,C,M]} has N; a cluster has as many as executors registered (or were asked
     * for with {@code spark.executor.instances}), at least one.
     */
    @Override
    public int slots() {
        switch (master.kind()) {
            case LOCAL:
                return 1;
            case LOCAL_CLUSTER:
                return master.executors();
            default:
                return Math.max(1, Math.max(configuredExecutors, closed ? 0 : registeredExecutors()));
        }
    }

    @Override
    public CompletableFuture<TrialOutcome> submit(TrialSpec trial, TrialListener listener) {
        CompletableFuture<TrialOutcome> outcome = new CompletableFuture<>();
        if (closed) {
            outcome.complete(TrialOutcome.lost("the Spark executor was closed before the trial started", "spark", 0));
            return outcome;
        }
        TrialSpec shipped = withAbsolutePaths(trial);
        String group = "openmtl-" + attempts.incrementAndGet() + "-" + trial.id() + "-" + trial.attempt();
        TrialEvents.Attempt attempt = events.register(group, listener);
        groups.put(key(trial), group);
        try {
            driverThreads.execute(() -> {
                try {
                    outcome.complete(runJob(shipped, group, attempt));
                } catch (RuntimeException | Error e) {
                    // not a trial's failure but this class's: still an outcome, never a stuck future
                    outcome.complete(TrialOutcome.failed(null, "the Spark driver failed: " + e, "spark", 0));
                } finally {
                    events.forget(group);
                    groups.remove(key(trial), group);
                }
            });
        } catch (RejectedExecutionException e) {
            events.forget(group);
            groups.remove(key(trial), group);
            outcome.complete(TrialOutcome.lost("the Spark executor was closed before the trial started", "spark", 0));
        }
        return outcome;
    }

    private TrialOutcome runJob(TrialSpec trial, String group, TrialEvents.Attempt attempt) {
        long started = System.nanoTime();
        try {
            // interruptible, so that a cancelled task's thread is told at once (TrialTask stops at the next step)
            spark.setJobGroup(group, "trial " + trial.id() + " attempt " + trial.attempt(), true);
            List<Map<String, Object>> answers = spark.parallelize(List.of(TrialMessages.spec(trial)), 1).map(new TrialTask()).collect();
            TrialOutcome o = TrialMessages.outcome(answers.get(0));
            // the driver's clock: the attempt's whole time, scheduling and executor start included
            return new TrialOutcome(o.status(), o.result(), o.reason(), o.worker(), seconds(started));
        } catch (Exception e) {
            return failure(e, attempt, started);
        }
    }

    /** A failed job as an outcome: Spark's reason for its task when the bus has it, else the exception's text. */
    private TrialOutcome failure(Exception e, TrialEvents.Attempt attempt, long started) {
        try {
            attempt.ended().await(FAILURE_EVENT_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        String worker = attempt.worker() == null ? "spark" : attempt.worker();
        TaskFailedReason reason = attempt.failure();
        String message = firstLine(e.getMessage() == null ? e.toString() : e.getMessage());
        if (reason instanceof ExceptionFailure) {
            return TrialOutcome.failed(null, "the Spark task failed: " + firstLine(reason.toErrorString()), worker, seconds(started));
        }
        if (reason != null) {
            // an executor lost under the task, a killed task, a lost result: the trial itself did not fail
            return TrialOutcome.lost(firstLine(reason.toErrorString()), worker, seconds(started));
        }
        if (closed || spark.sc().isStopped() || message.contains("ExecutorLostFailure")) {
            return TrialOutcome.lost("the Spark job ended: " + message, worker, seconds(started));
        }
        return TrialOutcome.failed(null, "the Spark job failed: " + message, worker, seconds(started));
    }

    private static TrialSpec withAbsolutePaths(TrialSpec trial) {
        Map<String, String> values = new LinkedHashMap<>(trial.values());
        for (String key : PATH_KEYS) {
            String v = values.get(key);
            if (v != null && !v.isBlank()) {
                values.put(key, Path.of(v.trim()).toAbsolutePath().normalize().toString());
            }
        }
        return new TrialSpec(trial.id(), values, trial.attempt());
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    private static double seconds(long started) {
        return (System.nanoTime() - started) / 1e9;
    }

    /**
     * Cancels the attempt's job: Spark kills its task, which ends at its next training step (the
     * task checks for the kill there), and the attempt ends as lost.
     */
    @Override
    public void stop(TrialSpec trial) {
        String group = groups.get(key(trial));
        if (group != null && !closed) {
            spark.cancelJobGroup(group);
        }
    }

    private static String key(TrialSpec trial) {
        return trial.id() + "#" + trial.attempt();
    }

    /** Stops the Spark application; attempts still running end as {@code LOST}. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            spark.stop();
        } finally {
            driverThreads.shutdown();
            try {
                driverThreads.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
