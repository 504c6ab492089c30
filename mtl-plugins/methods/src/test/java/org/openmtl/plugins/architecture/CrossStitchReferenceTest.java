package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.task.Task;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

/**
 * The cross-stitch unit against an independent numpy computation of the paper's equation (1)
 * ({@code reference/cross-stitch}: the authors released no code), and the units' own learning rate
 * (cross-stitch {@code lr.scale}, learn-to-branch {@code lr.scale}) declared for exactly their
 * parameters.
 */
class CrossStitchReferenceTest {

    @Test
    void theUnitMatchesTheEquationOnFixedInputs() throws Exception {
        JsonObject expected;
        try (Reader in = new InputStreamReader(
                CrossStitchReferenceTest.class.getResourceAsStream("/reference/cross-stitch/expected.json"),
                StandardCharsets.UTF_8)) {
            expected = JsonParser.parseReader(in).getAsJsonObject();
        }
        int compared = 0;
        for (JsonElement c : expected.getAsJsonArray("cases")) {
            JsonObject ref = c.getAsJsonObject();
            Shape shape = shape(ref.getAsJsonArray("shape"));
            JsonArray inputs = ref.getAsJsonArray("inputs");
            try (NDManager manager = ContractTensors.newManager()) {
                NDList columns = new NDList();
                for (JsonElement x : inputs) {
                    columns.add(manager.create(floats(x.getAsJsonArray()), shape));
                }
                NDArray alpha = manager.create(floats(ref.getAsJsonArray("alpha")), shape(ref.getAsJsonArray("alpha_shape")));
                NDList mixed = ref.get("per_channel").getAsBoolean()
                        ? CrossStitchUnit.mixPerChannel(alpha, columns) : CrossStitchUnit.mix(alpha, columns);
                for (int i = 0; i < mixed.size(); i++) {
                    float[] want = floats(ref.getAsJsonArray("outputs").get(i).getAsJsonArray());
                    float[] got = mixed.get(i).toFloatArray();
                    assertEquals(want.length, got.length);
                    for (int k = 0; k < want.length; k++) {
                        assertTrue(Math.abs(want[k] - got[k]) <= 1e-5 * Math.abs(want[k]) + 1e-6,
                                "case " + compared + ", column " + i + " [" + k + "]: " + want[k] + " vs " + got[k]);
                    }
                }
            }
            compared++;
        }
        assertEquals(4, compared);
    }

    @Test
    void theUnitsAndTheBranchingLogitsTrainWithTheirOwnLearningRate() {
        List<Task> tasks = List.of(Task.regression("a", 1, 0), Task.regression("b", 1, 1));
        try (NDManager manager = ContractTensors.newManager()) {
            for (String[] settings : new String[][] {{}, {"lr.scale=7", "lr.scale.adaptive=3"}}) {
                double scale = settings.length == 0 ? 1000 : 7;
                double adaptive = settings.length == 0 ? 1 : 3;
                ContractTensors.seedEngine(1);
                MultiTaskNetwork network = TestPlugins.create(new CrossStitchFactory(), settings)
                        .build(new NetworkContext(tasks, new Shape(6), manager, 1));
                List<Parameter> alphas = network.extraParameters();
                assertFalse(alphas.isEmpty());
                for (Parameter p : network.block().getParameters().values()) {
                    assertEquals(alphas.contains(p) ? scale : 1.0, network.learningRateScale(p), p.getName());
                    assertEquals(alphas.contains(p) ? scale : 1.0, network.learningRateScale(p, false), p.getName());
                    assertEquals(alphas.contains(p) ? adaptive : 1.0, network.learningRateScale(p, true), p.getName());
                }
            }
            ContractTensors.seedEngine(1);
            LearnToBranch.Network branching = (LearnToBranch.Network) TestPlugins.create(new LearnToBranchFactory())
                    .build(new NetworkContext(tasks, new Shape(6), manager, 1));
            List<Parameter> logits = branching.logits();
            assertFalse(logits.isEmpty());
            for (Parameter p : branching.block().getParameters().values()) {
                assertEquals(logits.contains(p) ? 100.0 : 1.0, branching.learningRateScale(p), p.getName());
            }
        }
    }

    private static Shape shape(JsonArray dims) {
        long[] d = new long[dims.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = dims.get(i).getAsLong();
        }
        return new Shape(d);
    }

    private static float[] floats(JsonArray values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).getAsFloat();
        }
        return out;
    }
}
