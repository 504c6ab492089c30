package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model selection through the command line: independent networks report each task's metrics from
 * that task's own best validation epoch; a network with phases is selected among its last phase's
 * epochs only.
 */
class ModelSelectionRunTest {

    @TempDir Path dir;

    @SuppressWarnings("unchecked")
    private Map<String, Object> run(String name, String... settings) throws Exception {
        Path out = dir.resolve(name);
        String[] args = new String[settings.length + 5];
        args[0] = "run";
        args[1] = "dataset=synthetic";
        args[2] = "progress=none";
        args[3] = "checkpoint=false";
        args[4] = "output.dir=" + out;
        System.arraycopy(settings, 0, args, 5, settings.length);
        Cli.Outcome o = Cli.run(args);
        assertEquals(0, o.exitCode(), o.out() + o.err());
        return new Gson().fromJson(Files.readString(out.resolve("result.json")), Map.class);
    }

    @Test
    @SuppressWarnings("unchecked")
    void independentNetworksAreSelectedPerTaskAtEachTasksBestValidationEpoch() throws Exception {
        Map<String, Object> result = run("independent", "architecture=independent", "epochs=6", "seed=3");
        List<Map<String, Object>> history = (List<Map<String, Object>>) result.get("history");
        Map<String, Object> primary = (Map<String, Object>) result.get("primary_metrics");
        Map<String, Object> selection = (Map<String, Object>) result.get("selection");
        Map<String, Number> perTask = (Map<String, Number>) selection.get("per_task");
        assertEquals(primary.keySet(), perTask.keySet());
        Map<String, Object> tasks = (Map<String, Object>) result.get("tasks");
        int latest = 0;
        for (String task : primary.keySet()) {
            Map<String, Object> p = (Map<String, Object>) primary.get(task);
            String metric = (String) p.get("metric");
            double sign = (Boolean) p.get("higher_is_better") ? 1 : -1;
            // by hand: the earliest epoch with the best validation value of this task
            int best = 0;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (Map<String, Object> h : history) {
                double v = sign * ((Number) ((Map<String, Map<String, Object>>) h.get("validation")).get(task).get(metric))
                        .doubleValue();
                if (v > bestValue) {
                    bestValue = v;
                    best = ((Number) h.get("epoch")).intValue();
                }
            }
            assertEquals(best, perTask.get(task).intValue(), task);
            assertEquals(((Map<String, Object>) history.get(best - 1).get("test")).get(task), tasks.get(task), task);
            latest = Math.max(latest, best);
        }
        assertEquals(latest, ((Number) result.get("selected_epoch")).intValue());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aNetworkWithPhasesIsSelectedAmongItsLastPhasesEpochs() throws Exception {
        // 10 epochs: 2 of warm-up, 6 of search, 2 of re-training from scratch
        Map<String, Object> result = run("adashare", "architecture=adashare", "epochs=10", "seed=2",
                "architecture.adashare.warmup=0.2", "architecture.adashare.retrain=0.2");
        Map<String, Object> selection = (Map<String, Object>) result.get("selection");
        assertEquals("retrain", selection.get("phase"));
        assertEquals(List.of(9.0, 10.0), selection.get("epochs"));
        int selected = ((Number) result.get("selected_epoch")).intValue();
        assertTrue(selected >= 9, "selected epoch " + selected);
        List<Map<String, Object>> history = (List<Map<String, Object>>) result.get("history");
        assertEquals("retrain", history.get(selected - 1).get("phase"));
        assertEquals(history.get(selected - 1).get("test"), result.get("tasks"));
    }
}
