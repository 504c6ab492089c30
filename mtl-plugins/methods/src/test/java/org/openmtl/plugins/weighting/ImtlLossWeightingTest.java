package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

/** IMTL-L against its closed form: objective Σ e^{s}L − s, gradients e^{s} (loss) and e^{s}L − 1 (scale). */
class ImtlLossWeightingTest {

    private static final List<String> TASKS = List.of("a", "b");

    private static ImtlLossWeighting initialized(NDManager manager, String... settings) {
        String[] all = new String[settings.length + 1];
        all[0] = "variant=l";
        System.arraycopy(settings, 0, all, 1, settings.length);
        Weighting weighting = TestPlugins.create(new ImtlWeightingFactory(), all);
        weighting.initialize(WeightingTesting.context(manager, TASKS, Map.of("a", 10, "b", 10)));
        return (ImtlLossWeighting) weighting;
    }

    @Test
    void valueAndGradientsMatchTheClosedForm() {
        try (NDManager manager = ContractTensors.newManager()) {
            ImtlLossWeighting weighting = initialized(manager);
            ObjectiveProbe.set(weighting.parameters().get(0), 0.5, -1.0);
            double[] l = {2.0, 0.25};
            ObjectiveProbe.Result r = ObjectiveProbe.step(weighting, manager, 0, TASKS, l);
            double[] s = {0.5, -1.0};
            assertEquals(Math.exp(s[0]) * l[0] - s[0] + Math.exp(s[1]) * l[1] - s[1], r.objective(), 1e-5);
            assertArrayEquals(new double[] {Math.exp(s[0]), Math.exp(s[1])}, r.lossGradients(), 1e-5);
            assertArrayEquals(new double[] {Math.exp(s[0]) * l[0] - 1, Math.exp(s[1]) * l[1] - 1},
                    r.parameterGradients().get(0), 1e-5);
            assertArrayEquals(new double[] {Math.exp(s[0]), Math.exp(s[1])}, weighting.lastWeights(), 1e-6);
        }
    }

    @Test
    void descentOnTheScalesMakesEveryScaledLossOne() {
        try (NDManager manager = ContractTensors.newManager()) {
            ImtlLossWeighting weighting = initialized(manager);
            double[] l = {4.0, 0.1};
            double[] s = {0, 0};
            for (int step = 0; step < 2000; step++) {
                ObjectiveProbe.set(weighting.parameters().get(0), s);
                double[] g = ObjectiveProbe.step(weighting, manager, step, TASKS, l).parameterGradients().get(0);
                for (int i = 0; i < 2; i++) {
                    s[i] -= 0.05 * g[i];
                }
            }
            // e^{s} L = 1, i.e. s = -log L
            assertEquals(-Math.log(4.0), s[0], 1e-3);
            assertEquals(-Math.log(0.1), s[1], 1e-3);
            assertTrue(weighting instanceof LossWeighting);
        }
    }
}
