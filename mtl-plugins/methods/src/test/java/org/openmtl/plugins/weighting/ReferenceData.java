package org.openmtl.plugins.weighting;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Expected outputs of the authors' reference code, kept under {@code reference/<method>/} with the
 * script that produced them and the commit it ran at (see each folder's README.md).
 */
final class ReferenceData {

    private ReferenceData() {}

    static JsonObject load(String method, String file) {
        String path = "/reference/" + method + "/" + file;
        try (InputStream in = ReferenceData.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + path);
            }
            return JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double[] vector(JsonElement element) {
        JsonArray a = element.getAsJsonArray();
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsDouble();
        }
        return v;
    }

    static double[][] matrix(JsonElement element) {
        JsonArray a = element.getAsJsonArray();
        double[][] m = new double[a.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = vector(a.get(i));
        }
        return m;
    }

    static float[] floats(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }

    /** Asserts |actual − expected| ≤ relative·|expected| elementwise. */
    static void assertRelative(double[] expected, double[] actual, double relative, String what) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double tolerance = relative * Math.abs(expected[i]);
            if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
                org.junit.jupiter.api.Assertions.fail(what + "[" + i + "]: expected " + expected[i]
                        + " within " + relative + " relative, got " + actual[i]);
            }
        }
    }
}
