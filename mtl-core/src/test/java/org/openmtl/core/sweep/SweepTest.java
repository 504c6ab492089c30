package org.openmtl.core.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.result.ResultFiles;
import org.openmtl.core.run.MtlRuntime;

class SweepTest {

    @TempDir Path dir;

    private final MtlRuntime mtl = MtlRuntime.discover(Path.of("no-plugins-dir"));

    private static ConfigSource sweep(String... extra) {
        List<String> values = new ArrayList<>(List.of("dataset=synthetic", "dataset.synthetic.tasks=2",
                "dataset.synthetic.train.examples=128", "dataset.synthetic.validation.examples=32",
                "dataset.synthetic.test.examples=32", "epochs=1", "batch.size=32", "progress=none",
                "sweep.weighting=equal, static", "sweep.seed=1, 2"));
        values.addAll(List.of(extra));
        return ConfigSource.load(null, values);
    }

    @Test
    void theGridIsTheCartesianProductWithStableDistinctIds() {
        SweepPlan plan = SweepPlan.of(sweep());
        assertEquals(4, plan.trials().size());
        assertEquals(Map.of("weighting", "equal", "seed", "1"), plan.trials().get(0).point());
        assertEquals(Map.of("weighting", "static", "seed", "2"), plan.trials().get(3).point());
        SweepPlan again = SweepPlan.of(sweep());
        assertEquals(plan.trials().get(2).id(), again.trials().get(2).id());
        assertEquals(4, plan.trials().stream().map(SweepPlan.Trial::id).distinct().count());
    }

    @Test
    void variantsBundleKeysAndArePickedByTheirAxis() {
        SweepPlan plan = SweepPlan.of(ConfigSource.load(null, List.of("variant.single.architecture=independent",
                "variant.single.weighting=equal", "variant.mgda.weighting=mgda", "sweep.variant=single, mgda", "sweep.seed=1, 2")));
        assertEquals(4, plan.trials().size());
        assertEquals("independent", plan.trials().get(0).values().get("architecture"));
        assertEquals("mgda", plan.trials().get(2).values().get("weighting"));
        assertEquals(Map.of("variant", "mgda", "seed", "1"), plan.trials().get(2).point());
        assertTrue(plan.trials().get(0).values().keySet().stream().noneMatch(k -> k.startsWith("variant")));
        assertThrows(ConfigException.class, () -> SweepPlan.of(ConfigSource.load(null, List.of("sweep.variant=nosuch"))));
    }

    @Test
    void badAxesAreRejected() {
        assertThrows(ConfigException.class, () -> SweepPlan.of(ConfigSource.load(null, List.of("sweep.seed=1, 1"))));
        assertThrows(ConfigException.class, () -> SweepPlan.of(ConfigSource.load(null, List.of("sweep.seed= , "))));
        ConfigException e = assertThrows(ConfigException.class,
                () -> new SweepRunner(mtl).resolve(sweep("sweep.weighting=equal, nosuch"), dir));
        assertTrue(e.getMessage().contains("nosuch"), e.getMessage());
        assertTrue(!Files.exists(dir.resolve("trials")), "nothing runs when one trial is invalid");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aSweepRunsEveryTrialOnceKeepsFinishedOnesAndSummarizesSeeds() throws Exception {
        Path out = dir.resolve("sweep");
        Map<String, Object> summary = new SweepRunner(mtl).run(sweep(), out, "none");
        List<SweepRunner.ResolvedTrial> trials = new SweepRunner(mtl).resolve(sweep(), out);
        List<FileTime> times = new ArrayList<>();
        for (SweepRunner.ResolvedTrial t : trials) {
            Path result = out.resolve("trials").resolve(t.id()).resolve("result.json");
            assertTrue(Files.exists(result), t.point().toString());
            times.add(Files.getLastModifiedTime(result));
        }
        assertNotEquals(trials.get(0).id(), trials.get(1).id());

        // the equal-weighting group: mean and sample std of t0's first metric over seeds 1 and 2
        double[] v = new double[2];
        for (int s = 0; s < 2; s++) {
            JsonObject r = ResultFiles.readJson(out.resolve("trials").resolve(trials.get(s).id()).resolve("result.json")).getAsJsonObject();
            v[s] = r.getAsJsonObject("tasks").getAsJsonObject("t0").get("mse").getAsDouble();
        }
        Map<String, Object> group = ((List<Map<String, Object>>) summary.get("groups")).get(0);
        assertEquals(Map.of("weighting", "equal"), group.get("point"));
        Map<String, Object> stats = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) group.get("tasks")).get("t0")).get("mse");
        assertEquals((v[0] + v[1]) / 2, (Double) stats.get("mean"), 1e-12);
        assertEquals(Math.abs(v[0] - v[1]) / Math.sqrt(2), (Double) stats.get("std"), 1e-12);
        assertTrue(Files.readString(out.resolve("summary.md")).contains("| weighting=equal | 2 |"));
        assertTrue(Files.exists(out.resolve("report.html")));

        // a second run keeps every finished trial untouched
        new SweepRunner(mtl).run(sweep(), out, "none");
        for (int i = 0; i < trials.size(); i++) {
            assertEquals(times.get(i), Files.getLastModifiedTime(out.resolve("trials").resolve(trials.get(i).id()).resolve("result.json")));
        }
    }
}
