package org.example.lab;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.data.TaskTarget;
import org.openmtl.api.task.Task;

/**
 * Simulated readings of 8 sensors, each standard normal, and three tasks that read overlapping
 * sensors (so sharing a trunk can help):
 *
 * <ul>
 *   <li>{@code fault} (2 classes): whether x0 + x1·x2 + noise is positive;
 *   <li>{@code zone} (3 classes): which of x0, x4, x5 (+ noise) is largest;
 *   <li>{@code load} (regression): sin(x0) + x3 / 2 + noise.
 * </ul>
 *
 * <p>Every example is labelled for every task. The readings are kept on the heap and copied into
 * the step's manager one batch at a time.
 */
final class SensorTasks implements MultiTaskDataset {

    static final String NAME = "lab-sensors";
    static final int SENSORS = 8;

    private static final List<Task> TASKS =
            List.of(Task.classification("fault", 2, 0), Task.classification("zone", 3, 1), Task.regression("load", 1, 2));

    private final Map<Split, float[]> inputs = new EnumMap<>(Split.class);
    private final Map<Split, long[]> fault = new EnumMap<>(Split.class);
    private final Map<Split, long[]> zone = new EnumMap<>(Split.class);
    private final Map<Split, float[]> load = new EnumMap<>(Split.class);
    private final Map<String, Object> provenance = new LinkedHashMap<>();

    private SensorTasks() {}

    static SensorTasks generate(int train, int validation, int test, double noise, long seed) {
        SensorTasks data = new SensorTasks();
        Random random = new Random(seed);
        data.fill(Split.TRAIN, train, noise, random);
        data.fill(Split.VALIDATION, validation, noise, random);
        data.fill(Split.TEST, test, noise, random);
        data.provenance.put("generator", NAME + " (examples/experiment-module)");
        data.provenance.put("generator_seed", seed);
        data.provenance.put("noise", noise);
        return data;
    }

    private void fill(Split split, int n, double noise, Random random) {
        float[] x = new float[n * SENSORS];
        long[] f = new long[n];
        long[] z = new long[n];
        float[] l = new float[n];
        for (int i = 0; i < n; i++) {
            double[] s = new double[SENSORS];
            for (int j = 0; j < SENSORS; j++) {
                s[j] = random.nextGaussian();
                x[i * SENSORS + j] = (float) s[j];
            }
            f[i] = s[0] + s[1] * s[2] + noise * random.nextGaussian() > 0 ? 1 : 0;
            double[] zones = {s[0] + noise * random.nextGaussian(), s[4] + noise * random.nextGaussian(),
                    s[5] + noise * random.nextGaussian()};
            z[i] = zones[0] >= zones[1] && zones[0] >= zones[2] ? 0 : zones[1] >= zones[2] ? 1 : 2;
            l[i] = (float) (Math.sin(s[0]) + s[3] / 2 + noise * random.nextGaussian());
        }
        inputs.put(split, x);
        fault.put(split, f);
        zone.put(split, z);
        load.put(split, l);
    }

    @Override
    public List<Task> tasks() {
        return TASKS;
    }

    @Override
    public Shape exampleShape() {
        return new Shape(SENSORS);
    }

    @Override
    public int size(Split split) {
        return fault.get(split).length;
    }

    @Override
    public int[] labelled(Split split, String task) {
        return IntStream.range(0, size(split)).toArray();
    }

    @Override
    public MultiTaskBatch batch(NDManager manager, Split split, int[] examples, List<String> tasks) {
        int n = examples.length;
        float[] x = new float[n * SENSORS];
        float[] all = inputs.get(split);
        for (int i = 0; i < n; i++) {
            System.arraycopy(all, examples[i] * SENSORS, x, i * SENSORS, SENSORS);
        }
        Map<String, TaskTarget> targets = new LinkedHashMap<>();
        for (String task : tasks) {
            switch (task) {
                case "fault" -> targets.put(task, new TaskTarget(manager.create(pick(fault.get(split), examples)), null));
                case "zone" -> targets.put(task, new TaskTarget(manager.create(pick(zone.get(split), examples)), null));
                case "load" -> {
                    float[] values = new float[n];
                    for (int i = 0; i < n; i++) {
                        values[i] = load.get(split)[examples[i]];
                    }
                    targets.put(task, new TaskTarget(manager.create(values, new Shape(n, 1)), null));
                }
                default -> throw new IllegalArgumentException("lab-sensors has no task " + task);
            }
        }
        return new MultiTaskBatch(manager.create(x, new Shape(n, SENSORS)), targets);
    }

    private static long[] pick(long[] values, int[] examples) {
        long[] picked = new long[examples.length];
        for (int i = 0; i < examples.length; i++) {
            picked[i] = values[examples[i]];
        }
        return picked;
    }

    @Override
    public Map<String, Object> provenance() {
        return provenance;
    }
}
