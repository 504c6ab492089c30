package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.task.Task;

/**
 * Networks checked against a reference implementation run on the same weights: the expected
 * values, the weights (flat, per block of ours, in its parameter order) and the tasks, read from
 * {@code reference/<method>/expected.json} (script and commit beside it, in README.md).
 */
final class ReferenceNetworks {

    /** The tolerance of every comparison, relative to the largest expected magnitude of an array. */
    static final double RELATIVE = 1e-5;

    private ReferenceNetworks() {}

    static List<JsonObject> cases(String method) {
        String resource = "/reference/" + method + "/expected.json";
        try (InputStream in = ReferenceNetworks.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            JsonObject root = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8))
                    .getAsJsonObject();
            List<JsonObject> cases = new ArrayList<>();
            root.getAsJsonArray("cases").forEach(c -> cases.add(c.getAsJsonObject()));
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float[] floats(JsonElement element) {
        JsonArray a = element.getAsJsonArray();
        float[] f = new float[a.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = a.get(i).getAsFloat();
        }
        return f;
    }

    static double[] doubles(JsonElement element) {
        JsonArray a = element.getAsJsonArray();
        double[] d = new double[a.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.get(i).getAsDouble();
        }
        return d;
    }

    /** The case's tasks, all regressions (an architecture reads only their names and widths). */
    static List<Task> tasks(JsonObject c) {
        List<Task> tasks = new ArrayList<>();
        for (JsonElement t : c.getAsJsonArray("tasks")) {
            JsonObject task = t.getAsJsonObject();
            tasks.add(Task.regression(task.get("name").getAsString(), task.get("outputs").getAsInt(), tasks.size()));
        }
        return tasks;
    }

    /** A comma-separated list of the integers of a JSON array ("" when empty), for a setting. */
    static String widths(JsonObject c, String key) {
        List<String> w = new ArrayList<>();
        c.getAsJsonArray(key).forEach(x -> w.add(Integer.toString(x.getAsInt())));
        return String.join(",", w);
    }

    /**
     * Sets every block of the network named in {@code blocks} to the reference's weights, checking
     * that the block has exactly that many parameters of exactly those sizes, and that every
     * parameter of the network was set.
     */
    static void load(MultiTaskNetwork network, JsonObject blocks) {
        int set = 0;
        for (Map.Entry<String, JsonElement> block : blocks.entrySet()) {
            List<Parameter> parameters = ExpertMixtureChecks.named(network, block.getKey());
            JsonArray values = block.getValue().getAsJsonArray();
            assertEquals(values.size(), parameters.size(), block.getKey() + ": parameters");
            for (int i = 0; i < values.size(); i++) {
                float[] v = floats(values.get(i));
                NDArray array = parameters.get(i).getArray();
                assertEquals(v.length, array.size(), block.getKey() + ": size of " + parameters.get(i).getName());
                array.set(v);
                set++;
            }
        }
        assertEquals(network.block().getParameters().size(), set, "every parameter comes from the reference");
    }

    /** Asserts that every element is within {@link #RELATIVE} of the largest expected magnitude. */
    static void assertClose(double[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], RELATIVE * scale, what + ": element " + i);
        }
    }
}
