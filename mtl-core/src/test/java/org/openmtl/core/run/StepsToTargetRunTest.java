package org.openmtl.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.sweep.SweepRunner;
import org.openmtl.core.train.Progress;

/** Steps to target in a real (tiny) run's result.json, and the checks on target.metrics. */
class StepsToTargetRunTest {

    @TempDir Path dir;

    private final MtlRuntime mtl = MtlRuntime.discover(Path.of("no-plugins-dir"));

    private static final List<String> COMMON = List.of("dataset=synthetic", "dataset.synthetic.tasks=2",
            "dataset.synthetic.train.examples=128", "dataset.synthetic.validation.examples=32",
            "dataset.synthetic.test.examples=32", "epochs=2", "batch.size=32", "progress=none", "checkpoint=false");

    private Map<String, Object> run(String... extra) {
        List<String> values = new ArrayList<>(COMMON);
        values.addAll(List.of(extra));
        return mtl.run(mtl.configure(null, values), Progress.forMode("none"));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> targets(Map<String, Object> result) {
        return (List<Map<String, Object>>) ((Map<String, Object>) result.get("steps_to_target")).get("targets");
    }

    @SuppressWarnings("unchecked")
    private static double validation(Map<String, Object> record, String task, String metric) {
        return ((Map<String, Map<String, Number>>) record.get("validation")).get(task).get(metric).doubleValue();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRunRecordsItsStepsToTargetAndEveryMetricsDirection() throws Exception {
        Map<String, Object> single = run("architecture=independent", "output.dir=" + dir.resolve("single"),
                "target.metrics=t0.mse:1e9, t1.mae:0");
        assertEquals(Map.of("t0", Map.of("mse", false, "mae", false), "t1", Map.of("mse", false, "mae", false)),
                single.get("metric_directions"));
        List<Map<String, Object>> history = (List<Map<String, Object>>) single.get("history");
        List<Map<String, Object>> targets = targets(single);
        // any mse is at most 1e9: reached at the first evaluation, after the first epoch's steps (128 / 32)
        assertEquals(true, targets.get(0).get("reached"));
        assertEquals(1, targets.get(0).get("epoch"));
        assertEquals(4L, ((Number) targets.get(0).get("steps")).longValue());
        assertEquals(((Number) history.get(0).get("steps")).longValue(), ((Number) targets.get(0).get("steps")).longValue());
        // a mean absolute error of exactly 0 is never reached
        assertEquals(false, targets.get(1).get("reached"));
        assertFalse(targets.get(1).containsKey("steps"));

        // a shared network compared with it: the relative target is the single-task best / 0.5 (mse is lower-is-better)
        Map<String, Object> shared = run("output.dir=" + dir.resolve("shared"), "transfer.baseline=" + dir.resolve("single"),
                "target.relative=0.5");
        List<Map<String, Object>> relative = targets(shared).stream().filter(t -> t.get("kind").equals("relative")).toList();
        assertEquals(2, relative.size());
        for (Map<String, Object> t : relative) {
            String task = (String) t.get("task");
            double best = Math.min(validation(history.get(0), task, "mse"), validation(history.get(1), task, "mse"));
            assertEquals(best, ((Number) t.get("single_task_best")).doubleValue(), 0);
            assertEquals(best / 0.5, ((Number) t.get("target")).doubleValue(), 1e-15);
            // the single-task network reaches twice its best loss at its best epoch at the latest
            assertEquals(true, t.get("single_task_reached"));
        }
        assertTrue(Files.readString(dir.resolve("shared").resolve("result.json")).contains("\"steps_to_target\""), "written to result.json");
    }

    @Test
    void targetsNamingATaskOrMetricTheRunLacksStopItBeforeAnythingIsWritten() {
        ConfigException task = assertThrows(ConfigException.class,
                () -> run("output.dir=" + dir.resolve("a"), "target.metrics=t9.mse:1"));
        assertTrue(task.getMessage().contains("target.metrics") && task.getMessage().contains("'t9'")
                && task.getMessage().contains("[t0, t1]"), task.getMessage());
        ConfigException metric = assertThrows(ConfigException.class,
                () -> run("output.dir=" + dir.resolve("b"), "target.metrics=t0.accuracy:0.9"));
        assertTrue(metric.getMessage().contains("'accuracy'") && metric.getMessage().contains("[mse, mae]"), metric.getMessage());
        ConfigException syntax = assertThrows(ConfigException.class,
                () -> mtl.configure(null, List.of("target.metrics=t0-mse-0.9")));
        assertTrue(syntax.getMessage().startsWith("target.metrics: 't0-mse-0.9' is not TASK.METRIC:VALUE"), syntax.getMessage());
        assertTrue(syntax.getMessage().contains("the command line"), syntax.getMessage());
        assertFalse(Files.exists(dir.resolve("a")) || Files.exists(dir.resolve("b")), "nothing written");
    }

    @Test
    void targetsDoNotChangeTrialIds() {
        List<String> sweep = new ArrayList<>(COMMON);
        sweep.add("sweep.seed=1, 2");
        List<SweepRunner.ResolvedTrial> plain = new SweepRunner(mtl).resolve(ConfigSource.load(null, sweep), dir);
        sweep.addAll(List.of("target.metrics=t0.mse:0.5", "target.relative=0.5"));
        List<SweepRunner.ResolvedTrial> targeted = new SweepRunner(mtl).resolve(ConfigSource.load(null, sweep), dir);
        for (int i = 0; i < plain.size(); i++) {
            assertEquals(plain.get(i).id(), targeted.get(i).id());
        }
    }
}
