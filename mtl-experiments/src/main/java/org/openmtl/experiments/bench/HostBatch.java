package org.openmtl.experiments.bench;

import java.util.Random;

/**
 * One batch of the bare loop on the JVM heap: (batch, 1, 28, 28) inputs and the class labels of
 * each task, copied into a step's manager at every step.
 *
 * @param inputs batch × 784 floats, example after example
 * @param labels per task, one class id per example
 * @param source where the values come from, for the report
 */
record HostBatch(float[] inputs, long[][] labels, String source) {

    /** Pixels per example. */
    static final int EXAMPLE_SIZE = 28 * 28;

    /** Checks the sizes. */
    HostBatch {
        if (labels.length == 0 || inputs.length != labels[0].length * EXAMPLE_SIZE) {
            throw new IllegalArgumentException("inputs of " + inputs.length + " floats do not fit "
                    + (labels.length == 0 ? 0 : labels[0].length) + " examples of " + EXAMPLE_SIZE);
        }
    }

    /**
     * Standard normal inputs and uniform labels, as {@code pytorch_reference.py} makes them.
     *
     * @param batch examples
     * @param tasks tasks
     * @param classes classes per task
     * @param seed the seed
     * @return the batch
     */
    static HostBatch random(int batch, int tasks, int classes, long seed) {
        Random random = new Random(seed);
        float[] inputs = new float[batch * EXAMPLE_SIZE];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i] = (float) random.nextGaussian();
        }
        long[][] labels = new long[tasks][batch];
        for (long[] task : labels) {
            for (int i = 0; i < batch; i++) {
                task[i] = random.nextInt(classes);
            }
        }
        return new HostBatch(inputs, labels, "random (standard normal inputs, uniform labels)");
    }

    /**
     * The number of examples.
     *
     * @return the batch size
     */
    int size() {
        return labels[0].length;
    }
}
