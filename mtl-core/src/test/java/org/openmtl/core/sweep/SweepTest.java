package org.openmtl.core.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

        // the summary can be made again from the directory alone
        String written = Files.readString(out.resolve("summary.md"));
        Files.delete(out.resolve("summary.md"));
        new SweepRunner(mtl).resummarize(out);
        assertEquals(written, Files.readString(out.resolve("summary.md")));

        // a second run keeps every finished trial untouched
        new SweepRunner(mtl).run(sweep(), out, "none");
        for (int i = 0; i < trials.size(); i++) {
            assertEquals(times.get(i), Files.getLastModifiedTime(out.resolve("trials").resolve(trials.get(i).id()).resolve("result.json")));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void sharedTrialsAreComparedWithTheSingleTaskTrialOfTheirSeed() throws Exception {
        Path out = dir.resolve("transfer");
        ConfigSource source = ConfigSource.load(null, List.of("dataset=synthetic", "dataset.synthetic.tasks=2",
                "dataset.synthetic.train.examples=128", "dataset.synthetic.validation.examples=32",
                "dataset.synthetic.test.examples=32", "epochs=1", "batch.size=32", "progress=none",
                "sweep.architecture=hard-sharing, independent", "sweep.seed=1, 2"));
        Map<String, Object> summary = new SweepRunner(mtl).run(source, out, "none");
        List<SweepRunner.ResolvedTrial> trials = new SweepRunner(mtl).resolve(source, out);
        // Δm% by hand from the result files: mse is lower-is-better, so the gain is -(m - s) / s * 100
        double[] delta = new double[2];
        for (int seed = 1; seed <= 2; seed++) {
            JsonObject shared = null;
            JsonObject single = null;
            for (SweepRunner.ResolvedTrial t : trials) {
                if (t.point().get("seed").equals(Integer.toString(seed))) {
                    JsonObject r = ResultFiles.readJson(out.resolve("trials").resolve(t.id()).resolve("result.json"))
                            .getAsJsonObject().getAsJsonObject("tasks");
                    if (t.point().get("architecture").equals("independent")) {
                        single = r;
                    } else {
                        shared = r;
                    }
                }
            }
            for (String task : List.of("t0", "t1")) {
                double m = shared.getAsJsonObject(task).get("mse").getAsDouble();
                double s = single.getAsJsonObject(task).get("mse").getAsDouble();
                delta[seed - 1] += -(m - s) / s * 100 / 2;
            }
        }
        List<Map<String, Object>> groups = (List<Map<String, Object>>) summary.get("groups");
        Map<String, Object> hard = groups.stream().filter(g -> g.get("point").equals(Map.of("architecture", "hard-sharing")))
                .findFirst().orElseThrow();
        Map<String, Object> d = (Map<String, Object>) ((Map<String, Object>) hard.get("transfer")).get("delta_m_percent");
        assertEquals((delta[0] + delta[1]) / 2, (Double) d.get("mean"), 1e-9);
        assertEquals(2, d.get("n"));
        Map<String, Object> independent = groups.stream()
                .filter(g -> g.get("point").equals(Map.of("architecture", "independent"))).findFirst().orElseThrow();
        assertFalse(independent.containsKey("transfer"));
        assertTrue(Files.readString(out.resolve("summary.md")).contains("Δm% vs single-task"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRunComparesItselfWithTheBaselineItIsGiven() throws Exception {
        List<String> common = List.of("dataset=synthetic", "dataset.synthetic.tasks=2",
                "dataset.synthetic.train.examples=128", "dataset.synthetic.validation.examples=32",
                "dataset.synthetic.test.examples=32", "epochs=1", "batch.size=32", "progress=none", "checkpoint=false");
        List<String> single = new ArrayList<>(common);
        single.addAll(List.of("architecture=independent", "output.dir=" + dir.resolve("single")));
        Map<String, Object> s = mtl.run(mtl.configure(null, single), org.openmtl.core.train.Progress.forMode("none"));

        List<String> missing = new ArrayList<>(common);
        missing.addAll(List.of("output.dir=" + dir.resolve("never"), "transfer.baseline=" + dir.resolve("nothing-here")));
        ConfigException e = assertThrows(ConfigException.class,
                () -> mtl.run(mtl.configure(null, missing), org.openmtl.core.train.Progress.forMode("none")));
        assertTrue(e.getMessage().contains("transfer.baseline"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("never")), "nothing is written when the baseline is wrong");

        List<String> shared = new ArrayList<>(common);
        shared.addAll(List.of("output.dir=" + dir.resolve("shared"), "transfer.baseline=" + dir.resolve("single")));
        mtl.run(mtl.configure(null, shared), org.openmtl.core.train.Progress.forMode("none"));
        JsonObject written = ResultFiles.readJson(dir.resolve("shared").resolve("result.json")).getAsJsonObject();
        JsonObject transfer = written.getAsJsonObject("transfer");
        double expected = 0;
        for (String task : List.of("t0", "t1")) {
            double m = written.getAsJsonObject("tasks").getAsJsonObject(task).get("mse").getAsDouble();
            double b = ((Map<String, Map<String, Number>>) s.get("tasks")).get(task).get("mse").doubleValue();
            double gain = -(m - b) / b * 100;
            assertEquals(gain, transfer.getAsJsonObject("tasks").getAsJsonObject(task).get("gain_percent").getAsDouble(), 1e-9);
            assertEquals(gain < 0, transfer.getAsJsonObject("tasks").getAsJsonObject(task).get("negative_transfer").getAsBoolean());
            expected += gain / 2;
        }
        assertEquals(expected, transfer.get("delta_m_percent").getAsDouble(), 1e-9);
    }

    @Test
    void aKeyWrittenOutAtItsDefaultKeepsTheTrialIds() {
        List<SweepRunner.ResolvedTrial> implicit = new SweepRunner(mtl).resolve(sweep(), dir.resolve("a"));
        // keys of the framework and of a plugin written out at their (empty or false) defaults:
        // spelled out, they are the same trials
        List<SweepRunner.ResolvedTrial> explicit = new SweepRunner(mtl).resolve(sweep("diagnostics.affinity=false",
                "tasks=", "weighting.static.weights="), dir.resolve("a"));
        for (int i = 0; i < implicit.size(); i++) {
            assertEquals(implicit.get(i).id(), explicit.get(i).id(), implicit.get(i).point().toString());
        }
        List<SweepRunner.ResolvedTrial> other = new SweepRunner(mtl).resolve(sweep("batch.size=16"), dir.resolve("a"));
        assertNotEquals(implicit.get(0).id(), other.get(0).id());
    }
}
