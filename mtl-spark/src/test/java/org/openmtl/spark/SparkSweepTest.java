package org.openmtl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.results.ResultsDatabase;
import org.openmtl.core.results.TrialRecord;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.sweep.SweepRunner;

/**
 * The same sweep (2 weightings x 2 seeds on synthetic tasks) with {@code executor=spark} on
 * {@code local-cluster[2,1,2048]} and with {@code executor=local}: every trial completes on both,
 * with the same id and the same test metrics, bit for bit.
 */
class SparkSweepTest {

    @TempDir Path dir;

    private static List<String> sweep(Path out, String... executor) {
        List<String> values = new ArrayList<>(List.of("dataset=synthetic", "dataset.synthetic.tasks=2",
                "dataset.synthetic.train.examples=256", "dataset.synthetic.validation.examples=64",
                "dataset.synthetic.test.examples=128", "epochs=2", "batch.size=32", "progress=none",
                "diagnostics.gradients=false", "sweep.weighting=equal, uncertainty", "sweep.seed=1, 2",
                "output.dir=" + out));
        values.addAll(List.of(executor));
        return values;
    }

    private static Map<String, Object> testMetrics(Path out) {
        Map<String, Object> byTrial = new TreeMap<>();
        try (ResultsDatabase db = ResultsDatabase.open("", out)) {
            for (TrialRecord r : db.trials(null)) {
                assertEquals("completed", r.status(), r.id() + ": " + r.reason());
                byTrial.put(r.id(), db.result(r.id()).orElseThrow().get("tasks"));
            }
        }
        return byTrial;
    }

    @Test
    void aSweepOnSparkGivesTheLocalPoolsResultsPerSeed() throws Exception {
        MtlRuntime mtl = MtlRuntime.discover(dir.resolve("no-plugins"));
        Path local = dir.resolve("local");
        Path spark = dir.resolve("spark");
        new SweepRunner(mtl).runTrials(ConfigSource.load(null, sweep(local, "executor=local", "workers=2")), local, "none");
        new SweepRunner(mtl).runTrials(ConfigSource.load(null, sweep(spark, "executor=spark",
                "spark.master=local-cluster[2,1,2048]")), spark, "none");
        Map<String, Object> onLocal = testMetrics(local);
        Map<String, Object> onSpark = testMetrics(spark);
        assertEquals(4, onLocal.size());
        assertEquals(onLocal, onSpark, "the same trial ids with the same test metrics");
        try (ResultsDatabase db = ResultsDatabase.open("", spark)) {
            assertTrue(db.trials(null).stream().allMatch(r -> r.worker().startsWith("spark executor")),
                    "every trial ran on a Spark executor");
        }
        assertFalse(Files.exists(spark.resolve("logs")), "no local worker ran the Spark sweep");
    }
}
