package org.openmtl.core.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.run.MtlRuntime;
import org.openmtl.core.train.Progress;

/**
 * The sweep summary's Pareto front section on hand-made trial results of two configurations,
 * whose hypervolumes, counts, spreads and alignments are computed by hand in the comments (no
 * training).
 */
class ParetoSummaryTest {

    private final MtlRuntime mtl = MtlRuntime.discover(Path.of("no-plugins-dir"));

    /** A completed result: test accuracies of t0 and t1 and, where given, the final epoch's training losses. */
    private static Map<String, Object> result(double acc0, double acc1, double[] losses, Map<String, Object> preference) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("status", "completed");
        Map<String, Object> tasks = new LinkedHashMap<>();
        tasks.put("t0", Map.of("accuracy", acc0, "loss", 9.0));
        tasks.put("t1", Map.of("accuracy", acc1, "loss", 9.0));
        r.put("tasks", tasks);
        Map<String, Object> acc = Map.of("metric", "accuracy", "higher_is_better", true);
        r.put("primary_metrics", Map.of("t0", acc, "t1", acc));
        r.put("metric_directions", Map.of("t0", Map.of("accuracy", true, "loss", false),
                "t1", Map.of("accuracy", true, "loss", false)));
        if (losses != null) {
            r.put("history", List.of(Map.of("epoch", 1, "train", Map.of("t0", Map.of("loss", 50.0), "t1", Map.of("loss", 50.0))),
                    Map.of("epoch", 2, "train", Map.of("t0", Map.of("loss", losses[0]), "t1", Map.of("loss", losses[1])))));
        }
        if (preference != null) {
            r.put("preference", preference);
        }
        return r;
    }

    private Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>> trial(String weighting, int seed, Map<String, Object> result,
            String... extra) {
        Map<String, String> point = new LinkedHashMap<>();
        point.put("weighting", weighting);
        point.put("seed", Integer.toString(seed));
        Map<String, String> values = new LinkedHashMap<>(point);
        values.put("dataset", "synthetic");
        values.put("dataset.synthetic.tasks", "2");
        for (String kv : extra) {
            values.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        return Map.entry(new SweepRunner.ResolvedTrial(weighting + seed, point, mtl.configure(ConfigSource.of(values))), result);
    }

    private List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> trials(boolean losses) {
        List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> trials = new ArrayList<>();
        // equal: three non-dominated accuracy pairs; training losses (2,1), (1,3), (3,3), the last dominated
        trials.add(trial("equal", 1, result(0.9, 0.7, losses ? new double[] {2, 1} : null, Map.of("t0", 1, "t1", 2))));
        trials.add(trial("equal", 2, result(0.8, 0.8, losses ? new double[] {1, 3} : null, Map.of("t0", 1, "t1", 1))));
        trials.add(trial("equal", 3, result(0.6, 0.9, losses ? new double[] {3, 3} : null, null)));
        // static: (0.7, 0.65) is dominated by (0.7, 0.7); training losses (1.5,1.5) and (2.5,2.5), the second dominated
        trials.add(trial("static", 1, result(0.85, 0.6, losses ? new double[] {1.5, 1.5} : null, null)));
        trials.add(trial("static", 2, result(0.7, 0.7, losses ? new double[] {2.5, 2.5} : null, null)));
        trials.add(trial("static", 3, result(0.7, 0.65, losses ? new double[] {2, 2} : null, null)));
        Map<String, Object> failed = new LinkedHashMap<>();
        failed.put("status", "failed");
        trials.add(trial("static", 4, failed));
        return trials;
    }

    @Test
    @SuppressWarnings("unchecked")
    void testMetricFrontsShareOneReferencePoint() {
        Map<String, Object> summary = SweepSummary.summarize(trials(false));
        Map<String, Object> pareto = (Map<String, Object>) summary.get("pareto_front");
        Map<String, Object> test = (Map<String, Object>) pareto.get("test");
        assertEquals(List.of(Map.of("task", "t0", "metric", "accuracy", "higher_is_better", true),
                Map.of("task", "t1", "metric", "accuracy", "higher_is_better", true)), test.get("objectives"));
        // every configuration's accuracies span 0.6 .. 0.9 on both tasks: 0.6 - 0.1 * 0.3
        List<Double> ref = (List<Double>) test.get("reference_point");
        assertEquals(0.57, ref.get(0), 1e-12);
        assertEquals(0.57, ref.get(1), 1e-12);
        List<Map<String, Object>> rows = (List<Map<String, Object>>) test.get("configurations");
        assertEquals(2, rows.size());
        Map<String, Object> equal = rows.get(0);
        assertEquals("weighting=equal", equal.get("configuration"));
        assertEquals(3, equal.get("points"));
        assertEquals(3, equal.get("non_dominated"));
        // above (0.57, 0.57): (0.33, 0.13), (0.23, 0.23), (0.03, 0.33): 0.33*0.13 + 0.23*0.10 + 0.03*0.10
        assertEquals(0.0689, ((Number) equal.get("hypervolume")).doubleValue(), 1e-12);
        // neighbour distances sqrt(0.05) and sqrt(0.02) (both objectives divided by the same range 0.3)
        double d1 = Math.sqrt(0.05);
        double d2 = Math.sqrt(0.02);
        assertEquals((d1 - d2) / (d1 + d2), ((Number) equal.get("spread")).doubleValue(), 1e-12);
        assertFalse(equal.containsKey("alignment"));
        Map<String, Object> weighted = rows.get(1);
        assertEquals(3, weighted.get("points"));
        assertEquals(2, weighted.get("non_dominated"));
        // (0.28, 0.03), (0.13, 0.13); the dominated (0.13, 0.08) adds nothing: 0.28*0.03 + 0.13*0.10
        assertEquals(0.0214, ((Number) weighted.get("hypervolume")).doubleValue(), 1e-12);
        assertEquals(0.0, ((Number) weighted.get("spread")).doubleValue(), 1e-12);
        assertFalse(pareto.containsKey("train_loss"), "no trial records training losses");

        String md = SweepSummary.markdown(summary);
        assertTrue(md.contains("## Pareto front"), md);
        assertTrue(md.contains("Objectives: t0 accuracy ↑, t1 accuracy ↑. Reference point: (0.5700, 0.5700)."), md);
        assertTrue(md.contains("| weighting=equal | 3 | 3 | 0.06890 | 0.225 |"), md);
        assertTrue(md.contains("| weighting=static | 3 | 2 | 0.02140 | 0.000 |"), md);
        assertFalse(md.contains("Final training losses"), md);
    }

    /**
     * Configurations that set the same pareto.family form one front: the six completed trials of
     * both weightings as one set, another configuration with no family on its own.
     */
    @Test
    @SuppressWarnings("unchecked")
    void configurationsOfOneFamilyFormOneFront() {
        List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> trials = new ArrayList<>();
        trials.add(trial("equal", 1, result(0.9, 0.7, null, null), "pareto.family=m"));
        trials.add(trial("equal", 2, result(0.8, 0.8, null, null), "pareto.family=m"));
        trials.add(trial("static", 1, result(0.85, 0.6, null, null), "pareto.family=m"));
        trials.add(trial("static", 2, result(0.7, 0.7, null, null), "pareto.family=m"));
        trials.add(trial("mgda", 1, result(0.6, 0.9, null, null)));
        Map<String, Object> test = (Map<String, Object>) ((Map<String, Object>) SweepSummary.summarize(trials)
                .get("pareto_front")).get("test");
        List<Map<String, Object>> rows = (List<Map<String, Object>>) test.get("configurations");
        assertEquals(2, rows.size());
        assertEquals("family=m", rows.get(0).get("configuration"));
        assertEquals(4, rows.get(0).get("points"));
        // (0.9,0.7) and (0.8,0.8) are non-dominated; (0.85,0.6) is dominated by (0.9,0.7), (0.7,0.7) by (0.8,0.8)
        assertEquals(2, rows.get(0).get("non_dominated"));
        // accuracies span 0.6 .. 0.9 on both tasks: reference 0.57; above it (0.33, 0.13), (0.23, 0.23):
        // 0.33*0.13 + 0.23*0.10
        assertEquals(0.0659, ((Number) rows.get(0).get("hypervolume")).doubleValue(), 1e-12);
        assertEquals("weighting=mgda", rows.get(1).get("configuration"));
        assertEquals(1, rows.get(1).get("points"));
        // the family is not part of what a trial computes
        assertEquals(trial("equal", 1, result(0.9, 0.7, null, null)).getKey().config().identity(),
                trials.get(0).getKey().config().identity());
    }

    /** A result that records its seed in its configuration, as result.json does. */
    private static Map<String, Object> seeded(int seed, double acc0, double acc1) {
        Map<String, Object> r = result(acc0, acc1, null, null);
        r.put("config", Map.of("seed", Integer.toString(seed)));
        return r;
    }

    /**
     * The hypervolume per seed: a family's points of one seed form one front, measured against the
     * sweep's reference point; mean and sample std over the seeds. A configuration with one seed has
     * none (it would be its hypervolume).
     */
    @Test
    @SuppressWarnings("unchecked")
    void theHypervolumePerSeedMeasuresEachSeedsPointsAlone() {
        List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> trials = new ArrayList<>();
        trials.add(trial("equal", 1, seeded(1, 0.9, 0.7), "pareto.family=m"));
        trials.add(trial("equal", 2, seeded(2, 0.8, 0.8), "pareto.family=m"));
        trials.add(trial("static", 1, seeded(1, 0.85, 0.6), "pareto.family=m"));
        trials.add(trial("static", 2, seeded(2, 0.7, 0.7), "pareto.family=m"));
        trials.add(trial("mgda", 1, seeded(1, 0.6, 0.9)));
        trials.add(trial("mgda", 2, seeded(2, 0.65, 0.85)));
        trials.add(trial("dwa", 1, seeded(1, 0.75, 0.75)));
        Map<String, Object> summary = SweepSummary.summarize(trials);
        Map<String, Object> test = (Map<String, Object>) ((Map<String, Object>) summary.get("pareto_front")).get("test");
        // accuracies span 0.6 .. 0.9 on both tasks: reference (0.57, 0.57)
        List<Map<String, Object>> rows = (List<Map<String, Object>>) test.get("configurations");
        assertEquals(List.of("family=m", "weighting=mgda", "weighting=dwa"), rows.stream().map(r -> r.get("configuration")).toList());
        // the family, all four points: (0.9, 0.7) and (0.8, 0.8) non-dominated, 0.33*0.13 + 0.23*0.10
        assertEquals(0.0659, ((Number) rows.get(0).get("hypervolume")).doubleValue(), 1e-12);
        // seed 1: (0.9, 0.7) dominates (0.85, 0.6): 0.33*0.13 = 0.0429; seed 2: (0.8, 0.8) dominates (0.7, 0.7): 0.23*0.23 = 0.0529
        Map<String, Object> family = (Map<String, Object>) rows.get(0).get("hypervolume_per_seed");
        assertEquals(2, family.get("n"));
        assertEquals(0.0479, ((Number) family.get("mean")).doubleValue(), 1e-12);
        assertEquals(0.01 / Math.sqrt(2), ((Number) family.get("std")).doubleValue(), 1e-12);
        // mgda: seed 1 (0.6, 0.9): 0.03*0.33 = 0.0099; seed 2 (0.65, 0.85): 0.08*0.28 = 0.0224; together
        // 0.0224 + 0.03*0.05 = 0.0239
        assertEquals(0.0239, ((Number) rows.get(1).get("hypervolume")).doubleValue(), 1e-12);
        Map<String, Object> mgda = (Map<String, Object>) rows.get(1).get("hypervolume_per_seed");
        assertEquals(0.01615, ((Number) mgda.get("mean")).doubleValue(), 1e-12);
        assertEquals(0.0125 / Math.sqrt(2), ((Number) mgda.get("std")).doubleValue(), 1e-12);
        assertFalse(rows.get(2).containsKey("hypervolume_per_seed"), "one seed");
        String md = SweepSummary.markdown(summary);
        assertTrue(md.contains("| configuration | points | non-dominated | hypervolume | hypervolume per seed | spread Δ |"), md);
        assertTrue(md.contains("| family=m | 4 | 2 | 0.06590 | 0.04790 ± 0.0071 (2) | 0.000 |"), md);
        assertTrue(md.contains("| weighting=dwa | 1 | 1 | 0.03240 | – | – |"), md);
    }

    @Test
    @SuppressWarnings("unchecked")
    void trainingLossFrontsAndTheAlignmentOfPreferenceRuns() {
        Map<String, Object> summary = SweepSummary.summarize(trials(true));
        Map<String, Object> front = (Map<String, Object>) ((Map<String, Object>) summary.get("pareto_front")).get("train_loss");
        // losses span 1 .. 3 on both tasks: 3 + 0.1 * 2
        List<Double> ref = (List<Double>) front.get("reference_point");
        assertEquals(3.2, ref.get(0), 1e-12);
        assertEquals(3.2, ref.get(1), 1e-12);
        List<Map<String, Object>> rows = (List<Map<String, Object>>) front.get("configurations");
        // equal: (1,3) and (2,1): 2.2*0.2 + 1.2*2
        assertEquals(2.84, ((Number) rows.get(0).get("hypervolume")).doubleValue(), 1e-12);
        assertEquals(2, rows.get(0).get("non_dominated"));
        // static: (1.5,1.5) dominates the others: 1.7*1.7; one point has no spread
        assertEquals(2.89, ((Number) rows.get(1).get("hypervolume")).doubleValue(), 1e-12);
        assertEquals(1, rows.get(1).get("non_dominated"));
        assertFalse(rows.get(1).containsKey("spread"));
        // preference (1,2) with losses (2,1): weighted losses equal, 1; (1,1) with (1,3): 4/sqrt(20); the third records none
        Map<String, Object> alignment = (Map<String, Object>) rows.get(0).get("alignment");
        assertEquals(2, alignment.get("n"));
        assertEquals((1 + 4 / Math.sqrt(20)) / 2, ((Number) alignment.get("mean")).doubleValue(), 1e-12);
        assertFalse(rows.get(1).containsKey("alignment"));
        String md = SweepSummary.markdown(summary);
        assertTrue(md.contains("### Final training losses"), md);
        assertTrue(md.contains("| weighting=static | 3 | 1 | 2.890 | – | – |"), md);
    }

    /**
     * The alignment is taken over the tasks a preference weighs: a preference with a zero weight on
     * one of two tasks asks nothing between them and is left out (over both tasks its cosine would be
     * 1/sqrt(2) whatever the losses); on three tasks a zero weight drops that task.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theAlignmentLeavesOutTasksOfWeightZero() {
        List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> trials = new ArrayList<>();
        trials.add(trial("static", 1, result(0.9, 0.7, new double[] {1, 3}, Map.of("t0", 0.75, "t1", 0.25))));
        trials.add(trial("static", 2, result(0.8, 0.8, new double[] {2, 1}, Map.of("t0", 1, "t1", 0))));
        trials.add(trial("static", 3, result(0.6, 0.9, new double[] {3, 2}, Map.of("t0", 0, "t1", 1))));
        // as Pareto MTL records its last reference vector's preference: cos(pi/2) in floating point, counted as 0
        trials.add(trial("static", 4, result(0.7, 0.7, new double[] {3, 2}, Map.of("t0", 1, "t1", Math.cos(Math.PI / 2)))));
        Map<String, Object> front = (Map<String, Object>) ((Map<String, Object>) SweepSummary.summarize(trials)
                .get("pareto_front")).get("train_loss");
        Map<String, Object> alignment = (Map<String, Object>) ((List<Map<String, Object>>) front.get("configurations")).get(0)
                .get("alignment");
        // (0.75, 0.25) with losses (1, 3): weighted losses equal, alignment 1; the three one-task preferences left out
        assertEquals(1, alignment.get("n"));
        assertEquals(1.0, ((Number) alignment.get("mean")).doubleValue(), 1e-12);

        List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> three = new ArrayList<>();
        for (int seed = 1; seed <= 2; seed++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("status", "completed");
            Map<String, Object> tasks = new LinkedHashMap<>();
            Map<String, Object> acc = Map.of("metric", "accuracy", "higher_is_better", true);
            Map<String, Object> primary = new LinkedHashMap<>();
            Map<String, Object> train = new LinkedHashMap<>();
            for (String t : List.of("t0", "t1", "t2")) {
                tasks.put(t, Map.of("accuracy", 0.5 + 0.1 * seed));
                primary.put(t, acc);
            }
            r.put("tasks", tasks);
            r.put("primary_metrics", primary);
            // seed 1: (2, 1, 5) under (1, 2, 0): weighted (2, 2) over t0, t1, alignment 1 (over all three it would be
            // 4 / (sqrt(3) sqrt(8))); seed 2: (1, 1, 1) under (1, 1, 1): 1
            train.put("t0", Map.of("loss", seed == 1 ? 2.0 : 1.0));
            train.put("t1", Map.of("loss", 1.0));
            train.put("t2", Map.of("loss", seed == 1 ? 5.0 : 1.0));
            r.put("history", List.of(Map.of("epoch", 1, "train", train)));
            r.put("preference", seed == 1 ? Map.of("t0", 1, "t1", 2, "t2", 0) : Map.of("t0", 1, "t1", 1, "t2", 1));
            three.add(trial("static", seed, r));
        }
        front = (Map<String, Object>) ((Map<String, Object>) SweepSummary.summarize(three).get("pareto_front")).get("train_loss");
        alignment = (Map<String, Object>) ((List<Map<String, Object>>) front.get("configurations")).get(0).get("alignment");
        assertEquals(2, alignment.get("n"));
        assertEquals(1.0, ((Number) alignment.get("mean")).doubleValue(), 1e-12);
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachConfigurationListsItsTrialsPointsWithTheirVerdict() {
        Map<String, Object> summary = SweepSummary.summarize(trials(true));
        Map<String, Object> test = (Map<String, Object>) ((Map<String, Object>) summary.get("pareto_front")).get("test");
        List<Map<String, Object>> rows = (List<Map<String, Object>>) test.get("configurations");
        // static: (0.85, 0.6), (0.7, 0.7), and (0.7, 0.65), which (0.7, 0.7) dominates; the failed trial is left out
        List<Map<String, Object>> points = (List<Map<String, Object>>) rows.get(1).get("trials");
        assertEquals(3, points.size());
        assertEquals(List.of(0.7, 0.65), points.get(2).get("values"));
        assertEquals(List.of(true, true, false), points.stream().map(p -> p.get("non_dominated")).toList());
        assertTrue(points.stream().noneMatch(p -> p.containsKey("seed")), "these results record no configuration, so no seed");
        // equal's first two trials record preferences (1, 2) and (1, 1), in the objectives' order; the third none
        List<Map<String, Object>> equal = (List<Map<String, Object>>) rows.get(0).get("trials");
        assertEquals(List.of(1.0, 2.0), equal.get(0).get("preference"));
        assertFalse(equal.get(2).containsKey("preference"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aConfiguredReferencePointReplacesTheAutomaticOne() {
        List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> trials = new ArrayList<>();
        for (Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>> t : trials(true)) {
            trials.add(trial(t.getKey().point().get("weighting"), Integer.parseInt(t.getKey().point().get("seed")), t.getValue(),
                    "pareto.reference.test=0.5, 0.5", "pareto.reference.train.loss=4,4"));
        }
        Map<String, Object> summary = SweepSummary.summarize(trials);
        Map<String, Object> pareto = (Map<String, Object>) summary.get("pareto_front");
        Map<String, Object> test = (Map<String, Object>) pareto.get("test");
        assertEquals(List.of(0.5, 0.5), test.get("reference_point"));
        assertEquals("pareto.reference.test", test.get("reference_key"));
        assertFalse(test.containsKey("margin"), "no margin: the reference point is not derived from the points");
        List<Map<String, Object>> rows = (List<Map<String, Object>>) test.get("configurations");
        // equal above (0.5, 0.5): (0.4, 0.2), (0.3, 0.3), (0.1, 0.4): 0.4*0.2 + 0.3*0.1 + 0.1*0.1
        assertEquals(0.12, ((Number) rows.get(0).get("hypervolume")).doubleValue(), 1e-12);
        Map<String, Object> losses = (Map<String, Object>) pareto.get("train_loss");
        assertEquals(List.of(4.0, 4.0), losses.get("reference_point"));
        // equal below (4, 4): (2,1) and (1,3), (3,3) dominated: 2*3 + 1*1
        rows = (List<Map<String, Object>>) losses.get("configurations");
        assertEquals(7.0, ((Number) rows.get(0).get("hypervolume")).doubleValue(), 1e-12);
        String md = SweepSummary.markdown(summary);
        assertTrue(md.contains("Reference point: (0.5000, 0.5000), set by pareto.reference.test."), md);
        assertTrue(md.contains("Reference point: (4.000, 4.000), set by pareto.reference.train.loss."), md);
    }

    @Test
    void aReferencePointOfTheWrongLengthOrNotANumberStopsNamingTheKey() {
        List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> wrongLength = new ArrayList<>();
        for (Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>> t : trials(false)) {
            wrongLength.add(trial(t.getKey().point().get("weighting"), Integer.parseInt(t.getKey().point().get("seed")),
                    t.getValue(), "pareto.reference.test=0.5, 0.5, 0.5"));
        }
        ConfigException length = assertThrows(ConfigException.class, () -> SweepSummary.summarize(wrongLength));
        assertTrue(length.getMessage().startsWith("pareto.reference.test: 3 values for 2 objectives (t0 accuracy, t1 accuracy)"),
                length.getMessage());

        List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> differing = new ArrayList<>(trials(false));
        differing.set(0, trial("equal", 1, differing.get(0).getValue(), "pareto.reference.test=0.5, 0.5"));
        ConfigException axis = assertThrows(ConfigException.class, () -> SweepSummary.summarize(differing));
        assertTrue(axis.getMessage().startsWith("pareto.reference.test: the trials of the sweep set different reference points"),
                axis.getMessage());

        ConfigException text = assertThrows(ConfigException.class,
                () -> mtl.configure(null, List.of("pareto.reference.train.loss=1, high")));
        assertTrue(text.getMessage().startsWith("pareto.reference.train.loss"), text.getMessage());
        ConfigException infinite = assertThrows(ConfigException.class,
                () -> mtl.configure(null, List.of("pareto.reference.test=1, Infinity")));
        assertTrue(infinite.getMessage().startsWith("pareto.reference.test"), infinite.getMessage());
    }

    @Test
    void aRunWhoseReferencePointDoesNotMatchItsTasksStopsBeforeTraining(@TempDir Path dir) {
        ConfigException e = assertThrows(ConfigException.class, () -> mtl.run(mtl.configure(null, List.of("dataset=synthetic",
                "dataset.synthetic.tasks=2", "epochs=1", "progress=none", "output.dir=" + dir.resolve("run"),
                "pareto.reference.train.loss=1, 2, 3")), Progress.forMode("none")));
        assertTrue(e.getMessage().startsWith("pareto.reference.train.loss: 3 values for a run of 2 tasks [t0, t1]"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("run").resolve("result.json")), "nothing trained");
    }

    @Test
    void theReferencePointDoesNotChangeTrialIds(@TempDir Path dir) {
        List<String> sweep = new ArrayList<>(List.of("dataset=synthetic", "dataset.synthetic.tasks=2", "sweep.seed=1, 2"));
        List<SweepRunner.ResolvedTrial> plain = new SweepRunner(mtl).resolve(ConfigSource.load(null, sweep), dir);
        sweep.addAll(List.of("pareto.reference.test=0.1, 0.1", "pareto.reference.train.loss=9, 9"));
        List<SweepRunner.ResolvedTrial> referenced = new SweepRunner(mtl).resolve(ConfigSource.load(null, sweep), dir);
        assertEquals(plain.stream().map(SweepRunner.ResolvedTrial::id).toList(),
                referenced.stream().map(SweepRunner.ResolvedTrial::id).toList());
    }

    @Test
    void aSingleTaskSweepHasNoFront() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("status", "completed");
        r.put("tasks", Map.of("t0", Map.of("accuracy", 0.9)));
        Map<String, Object> summary = SweepSummary.summarize(List.of(trial("equal", 1, r)));
        assertNull(summary.get("pareto_front"));
        assertFalse(SweepSummary.markdown(summary).contains("Pareto front"));
    }
}
