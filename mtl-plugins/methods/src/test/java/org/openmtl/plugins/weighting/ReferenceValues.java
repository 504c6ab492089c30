package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/**
 * Expected outputs produced by running a method's reference code on fixed inputs, read from the
 * test resources {@code reference/<method>/expected.json} (the script that wrote them and the
 * reference commit lie beside it, in each folder's README.md).
 */
final class ReferenceValues {

    /** The tolerance of every reference comparison, relative to the largest expected value. */
    static final double RELATIVE = 1e-5;

    private ReferenceValues() {}

    /**
     * The cases of one method's expected values.
     *
     * @param method the directory under {@code reference/}
     * @return the cases, each a JSON object
     */
    static List<JsonObject> cases(String method) {
        String resource = "/reference/" + method + "/expected.json";
        try (InputStream in = ReferenceValues.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            JsonObject root = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
            List<JsonObject> cases = new ArrayList<>();
            for (JsonElement c : root.getAsJsonArray("cases")) {
                cases.add(c.getAsJsonObject());
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double[] vector(JsonObject object, String key) {
        JsonArray array = object.getAsJsonArray(key);
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).getAsDouble();
        }
        return v;
    }

    static float[] floats(JsonObject object, String key) {
        double[] v = vector(object, key);
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    static double[][] matrix(JsonObject object, String key) {
        JsonArray rows = object.getAsJsonArray(key);
        double[][] m = new double[rows.size()][];
        for (int i = 0; i < m.length; i++) {
            JsonArray row = rows.get(i).getAsJsonArray();
            m[i] = new double[row.size()];
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = row.get(j).getAsDouble();
            }
        }
        return m;
    }

    static float[][] floatMatrix(JsonObject object, String key) {
        double[][] m = matrix(object, key);
        float[][] f = new float[m.length][];
        for (int i = 0; i < m.length; i++) {
            f[i] = new float[m[i].length];
            for (int j = 0; j < m[i].length; j++) {
                f[i][j] = (float) m[i][j];
            }
        }
        return f;
    }

    static long[] shape(JsonObject object, String key) {
        double[] v = vector(object, key);
        long[] s = new long[v.length];
        for (int i = 0; i < v.length; i++) {
            s[i] = (long) v[i];
        }
        return s;
    }

    /**
     * Asserts that every element is within {@link #RELATIVE} of the largest expected magnitude.
     *
     * @param expected the reference's values
     * @param actual ours
     * @param what the case, for the message
     */
    static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], RELATIVE * scale, what + ": element " + i);
        }
    }

    static void assertClose(double[] expected, float[] actual, String what) {
        double[] a = new double[actual.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = actual[i];
        }
        assertClose(expected, a, what);
    }
}
