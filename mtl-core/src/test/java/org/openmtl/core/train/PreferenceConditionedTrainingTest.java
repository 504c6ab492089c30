package org.openmtl.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.data.DatasetContext;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.optim.Optimizer;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.selector.TaskSelector;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.core.config.ConfigException;
import org.openmtl.core.config.RunConfig;
import org.openmtl.core.run.MtlRuntime;

/**
 * One preference-conditioned network (architecture and weighting {@code cosmos}) trained on the
 * synthetic data: after training, the selected model is evaluated at every preference of its
 * front, the points land in {@code result.json}'s {@code preference_front}, the main metrics are
 * those of the uniform preference, and the network answers a preference for a task with a lower
 * loss on that task.
 */
class PreferenceConditionedTrainingTest {

    @TempDir Path dir;

    private final MtlRuntime mtl = MtlRuntime.discover(Path.of("no-plugins-dir"));

    private RunConfig config(String output, String... more) {
        List<String> overrides = new ArrayList<>(List.of(
                "dataset=synthetic", "dataset.synthetic.tasks=2", "dataset.synthetic.groups=2",
                "dataset.synthetic.train.examples=512", "dataset.synthetic.validation.examples=128",
                "dataset.synthetic.test.examples=128", "architecture=cosmos", "weighting=cosmos",
                "architecture.cosmos.front=0.9,0.1;0.5,0.5;0.1,0.9", "selector=all", "optimizer=adam",
                "optimizer.adam.lr=0.01", "epochs=8", "batch.size=32", "progress=none", "checkpoint=false",
                "diagnostics.gradients=false", "output.dir=" + dir.resolve(output)));
        overrides.addAll(List.of(more));
        return mtl.configure(null, overrides);
    }

    private MultiTaskTrainer.Plugins pluginsOf(RunConfig config, String weighting) {
        DatasetProvider dataset = (DatasetProvider) create(config, PluginKind.DATASET, null);
        return new MultiTaskTrainer.Plugins(
                dataset.load(new DatasetContext(config.dataDirectory(), config.trainLimit(), config.seed())),
                (Architecture) create(config, PluginKind.ARCHITECTURE, null),
                (Weighting) create(config, PluginKind.WEIGHTING, weighting),
                (TaskSelector) create(config, PluginKind.SELECTOR, null),
                (Optimizer) create(config, PluginKind.OPTIMIZER, null));
    }

    private Object create(RunConfig config, PluginKind kind, String name) {
        String chosen = name == null ? config.pluginName(kind) : name;
        return mtl.registry().require(kind, chosen).factory().create(
                name == null ? config.pluginConfig(kind)
                        : org.openmtl.api.plugin.PluginConfigs.of(mtl.registry().require(kind, chosen).descriptor(), Map.of(), 1));
    }

