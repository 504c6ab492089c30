package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskGradients;
import org.openmtl.api.weighting.TaskLosses;
import org.openmtl.testkit.ArrayTaskLosses;

/**
 * One combine of a Gramian weighting with given losses and Gramian, in a given epoch, for the
 * weightings whose answer depends on the losses (pareto-mtl, epo).
 */
final class GramianSteps {

    private GramianSteps() {}

    static double[] combine(
            GradientWeighting weighting,
            NDManager manager,
            List<String> tasks,
            double[][] gramian,
            double[] losses,
            int epoch) {
        try (NDManager step = manager.newSubManager()) {
            List<NDArray> values = new ArrayList<>();
            for (double l : losses) {
                values.add(step.create((float) l));
            }
            TaskLosses taskLosses = new ArrayTaskLosses(tasks, values);
            TaskGradients gradients =
                    new TaskGradients() {
                        @Override
                        public GradientRequirement requirement() {
                            return GradientRequirement.GRAMIAN;
                        }

                        @Override
                        public NDArray matrix() {
                            throw new IllegalStateException("only the Gramian");
                        }

                        @Override
                        public double[][] gramian() {
                            double[][] copy = new double[gramian.length][];
                            for (int i = 0; i < copy.length; i++) {
                                copy[i] = gramian[i].clone();
                            }
                            return copy;
                        }

                        @Override
                        public TaskLosses losses() {
                            return taskLosses;
                        }
                    };
            return weighting.combine(gradients, new StepContext(epoch, 0, step)).taskWeights();
        }
    }

    /** |actual − expected| ≤ relative · max|expected|, elementwise. */
    static void assertClose(double[] expected, double[] actual, double relative, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(actual[i] - expected[i]) <= relative * scale)) {
                fail(
                        what + "[" + i + "]: expected " + expected[i] + " within " + relative
                                + " of " + scale + ", got " + actual[i]);
            }
        }
    }
}
