package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmtl.testkit.ContractTensors;

/**
 * AdaShare's policy samples against the authors' code: {@code reference/adashare/expected.json},
 * produced by {@code generate.py} from github:sunxm2357/AdaShare at commit 0615a47 ({@code
 * MTL2.train_sample_policy}, soft and hard Gumbel-softmax) on fixed logits and fixed Gumbel noise.
 * Values and the gradients of a fixed linear function of the samples with respect to the logits
 * agree to 1e-5 relative.
 */
class AdaShareReferenceTest {

    private static final double RELATIVE = 1e-5;
    private static final double FLOOR = 1e-7;

    @Test
    void softAndHardSamplesAndTheirGradientsMatchTheAuthorsCode() throws Exception {
        JsonObject expected;
        try (Reader in = new InputStreamReader(
                AdaShareReferenceTest.class.getResourceAsStream("/reference/adashare/expected.json"),
                StandardCharsets.UTF_8)) {
            expected = JsonParser.parseReader(in).getAsJsonObject();
        }
        assertEquals("0615a4731765d42fa6b0606741b5ad9d954a3b5b", expected.get("commit").getAsString());
        int compared = 0;
        for (JsonElement c : expected.getAsJsonArray("cases")) {
            JsonObject ref = c.getAsJsonObject();
            double tau = ref.get("tau").getAsDouble();
            boolean hard = ref.get("hard").getAsBoolean();
            JsonArray logits = ref.getAsJsonArray("logits");
            for (int t = 0; t < logits.size(); t++) {
                float[] l = flat(logits.get(t));
                float[] g = flat(ref.getAsJsonArray("gumbel").get(t));
                float[] w = flat(ref.getAsJsonArray("weights").get(t));
                float[] policy = flat(ref.getAsJsonArray("policy").get(t));
                float[] gradient = flat(ref.getAsJsonArray("gradient").get(t));
                Shape shape = new Shape(l.length / 2, 2);
                try (NDManager manager = ContractTensors.newManager()) {
                    NDArray logit = manager.create(l, shape);
                    logit.setRequiresGradient(true);
                    float[] sample;
                    try (GradientCollector collector = ContractTensors.newGradientCollector()) {
                        NDArray noise = manager.create(g, shape);
                        NDArray y = hard ? AdaShare.gumbelHard(logit, noise, tau) : AdaShare.gumbelSoft(logit, noise, tau);
                        sample = y.toFloatArray();
                        collector.backward(y.mul(manager.create(w, shape)).sum());
                    }
                    String what = (hard ? "hard" : "soft") + " tau " + tau + " task " + t;
                    close(policy, sample, what + " sample");
                    close(gradient, logit.getGradient().toFloatArray(), what + " gradient");
                    compared++;
                }
            }
        }
        assertEquals(10, compared, "two soft and two hard cases of 2 and 3 tasks");
    }

    private static void close(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double tolerance = Math.max(FLOOR, RELATIVE * Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance,
                    what + " [" + i + "]: expected " + expected[i] + ", got " + actual[i]);
        }
    }

    private static float[] flat(JsonElement nested) {
        List<Float> values = new ArrayList<>();
        collect(nested, values);
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static void collect(JsonElement e, List<Float> into) {
        if (e.isJsonArray()) {
            e.getAsJsonArray().forEach(x -> collect(x, into));
        } else {
            into.add(e.getAsFloat());
        }
    }
}