    private Map<String, Object> train(RunConfig config) {
        return new MultiTaskTrainer(config, pluginsOf(config, null), Progress.forMode("none"), Map.of()).train();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> points(Map<String, Object> result) {
        return (List<Map<String, Object>>) ((Map<String, Object>) result.get("preference_front")).get("points");
    }

    @SuppressWarnings("unchecked")
    private static double trainLoss(Map<String, Object> point, String task) {
        return ((Map<String, Number>) point.get("train_loss")).get(task).doubleValue();
    }

    /**
     * Trained on the preference-weighted losses alone (λ = 0) through a trunk whose representation
     * has 2 units, too narrow to carry both unrelated tasks (groups=2) at once, the network evaluated at p = (0.9, 0.1) has a lower training loss on
     * t0, and a higher one on t1, than the same network at p = (0.1, 0.9): on every one of 5 seeds.
     */
    @Test
    void aPreferenceForATaskGivesThatTaskTheLowerLoss() {
        int agreeing = 0;
        List<String> seen = new ArrayList<>();
        for (int seed = 1; seed <= 5; seed++) {
            Map<String, Object> result = train(config("seed" + seed, "seed=" + seed, "weighting.cosmos.lambda=0",
                    "architecture.cosmos.mlp.hidden=16,2", "architecture.cosmos.head.hidden="));
            assertEquals("completed", result.get("status"));
            List<Map<String, Object>> points = points(result);
            Map<String, Object> first = points.get(0);
            Map<String, Object> last = points.get(2);
            assertEquals(Map.of("t0", 0.9, "t1", 0.1), first.get("preference"));
            assertEquals(Map.of("t0", 0.1, "t1", 0.9), last.get("preference"));
            seen.add(String.format("seed %d: t0 %.4f vs %.4f, t1 %.4f vs %.4f", seed, trainLoss(first, "t0"),
                    trainLoss(last, "t0"), trainLoss(first, "t1"), trainLoss(last, "t1")));
            if (trainLoss(first, "t0") < trainLoss(last, "t0") && trainLoss(first, "t1") > trainLoss(last, "t1")) {
                agreeing++;
            }
        }
        assertEquals(5, agreeing, String.join("; ", seen));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyPointHoldsItsMetricsAndLossesAndTheMainMetricsAreTheUniformPreferences() {
        Map<String, Object> result = train(config("front", "architecture.cosmos.front.train.examples=100"));
        Map<String, Object> front = (Map<String, Object>) result.get("preference_front");
        assertEquals(Map.of("t0", 0.5, "t1", 0.5), front.get("selection_preference"));
        assertEquals(100, front.get("train_examples"));
        List<Map<String, Object>> points = points(result);
        assertEquals(3, points.size());
        for (Map<String, Object> p : points) {
            assertEquals(List.of("preference", "tasks", "validation", "train_loss", "validation_loss"), List.copyOf(p.keySet()));
            for (String part : List.of("tasks", "validation")) {
                Map<String, Map<String, Double>> metrics = (Map<String, Map<String, Double>>) p.get(part);
                assertEquals(List.of("t0", "t1"), List.copyOf(metrics.keySet()), part);
                String primary = ((Map<String, Map<String, Object>>) result.get("primary_metrics")).get("t0").get("metric")
                        .toString();
                assertTrue(Double.isFinite(metrics.get("t0").get(primary)), part + " " + metrics);
            }
            for (String part : List.of("train_loss", "validation_loss")) {
                Map<String, Double> losses = (Map<String, Double>) p.get(part);
                assertTrue(losses.get("t0") > 0 && losses.get("t1") > 0, part + " " + losses);
            }
        }
        // the selected model at the uniform preference, evaluated by the same code: the main metrics, bit for bit
        assertEquals(result.get("tasks"), points.get(1).get("tasks"));
        assertEquals(result.get("validation"), points.get(1).get("validation"));
        // the cosmos weighting gives no single preference, so the run records none
        assertTrue(!result.containsKey("preference"), "no run-wide preference");
        // the same configuration gives the same front
        Map<String, Object> again = train(config("front-again", "architecture.cosmos.front.train.examples=100"));
        assertEquals(result.get("preference_front"), again.get("preference_front"));
    }

    @Test
    void aConditionedNetworkWithoutADrawingWeightingIsRefusedAndTheReverse() {
        RunConfig config = config("refused");
        ConfigException e = assertThrows(ConfigException.class,
                () -> new MultiTaskTrainer(config, pluginsOf(config, "equal"), Progress.forMode("none"), Map.of()).train());
        assertTrue(e.getMessage().contains("weighting=cosmos"), e.getMessage());
        // and a drawing weighting on a network that reads no preference
        RunConfig plain = config("refused-too", "architecture=hard-sharing", "weighting=equal");
        MultiTaskTrainer.Plugins plugins = pluginsOf(plain, "cosmos");
        ConfigException reverse = assertThrows(ConfigException.class,
                () -> new MultiTaskTrainer(plain, plugins, Progress.forMode("none"), Map.of()).train());
        assertTrue(reverse.getMessage().contains("architecture=cosmos"), reverse.getMessage());
    }
}
