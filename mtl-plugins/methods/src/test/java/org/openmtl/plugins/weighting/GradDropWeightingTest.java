package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;
import org.openmtl.testkit.MatrixTaskGradients;

class GradDropWeightingTest {

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = ContractTensors.newManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static GradDropWeighting initialized(int k, String... settings) {
        GradDropWeighting weighting =
                (GradDropWeighting) TestPlugins.create(new GradDropWeightingFactory(), settings);
        weighting.initialize(GramianTesting.context(manager, GramianTesting.tasks(k)));
        return weighting;
    }

    /** One combine on the given rows, as the trainer calls it; the direction on the heap. */
    private static float[] direction(GradDropWeighting weighting, float[][] rows, long step) {
        try (NDManager stepManager = manager.newSubManager()) {
            NDArray matrix = stepManager.create(rows);
            List<String> tasks = GramianTesting.tasks(rows.length);
            Combination combination =
                    weighting.combine(
                            new MatrixTaskGradients(
                                    GradientRequirement.REPRESENTATION,
                                    matrix,
                                    WeightingTesting.losses(
                                            stepManager, tasks, new double[rows.length])),
                            new StepContext(1, step, stepManager));
            assertFalse(combination.hasWeights());
            NDArray direction = combination.direction();
            assertSame(stepManager, direction.getManager(), "the direction is the step's");
            assertSame(stepManager, matrix.getManager(), "the gradients stay the step's");
            assertArrayEquals(new long[] {rows[0].length}, direction.getShape().getShape());
            return direction.toFloatArray();
        }
    }

    private static float[] sum(float[][] rows) {
        float[] s = new float[rows[0].length];
        for (float[] row : rows) {
            for (int e = 0; e < s.length; e++) {
                s[e] += row[e];
            }
        }
        return s;
    }

    private static float[][] randomRows(Random random, int k, int d) {
        float[][] rows = new float[k][d];
        for (float[] row : rows) {
            for (int e = 0; e < d; e++) {
                row[e] = (float) random.nextGaussian();
            }
        }
        return rows;
    }

    @Test
    void whenTheTasksAgreeInSignEverywhereEverythingIsKept() {
        Random random = new Random(50);
        float[][] rows = new float[3][200];
        for (int e = 0; e < 200; e++) {
            float sign = e % 3 == 0 ? -1 : 1;
            for (int i = 0; i < 3; i++) {
                // some components zero: a zero never decides the sign
                rows[i][e] = (e + i) % 7 == 0 ? 0 : sign * (float) Math.abs(random.nextGaussian());
            }
        }
        for (long step = 0; step < 5; step++) {
            assertArrayEquals(sum(rows), direction(initialized(3), rows, step), 1e-6f);
        }
    }

    @Test
    void aLeakOfOneGivesThePlainSum() {
        float[][] rows = randomRows(new Random(51), 4, 300);
        assertArrayEquals(sum(rows), direction(initialized(4, "leak=1"), rows, 9), 1e-5f);
    }

    /** One combine on a batch representation, as the trainer calls it; the direction on the heap. */
    private static float[] direction(
            GradDropWeighting weighting, float[][] rows, float[][] activations, long step) {
        try (NDManager stepManager = manager.newSubManager()) {
            List<String> tasks = GramianTesting.tasks(rows.length);
            Combination combination =
                    weighting.combine(
                            new MatrixTaskGradients(
                                    GradientRequirement.REPRESENTATION,
                                    stepManager.create(rows),
                                    WeightingTesting.losses(stepManager, tasks, new double[rows.length]),
                                    new NDList(stepManager.create(activations))),
                            new StepContext(1, step, stepManager));
            return combination.direction().toFloatArray();
        }
    }

    @Test
    void matchesTheReferenceImplementationOnFixedInputs() {
        for (JsonObject c : ReferenceValues.cases("graddrop")) {
            String name = c.get("name").getAsString();
            float[][] rows = ReferenceValues.floatMatrix(c, "gradients");
            GradDropWeighting weighting = initialized(rows.length, "leak=" + c.get("leak").getAsDouble());
            try (NDManager stepManager = manager.newSubManager()) {
                NDArray activations =
                        stepManager.create(ReferenceValues.floats(c, "representation"))
                                .reshape(new Shape(ReferenceValues.shape(c, "representationShape")));
                NDArray direction =
                        weighting.direction(
                                stepManager.create(rows),
                                new NDList(activations),
                                ReferenceValues.floats(c, "uniform"),
                                stepManager);
                ReferenceValues.assertClose(
                        ReferenceValues.vector(c, "direction"), direction.toFloatArray(), name);
            }
        }
    }

