package org.openmtl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.openmtl.core.config.ConfigException;

class SparkMasterTest {

    @Test
    void localCluster_givesExecutorsCoresAndMemory() {
        SparkMaster m = SparkMaster.parse("local-cluster[2, 1, 2048]");
        assertEquals(SparkMaster.Kind.LOCAL_CLUSTER, m.kind());
        assertEquals(2, m.executors());
        assertEquals(1, m.coresPerExecutor());
        assertEquals(2048, m.memoryMbPerExecutor());
    }

    @Test
    void local_givesThreadsOfTheDriver() {
        assertEquals(1, SparkMaster.parse("local").threads());
        assertEquals(4, SparkMaster.parse("local[4]").threads());
        assertEquals(3, SparkMaster.parse("local[3,2]").threads());
        assertEquals(Runtime.getRuntime().availableProcessors(), SparkMaster.parse("local[*]").threads());
        assertEquals(SparkMaster.Kind.LOCAL, SparkMaster.parse("local[*]").kind());
    }

    @Test
    void clusterUrls_areTakenAsTheyAre() {
        assertEquals(SparkMaster.Kind.CLUSTER, SparkMaster.parse("spark://host:7077").kind());
        assertEquals(SparkMaster.Kind.CLUSTER, SparkMaster.parse("yarn").kind());
        assertEquals(SparkMaster.Kind.CLUSTER, SparkMaster.parse("k8s://https://host:6443").kind());
    }

    @Test
    void malformedLocalMasters_nameTheKeyAndTheExpectedForms() {
        ConfigException e = assertThrows(ConfigException.class, () -> SparkMaster.parse("local-cluster[2,1]"));
        assertTrue(e.getMessage().startsWith("spark.master: cannot read 'local-cluster[2,1]'"), e.getMessage());
        assertThrows(ConfigException.class, () -> SparkMaster.parse("local-cluster[0,1,1024]"));
        assertThrows(ConfigException.class, () -> SparkMaster.parse("local[0]"));
        assertThrows(ConfigException.class, () -> SparkMaster.parse(""));
    }
}
