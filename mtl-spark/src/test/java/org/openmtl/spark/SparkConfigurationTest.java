package org.openmtl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.openmtl.core.result.FrameworkBuild;

/** What the executor asks of Spark, whatever the sweep gave: one trial per executor JVM, no Spark retries. */
class SparkConfigurationTest {

    @Test
    void localCluster_runsOneTaskPerExecutorWithTheDriversClasspath() {
        SparkConf conf = SparkTrialExecutor.configure(Map.of("spark.master", "local-cluster[2,3,1024]", "output.dir", "/tmp/s"),
                new SparkConf(false));
        assertEquals("local-cluster[2,3,1024]", conf.get("spark.master"));
        assertEquals("3", conf.get("spark.executor.cores"));
        assertEquals("3", conf.get("spark.task.cpus"));
        assertEquals("1", conf.get("spark.task.maxFailures"));
        assertEquals("1024m", conf.get("spark.executor.memory"));
        assertEquals(SparkTrialExecutor.absoluteClassPath(System.getProperty("java.class.path")),
                conf.get("spark.executor.extraClassPath"));
        assertTrue(conf.get("spark.executor.extraJavaOptions").contains("-Dai.djl.offline=true"));
        assertTrue(conf.get("spark.executor.extraJavaOptions").contains(
                "-D" + FrameworkBuild.PROPERTY + "=" + FrameworkBuild.current()), "the executors run the driver's build");
        assertEquals("true", conf.get("spark.executorEnv.OPT_OUT_TRACKING"));
        assertEquals("openmtl sweep /tmp/s", conf.get("spark.app.name"));
    }

    @Test
    void cluster_givesEachTrialThreadsPerTrialCoresAndKeepsGivenSparkKeys() {
        SparkConf conf = SparkTrialExecutor.configure(Map.of("spark.master", "spark://h:7077", "threads.per.trial", "4",
                "spark.executor.memory", "8g", "spark.task.maxFailures", "4",
                "spark.executor.extraJavaOptions", "-XX:+UseG1GC"), new SparkConf(false));
        assertEquals("4", conf.get("spark.executor.cores"));
        assertEquals("4", conf.get("spark.task.cpus"));
        assertEquals("8g", conf.get("spark.executor.memory"));
        assertEquals("1", conf.get("spark.task.maxFailures"));
        // no build identity for a cluster's executors: they run the jars they were given, and work it out
        assertEquals("-XX:+UseG1GC -Dai.djl.offline=true", conf.get("spark.executor.extraJavaOptions"));
    }

    @Test
    void cluster_executorCoresGivenToSparkWin() {
        SparkConf conf = SparkTrialExecutor.configure(Map.of("spark.master", "yarn", "threads.per.trial", "4"),
                new SparkConf(false).set("spark.executor.cores", "2"));
        assertEquals("2", conf.get("spark.task.cpus"));
    }

    @Test
    void executorClassPath_isAbsoluteBecauseExecutorsRunInTheirOwnDirectories() {
        String cwd = java.nio.file.Path.of("").toAbsolutePath().toString();
        assertEquals(cwd + "/lib/*:" + cwd + "/a.jar:/abs/b.jar", SparkTrialExecutor.absoluteClassPath("lib/*:a.jar::/abs/b.jar"));
    }

    @Test
    void local_runsOneTaskAtATimeInTheDriver() {
        SparkConf conf = SparkTrialExecutor.configure(Map.of("spark.master", "local[4]"), new SparkConf(false));
        assertEquals("4", conf.get("spark.task.cpus"));
    }

    @Test
    void sparkSubmitsMaster_winsOnlyOverTheDefault() {
        assertEquals("yarn", SparkTrialExecutor.masterUrl(Map.of(), "yarn"));
        assertEquals("yarn", SparkTrialExecutor.masterUrl(Map.of("spark.master", "local[*]"), "yarn"));
        assertEquals("local[2]", SparkTrialExecutor.masterUrl(Map.of("spark.master", "local[2]"), "yarn"));
        assertEquals("local[*]", SparkTrialExecutor.masterUrl(Map.of(), null));
    }
}
