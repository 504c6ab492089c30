package org.openmtl.core.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.run.MtlRuntime;

/**
 * The sweep summary's steps to target and Δm% by training-set size, on hand-made trial results
 * whose values are computed by hand in the comments (no training).
 */
class AdaptationSummaryTest {

    @TempDir Path dir;

    private final MtlRuntime mtl = MtlRuntime.discover(Path.of("no-plugins-dir"));

    /**
     * A completed result over tasks t0 and t1 (mse, lower is better) with the given test values and
     * a history of epochs of 10 steps whose validation mse of t0 is {@code curve} (t1 stays at 1).
     */
    private static Map<String, Object> result(double t0, double t1, double... curve) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("status", "completed");
        r.put("tasks", Map.of("t0", Map.of("mse", t0), "t1", Map.of("mse", t1)));
        Map<String, Object> mse = Map.of("metric", "mse", "higher_is_better", false);
        r.put("primary_metrics", Map.of("t0", mse, "t1", mse));
        r.put("metric_directions", Map.of("t0", Map.of("mse", false), "t1", Map.of("mse", false)));
        List<Map<String, Object>> history = new ArrayList<>();
        for (int e = 0; e < curve.length; e++) {
            history.add(Map.of("epoch", e + 1, "steps", 10,
                    "validation", Map.of("t0", Map.of("mse", curve[e]), "t1", Map.of("mse", 1.0))));
        }
        r.put("history", history);
        return r;
    }

    private Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>> trial(String architecture, int limit, int seed,
            Map<String, Object> result, String... extra) {
        Map<String, String> point = new LinkedHashMap<>();
        point.put("architecture", architecture);
        point.put("dataset.train.limit", Integer.toString(limit));
        point.put("seed", Integer.toString(seed));
        Map<String, String> values = new LinkedHashMap<>(point);
        values.put("dataset", "synthetic");
        values.put("dataset.synthetic.tasks", "2");
        for (String kv : extra) {
            values.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        return Map.entry(new SweepRunner.ResolvedTrial(architecture + limit + seed, point, mtl.configure(ConfigSource.of(values))),
                result);
    }

    private List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> trials() {
        String[] targets = {"target.metrics=t0.mse:0.45", "target.relative=0.8"};
        List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> trials = new ArrayList<>();
        // 100 examples. Seed 1: gains +20 (t0: 0.4 vs 0.5) and -25 (t1: 0.5 vs 0.4), Δm = -2.5.
        // Seed 2: +20 and +20, Δm = 20. Mean 8.75, std sqrt(2 * 11.25^2) = 15.9099.
        trials.add(trial("independent", 100, 1, result(0.5, 0.4, 0.9, 0.6, 0.5), targets));
        trials.add(trial("hard-sharing", 100, 1, result(0.4, 0.5, 0.7, 0.62, 0.4), targets));
        trials.add(trial("independent", 100, 2, result(0.5, 0.5, 0.8, 0.7, 0.4), targets));
        trials.add(trial("hard-sharing", 100, 2, result(0.4, 0.4, 0.45, 0.5, 0.4), targets));
        // every example (limit 0). Seed 1: +50 and -50, Δm = 0. Seed 2: +50 and +50, Δm = 50. Mean 25, std 35.3553.
        trials.add(trial("independent", 0, 1, result(0.2, 0.2, 0.9, 0.6, 0.5), targets));
        trials.add(trial("hard-sharing", 0, 1, result(0.1, 0.3, 0.7, 0.62, 0.4), targets));
        trials.add(trial("independent", 0, 2, result(0.2, 0.2, 0.8, 0.7, 0.4), targets));
        trials.add(trial("hard-sharing", 0, 2, result(0.1, 0.1, 0.45, 0.5, 0.4), targets));
        return trials;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> group(Map<String, Object> summary, String architecture, String limit) {
        return ((List<Map<String, Object>>) summary.get("groups")).stream()
                .filter(g -> g.get("point").equals(Map.of("architecture", architecture, "dataset.train.limit", limit)))
                .findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> target(Map<String, Object> group, String kind, String task) {
        return ((List<Map<String, Object>>) group.get("steps_to_target")).stream()
                .filter(t -> t.get("kind").equals(kind) && t.get("task").equals(task)).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static double number(Map<String, Object> m, String... path) {
        Object o = m;
        for (String p : path) {
            o = ((Map<String, Object>) o).get(p);
        }
        return ((Number) o).doubleValue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void deltaMPerTrainingSetSizeIsComparedAtEqualData() {
        Map<String, Object> summary = SweepSummary.summarize(trials());
        Map<String, Object> bySize = (Map<String, Object>) summary.get("transfer_by_train_size");
        assertEquals(List.of(100, 0), bySize.get("sizes"), "ascending, every example last");
        List<Map<String, Object>> rows = (List<Map<String, Object>>) bySize.get("rows");
        assertEquals(1, rows.size(), "the single-task configuration has no Δm% of its own");
        assertEquals("architecture=hard-sharing", rows.get(0).get("configuration"));
        List<Map<String, Object>> cells = (List<Map<String, Object>>) rows.get(0).get("cells");
        assertEquals(100, cells.get(0).get("train_limit"));
        assertEquals(8.75, number(cells.get(0), "delta_m_percent", "mean"), 1e-9);
        assertEquals(Math.sqrt(2 * 11.25 * 11.25), number(cells.get(0), "delta_m_percent", "std"), 1e-9);
        assertEquals(0, cells.get(1).get("train_limit"));
        assertEquals(25.0, number(cells.get(1), "delta_m_percent", "mean"), 1e-9);
        assertEquals(Math.sqrt(2 * 25.0 * 25.0), number(cells.get(1), "delta_m_percent", "std"), 1e-9);

        String md = SweepSummary.markdown(summary);
        assertTrue(md.contains("## Δm% by training-set size"), md);
        assertTrue(md.contains("| configuration | 100 | all |"), md);
        assertTrue(md.contains("| architecture=hard-sharing | +8.75 ± 15.91 (2) | +25.00 ± 35.36 (2) |"), md);
    }

    @Test
    void withOneTrainingSetSizeThereIsNoSizeTable() {
        Map<String, Object> summary = SweepSummary.summarize(trials().subList(0, 4));
        assertFalse(summary.containsKey("transfer_by_train_size"));
        assertFalse(SweepSummary.markdown(summary).contains("training-set size"));
    }

    @Test
    void relativeStepsToTargetAreComparedWithTheSingleTaskTrialOfEachSeed() {
        Map<String, Object> shared = group(SweepSummary.summarize(trials()), "hard-sharing", "100");
        // t0's single-task best: 0.5 (seed 1) and 0.4 (seed 2); f = 0.8 makes the targets 0.625 and 0.5.
        // Seed 1: shared 0.7, 0.62 -> epoch 2 (20 steps); single 0.9, 0.6 -> epoch 2 (20). Ratio 1.
        // Seed 2: shared 0.45 -> epoch 1 (10 steps); single 0.8, 0.7, 0.4 -> epoch 3 (30). Ratio 1/3.
        Map<String, Object> t0 = target(shared, "relative", "t0");
        assertEquals(0.8, number(t0, "fraction"), 0);
        assertEquals(2, t0.get("reached"));
        assertEquals(15.0, number(t0, "steps", "mean"), 1e-9);
        assertEquals(Math.sqrt(50), number(t0, "steps", "std"), 1e-9);
        assertEquals(25.0, number(t0, "single_task", "steps", "mean"), 1e-9);
        assertEquals(Math.sqrt(1.0 / 3.0), number(t0, "ratio", "geometric_mean"), 1e-12);
        assertEquals(2, number(t0, "ratio", "n"), 0);

        // the single-task trials' own row: a fraction of their own best, 20 and 30 steps, no ratio
        Map<String, Object> single = target(group(SweepSummary.summarize(trials()), "independent", "100"), "relative", "t0");
        assertEquals(25.0, number(single, "steps", "mean"), 1e-9);
        assertFalse(single.containsKey("ratio"));
        assertFalse(single.containsKey("single_task"));
    }

    @Test
    void absoluteStepsToTargetCountTheSeedsThatNeverReachIt() {
        Map<String, Object> shared = group(SweepSummary.summarize(trials()), "hard-sharing", "100");
        // t0.mse <= 0.45. Shared: seed 1 at epoch 3 (30 steps), seed 2 at epoch 1 (10, 0.45 itself).
        // Single: seed 1 never (0.9, 0.6, 0.5), seed 2 at epoch 3 (30). Ratio only for seed 2: 10 / 30.
        Map<String, Object> t0 = target(shared, "absolute", "t0");
        assertEquals(0.45, number(t0, "target"), 0);
        assertEquals(false, t0.get("higher_is_better"));
        assertEquals(2, t0.get("reached"));
        assertEquals(20.0, number(t0, "steps", "mean"), 1e-9);
        assertEquals(1, number(t0, "single_task", "reached"), 0);
        assertEquals(2, number(t0, "single_task", "trials"), 0);
        assertEquals(30.0, number(t0, "single_task", "steps", "mean"), 1e-9);
        assertEquals(1.0 / 3.0, number(t0, "ratio", "geometric_mean"), 1e-12);
        assertEquals(1, number(t0, "ratio", "n"), 0);
    }

    @Test
    void summaryMarkdownHasTheStepsToTargetSection() {
        String md = SweepSummary.markdown(SweepSummary.summarize(trials()));
        assertTrue(md.contains("## Steps to target"), md);
        assertTrue(md.contains("| architecture=hard-sharing dataset.train.limit=100 | t0 | mse ≤ 0.45 | 20 ± 14 (2/2) | 30 ± 0 (1/2) | 0.33 (1) |"), md);
        assertTrue(md.contains("| architecture=hard-sharing dataset.train.limit=100 | t0 | mse ≤ single-task best / 0.8 | 15 ± 7 (2/2) | 25 ± 7 (2/2) | 0.58 (2) |"), md);
        assertTrue(md.contains("| architecture=independent dataset.train.limit=100 | t0 | mse ≤ single-task best / 0.8 | 25 ± 7 (2/2) | – | – |"), md);
    }

    @Test
    void aSweepWithoutTargetsOrSizesWritesNeitherSection() throws Exception {
        List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> plain = new ArrayList<>();
        plain.add(trial("hard-sharing", 0, 1, result(0.1, 0.3, 0.7, 0.62, 0.4), "target.relative=0"));
        String md = SweepSummary.markdown(SweepSummary.summarize(plain));
        assertFalse(md.contains("## Steps to target"), md);
        assertFalse(md.contains("## Δm%"), md);
        // and the written summary of a sweep directory has them when the trials do
        new SweepRunner(mtl).summarize(dir, trials());
        String written = Files.readString(dir.resolve("summary.md"));
        assertTrue(written.contains("## Steps to target") && written.contains("## Δm% by training-set size"), written);
        assertTrue(Files.readString(dir.resolve("report.html")).contains("id=\"fig-transfer-size\""));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRealSweepOverTrainingSetSizesWritesBothSections() throws Exception {
        Path out = dir.resolve("sizes");
        ConfigSource source = ConfigSource.load(null, List.of("dataset=synthetic", "dataset.synthetic.tasks=2",
                "dataset.synthetic.train.examples=128", "dataset.synthetic.validation.examples=32",
                "dataset.synthetic.test.examples=32", "epochs=2", "batch.size=32", "progress=none", "executor=inline",
                "target.metrics=t0.mse:1e9", "sweep.architecture=independent, hard-sharing",
                "sweep.dataset.train.limit=64, 0", "sweep.seed=1"));
        Map<String, Object> summary = new SweepRunner(mtl).run(source, out, "none");
        Map<String, Object> bySize = (Map<String, Object>) summary.get("transfer_by_train_size");
        List<Map<String, Object>> cells = (List<Map<String, Object>>) ((List<Map<String, Object>>) bySize.get("rows")).get(0)
                .get("cells");
        // each cell is the Δm% of the group of that size
        for (Map<String, Object> cell : cells) {
            Map<String, Object> group = group(summary, "hard-sharing", cell.get("train_limit").toString());
            assertEquals(number(group, "transfer", "delta_m_percent", "mean"), number(cell, "delta_m_percent", "mean"), 0);
        }
        // an mse of at most 1e9 is reached at the first evaluation: after 64 / 32 = 2 steps with 64 examples, 4 with 128
        assertEquals(2.0, number(target(group(summary, "hard-sharing", "64"), "absolute", "t0"), "steps", "mean"), 0);
        assertEquals(4.0, number(target(group(summary, "hard-sharing", "0"), "absolute", "t0"), "steps", "mean"), 0);
        String md = Files.readString(out.resolve("summary.md"));
        assertTrue(md.contains("## Steps to target") && md.contains("| configuration | 64 | all |"), md);
        assertTrue(Files.readString(out.resolve("report.html")).contains("id=\"fig-transfer-size\""));
    }
}