    @Test
    void theMaskIsTheSignCorrectedBatchSumsForTheStepsUniformNumbers() {
        Random random = new Random(52);
        int batch = 4;
        int features = 30;
        for (double leak : new double[] {0, 0.3}) {
            GradDropWeighting weighting = initialized(3, "leak=" + leak);
            for (long step = 0; step < 4; step++) {
                float[][] rows = randomRows(random, 3, batch * features);
                float[][] activations = randomRows(random, batch, features);
                activations[1][2] = 0;
                float[] u = weighting.uniforms(step, features);
                double[] expected = new double[batch * features];
                for (int f = 0; f < features; f++) {
                    double[] s = new double[3];
                    double total = 0;
                    double magnitude = 0;
                    for (int i = 0; i < 3; i++) {
                        for (int b = 0; b < batch; b++) {
                            s[i] += Math.signum(activations[b][f]) * rows[i][b * features + f];
                        }
                        total += s[i];
                        magnitude += Math.abs(s[i]);
                    }
                    double purity = 0.5 * (1 + total / (magnitude + 1e-7));
                    for (int i = 0; i < 3; i++) {
                        boolean kept = (purity > u[f] && s[i] > 0) || (purity < u[f] && s[i] < 0);
                        for (int b = 0; b < batch; b++) {
                            expected[b * features + f] += (leak + (1 - leak) * (kept ? 1 : 0)) * rows[i][b * features + f];
                        }
                    }
                }
                float[] actual = direction(weighting, rows, activations, step);
                for (int e = 0; e < expected.length; e++) {
                    assertEquals(expected[e], actual[e], 1e-5, "leak " + leak + ", step " + step + ", element " + e);
                }
            }
        }
    }

    @Test
    void eachTasksMaskHoldsForTheWholeBatch() {
        // two tasks: per feature, the direction over the batch is one of 0, G_1, G_2, G_1 + G_2
        Random random = new Random(55);
        int batch = 5;
        int features = 40;
        float[][] rows = randomRows(random, 2, batch * features);
        float[][] activations = randomRows(random, batch, features);
        GradDropWeighting weighting = initialized(2);
        int mixed = 0;
        for (long step = 0; step < 3; step++) {
            float[] d = direction(weighting, rows, activations, step);
            for (int f = 0; f < features; f++) {
                int matching = 0;
                for (int kept = 0; kept < 4; kept++) {
                    boolean all = true;
                    for (int b = 0; b < batch; b++) {
                        int e = b * features + f;
                        double candidate = ((kept & 1) != 0 ? rows[0][e] : 0) + ((kept & 2) != 0 ? rows[1][e] : 0);
                        all &= Math.abs(candidate - d[e]) < 1e-5;
                    }
                    if (all) {
                        matching++;
                        mixed += kept == 1 || kept == 2 ? 1 : 0;
                    }
                }
                assertEquals(1, matching, "step " + step + ", feature " + f);
            }
        }
        assertTrue(mixed > 0, "some features keep only one task's gradient");
    }

    @Test
    void theUniformNumbersAreInTheOpenIntervalAndFixedBySeedAndStep() {
        GradDropWeighting a = initialized(2);
        GradDropWeighting b = initialized(2);
        GradDropWeighting otherSeed =
                (GradDropWeighting)
                        new GradDropWeightingFactory()
                                .create(
                                        TestPlugins.configWithSeed(
                                                new GradDropWeightingFactory(), 3));
        float[] u = a.uniforms(7, 10_000);
        assertArrayEquals(u, b.uniforms(7, 10_000));
        assertFalse(Arrays.equals(u, a.uniforms(8, 10_000)));
        assertFalse(Arrays.equals(u, otherSeed.uniforms(7, 10_000)));
        double mean = 0;
        for (float x : u) {
            assertTrue(x > 0 && x < 1);
            mean += x / u.length;
        }
        // the mean of 10 000 uniforms: standard deviation 0.0029
        assertEquals(0.5, mean, 0.015);

        float[][] rows = randomRows(new Random(53), 3, 64);
        assertArrayEquals(direction(a, rows, 11), direction(b, rows, 11));
        assertFalse(Arrays.equals(direction(a, rows, 11), direction(a, rows, 12)));
    }

    @Test
    void aPositiveComponentIsKeptWithProbabilityP() {
        // task 0 has +1 everywhere, task 1 −x on a block: P = ½(1 + (1 − x)/(1 + x)) = 1/(1 + x)
        float[] opposite = {0.25f, 1f, 3f};
        int block = 1000;
        float[][] rows = new float[2][3 * block];
        for (int b = 0; b < 3; b++) {
            for (int e = 0; e < block; e++) {
                rows[0][b * block + e] = 1;
                rows[1][b * block + e] = -opposite[b];
            }
        }
        GradDropWeighting weighting = initialized(2);
        int steps = 20;
        int[] kept = new int[3];
        for (long step = 0; step < steps; step++) {
            float[] d = direction(weighting, rows, step);
            for (int b = 0; b < 3; b++) {
                for (int e = 0; e < block; e++) {
                    float value = d[b * block + e];
                    // exactly one sign survives: +1 or −x
                    assertTrue(value == 1f || value == -opposite[b], "value " + value);
                    if (value == 1f) {
                        kept[b]++;
                    }
                }
            }
        }
        int draws = steps * block;
        for (int b = 0; b < 3; b++) {
            double p = 1 / (1 + opposite[b]);
            double frequency = (double) kept[b] / draws;
            // five binomial standard deviations
            double tolerance = 5 * Math.sqrt(p * (1 - p) / draws);
            assertEquals(p, frequency, tolerance, "x = " + opposite[b]);
        }
    }

    @Test
    void reportsOnesAsWeightsAndKeepsNoState() {
        GradDropWeighting weighting = initialized(3);
        assertEquals(GradientRequirement.REPRESENTATION, weighting.requirement());
        direction(weighting, randomRows(new Random(54), 3, 10), 0);
        assertArrayEquals(new double[] {1, 1, 1}, weighting.lastWeights(), 0);
        assertEquals(Map.of(), weighting.state());
    }
}
