package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class FamoWeightingTest {

    private static final List<String> TWO = List.of("a", "b");

    private static FamoWeighting initialized(
            NDManager manager, List<String> tasks, String... settings) {
        FamoWeighting weighting =
                (FamoWeighting) TestPlugins.create(new FamoWeightingFactory(), settings);
        Map<String, Integer> sizes = new HashMap<>();
        tasks.forEach(t -> sizes.put(t, 10));
        weighting.initialize(WeightingTesting.context(manager, tasks, sizes));
        return weighting;
    }

    /** Σ (z_i/c) log L_i with c = Σ z_j/L_j, z = softmax(ξ), written out for two tasks. */
    private static double objective(double[] xi, double[] l) {
        double z0 = 1 / (1 + Math.exp(xi[1] - xi[0]));
        double z1 = 1 - z0;
        double c = z0 / l[0] + z1 / l[1];
        return z0 / c * Math.log(l[0]) + z1 / c * Math.log(l[1]);
    }

    /**
     * The authors' FAMO class (reference/famo, see its README.md) on a fixed sequence of losses
     * before and after each update on the same batch: the weights each step gives the task
     * gradients, and the logits after each update, at the default keys.
     */
    @Test
    void matchesTheAuthorsCodeOnAFixedSequence() {
        JsonObject reference = ReferenceData.load("famo", "expected.json");
        List<String> tasks = List.of("a", "b", "c");
        try (NDManager manager = ContractTensors.newManager()) {
            FamoWeighting weighting = initialized(manager, tasks);
            assertTrue(weighting.needsLossesAfterUpdate(), "the default re-evaluates the batch");
            long step = 0;
            for (JsonElement e : reference.getAsJsonArray("sequence")) {
                JsonObject item = e.getAsJsonObject();
                ObjectiveProbe.Result result =
                        ObjectiveProbe.step(weighting, manager, step, tasks, ReferenceData.vector(item.get("losses")));
                double[] weights = ReferenceData.vector(item.get("weights"));
                ReferenceData.assertRelative(weights, result.lossGradients(), 1e-5, "weights of step " + step);
                ReferenceData.assertRelative(weights, weighting.lastWeights(), 1e-5, "lastWeights of step " + step);
                weighting.afterUpdate(
                        WeightingTesting.losses(manager, tasks, ReferenceData.vector(item.get("after"))),
                        new StepContext(1, step, manager));
                ReferenceData.assertRelative(
                        ReferenceData.vector(item.get("logits")), weighting.logits(), 1e-5, "logits after step " + step);
                step++;
            }
        }
    }

    /**
     * Two tasks, plain steps (update=sgd), lr 0.025, gamma 0.1, worked by hand, in the variant
     * delta=next-batch (the next step's losses stand for the losses after the update).
     *
     * <p>Step 0, L = (1, 2): no earlier losses, ξ = 0, z = (1/2, 1/2), c = 1/2 + 1/4 = 3/4; the
     * objective is (2/3)(log 1 + log 2) = 0.462098 and the loss weights (z_i/c)/L_i = (2/3, 1/3).
     *
     * <p>Step 1, L = (0.5, 1.8): δ = (log 2, log(2/1.8)) = (0.693147, 0.105361), z·δ = 0.399254,
     * d = z ⊙ (δ − z·δ) = (0.146947, −0.146947), decay γξ = 0: ξ = −0.025 d = (−0.0036737,
     * 0.0036737). Then the step's objective uses z = softmax(ξ) = (0.498163, 0.501837): −0.0394686,
     * weights (0.781356, 0.218644).
     */
    @Test
    void logitUpdateMatchesAHandComputedStep() {
        try (NDManager manager = ContractTensors.newManager()) {
            FamoWeighting weighting =
                    initialized(manager, TWO, "update=sgd", "lr=0.025", "gamma=0.1", "delta=next-batch");

            ObjectiveProbe.Result step0 = ObjectiveProbe.step(weighting, manager, 0, TWO, 1.0, 2.0);
            assertEquals(0.462098, step0.objective(), 1e-6);
            assertArrayEquals(new double[] {0, 0}, weighting.logits(), 0.0);
            assertArrayEquals(new double[] {2.0 / 3, 1.0 / 3}, weighting.lastWeights(), 1e-7);
            assertArrayEquals(new double[] {2.0 / 3, 1.0 / 3}, step0.lossGradients(), 1e-6);

            ObjectiveProbe.Result step1 = ObjectiveProbe.step(weighting, manager, 1, TWO, 0.5, 1.8);
            double[] xi1 = weighting.logits();
            assertArrayEquals(new double[] {-0.0036737, 0.0036737}, xi1, 1e-7);
            assertEquals(-0.0394686, step1.objective(), 1e-6);
            assertArrayEquals(new double[] {0.781356, 0.218644}, weighting.lastWeights(), 1e-6);
            assertArrayEquals(new double[] {0.781356, 0.218644}, step1.lossGradients(), 1e-5);

            // step 2, L = (0.4, 1.0): now the decay 0.1 ξ counts too
            ObjectiveProbe.Result step2 = ObjectiveProbe.step(weighting, manager, 2, TWO, 0.4, 1.0);
            double z0 = 1 / (1 + Math.exp(xi1[1] - xi1[0]));
            double[] z = {z0, 1 - z0};
            double[] delta = {Math.log(0.5 / 0.4), Math.log(1.8 / 1.0)};
            double zDelta = z[0] * delta[0] + z[1] * delta[1];
            double[] xi2 = new double[2];
            for (int i = 0; i < 2; i++) {
                xi2[i] = xi1[i] - 0.025 * (z[i] * (delta[i] - zDelta) + 0.1 * xi1[i]);
            }
            // the losses arrive as float32, hence the tolerance
            assertArrayEquals(xi2, weighting.logits(), 1e-9);
            assertTrue(xi2[1] < xi1[1], "b's loss fell more this time: its logit drops");
            assertEquals(objective(xi2, new double[] {0.4, 1.0}), step2.objective(), 1e-6);
        }
    }

    /**
     * With Adam (the default), the first step moves each logit by lr against the sign of its
     * gradient (m̂ = g, v̂ = g²); the second follows the bias-corrected moments.
     */
    @Test
    void adamUpdateMatchesAHandComputedStep() {
        try (NDManager manager = ContractTensors.newManager()) {
            FamoWeighting weighting = initialized(manager, TWO, "gamma=0", "delta=next-batch");
            ObjectiveProbe.step(weighting, manager, 0, TWO, 1.0, 2.0);
            ObjectiveProbe.step(weighting, manager, 1, TWO, 0.5, 1.8);
            // z ⊙ (δ − z·δ) of the step above: ±0.146947 for a and b
            double g = 0.5 * (Math.log(2) - (Math.log(2) + Math.log(2 / 1.8)) / 2);
            assertEquals(0.146947, g, 1e-6);
            assertArrayEquals(
                    new double[] {-0.025 * g / (g + 1e-8), 0.025 * g / (g + 1e-8)},
                    weighting.logits(),
                    1e-9);
            double[] xi1 = weighting.logits();

            ObjectiveProbe.step(weighting, manager, 2, TWO, 0.4, 1.0);
            double z0 = 1 / (1 + Math.exp(xi1[1] - xi1[0]));
            double[] z = {z0, 1 - z0};
            double[] delta = {Math.log(0.5 / 0.4), Math.log(1.8 / 1.0)};
            double zDelta = z[0] * delta[0] + z[1] * delta[1];
            double[] first = {g, -g};
            double[] expected = new double[2];
            for (int i = 0; i < 2; i++) {
                double g1 = first[i];
                double g2 = z[i] * (delta[i] - zDelta);
                double m = (0.9 * 0.1 * g1 + 0.1 * g2) / (1 - 0.9 * 0.9);
                double v = (0.999 * 0.001 * g1 * g1 + 0.001 * g2 * g2) / (1 - 0.999 * 0.999);
                expected[i] = xi1[i] - 0.025 * m / (Math.sqrt(v) + 1e-8);
            }
            assertArrayEquals(expected, weighting.logits(), 1e-6);
        }
    }

    @Test
    void theTaskWhoseLossFallsLeastGainsWeight() {
        try (NDManager manager = ContractTensors.newManager()) {
            FamoWeighting weighting = initialized(manager, TWO, "delta=next-batch");
            double a = 1.0;
            double b = 1.0;
            for (int step = 0; step < 50; step++) {
                WeightingTesting.objective(weighting, manager, TWO, a, b);
                a *= 0.9; // a falls fast, b slowly
                b *= 0.99;
            }
            double[] xi = weighting.logits();
            assertTrue(xi[1] > xi[0], "b's logit should rise: " + xi[0] + ", " + xi[1]);
        }
    }

    @Test
    void tasksMissingFromEitherStepGetNoLogitGradient() {
        List<String> tasks = List.of("a", "b", "c");
        try (NDManager manager = ContractTensors.newManager()) {
            FamoWeighting weighting =
                    initialized(manager, tasks, "update=sgd", "lr=0.5", "gamma=0", "delta=next-batch");
            WeightingTesting.objective(weighting, manager, tasks, 1.0, 1.0, 1.0);
            WeightingTesting.objective(weighting, manager, List.of("b", "a"), 0.9, 0.5);
            // known: δ_a = log 2, δ_b = log(1/0.9); z = 1/3 each, so c gets their mean and
            // d_i = (1/3)(δ_i − mean) for a and b, 0 for c
            double da = Math.log(2);
            double db = Math.log(1 / 0.9);
            double mean = (da + db) / 2;
            assertArrayEquals(
                    new double[] {-0.5 * (da - mean) / 3, -0.5 * (db - mean) / 3, 0.0},
                    weighting.logits(),
                    1e-7);
            // a step sharing no task with the one before leaves the logits alone
            double[] before = weighting.logits();
            WeightingTesting.objective(weighting, manager, List.of("c"), 0.3);
            assertArrayEquals(before, weighting.logits(), 0.0);
            double[] w = weighting.lastWeights();
            assertArrayEquals(new double[] {0, 0, 1}, w, 1e-9, "one task: all its weight");
        }
    }

    @Test
    void aNegativeLossIsRefused() {
        try (NDManager manager = ContractTensors.newManager()) {
            FamoWeighting weighting = initialized(manager, TWO);
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> WeightingTesting.objective(weighting, manager, TWO, 1.0, -0.5));
            assertTrue(e.getMessage().contains("'b'"), e.getMessage());
        }
    }
}
