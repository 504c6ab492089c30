package org.openmtl.spark;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.RunKeys;

/**
 * What a Spark master URL says about where tasks run: in threads of the driver JVM ({@code
 * local[...]}), in executor JVMs on this machine ({@code local-cluster[N,C,M]}), or on a cluster
 * whose size is known only once executors register ({@code spark://}, {@code yarn}, {@code k8s://}).
 *
 * @param url the master URL as given
 * @param kind where tasks run
 * @param threads for {@code local[...]}: the driver's task threads; otherwise 0
 * @param executors for {@code local-cluster}: the number of executor JVMs; otherwise 0
 * @param coresPerExecutor for {@code local-cluster}: the cores of each executor; otherwise 0
 * @param memoryMbPerExecutor for {@code local-cluster}: the memory of each worker in MB; otherwise 0
 */
public record SparkMaster(String url, Kind kind, int threads, int executors, int coresPerExecutor, int memoryMbPerExecutor) {

    /** Where a master runs its tasks. */
    public enum Kind {
        /** Threads of the driver JVM. */
        LOCAL,
        /** Executor JVMs started on this machine by an in-process standalone cluster. */
        LOCAL_CLUSTER,
        /** Executors of a cluster manager. */
        CLUSTER
    }

    private static final Pattern LOCAL = Pattern.compile("local(?:\\[\\s*(\\*|\\d+)\\s*(?:,\\s*\\d+\\s*)?])?");
    private static final Pattern LOCAL_CLUSTER = Pattern.compile("local-cluster\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*,\\s*(\\d+)\\s*]");

    /**
     * Reads a master URL.
     *
     * @param url e.g. {@code local[4]}, {@code local-cluster[2,1,2048]}, {@code spark://host:7077}
     * @return what it says
     * @throws ConfigException if a {@code local} URL is malformed or asks for no executors or cores
     */
    public static SparkMaster parse(String url) {
        String u = url.trim();
        Matcher m = LOCAL_CLUSTER.matcher(u);
        if (m.matches()) {
            int n = Integer.parseInt(m.group(1));
            int c = Integer.parseInt(m.group(2));
            int mb = Integer.parseInt(m.group(3));
            if (n < 1 || c < 1 || mb < 1) {
                throw new ConfigException(RunKeys.SPARK_MASTER + ": " + u + " asks for no executors, cores or memory; "
                        + "expected local-cluster[executors,cores,MB] with each at least 1, e.g. local-cluster[2,1,2048]");
            }
            return new SparkMaster(u, Kind.LOCAL_CLUSTER, 0, n, c, mb);
        }
        m = LOCAL.matcher(u);
        if (m.matches()) {
            String t = m.group(1);
            int threads = t == null ? 1 : t.equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(t);
            if (threads < 1) {
                throw new ConfigException(RunKeys.SPARK_MASTER + ": " + u + " asks for no threads; expected local[N] with N at least 1, or local[*]");
            }
            return new SparkMaster(u, Kind.LOCAL, threads, 0, 0, 0);
        }
        if (u.toLowerCase(Locale.ROOT).startsWith("local")) {
            throw new ConfigException(RunKeys.SPARK_MASTER + ": cannot read '" + u + "'; expected local, local[N], local[*], "
                    + "local-cluster[executors,cores,MB] or a cluster URL (spark://host:port, yarn, k8s://...)");
        }
        if (u.isEmpty()) {
            throw new ConfigException(RunKeys.SPARK_MASTER + ": empty; expected a Spark master URL such as local-cluster[2,1,2048] or spark://host:7077");
        }
        return new SparkMaster(u, Kind.CLUSTER, 0, 0, 0, 0);
    }
}
