package org.openmtl.plugins.weighting;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskGradients;
import org.openmtl.api.weighting.TaskLosses;
import org.openmtl.api.weighting.WeightingContext;
import org.openmtl.testkit.ArrayTaskLosses;

/**
 * Plain-Java gradient vectors, their Gramian in double precision, and one step of a Gramian
 * weighting on them, for checking the Gramian weightings against properties computed from the
 * vectors themselves.
 */
final class GramianTesting {

    private GramianTesting() {}

    /** Task names t0, t1, … */
    static List<String> tasks(int k) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            names.add("t" + i);
        }
        return names;
    }

    /** A weighting's run context for some tasks. */
    static WeightingContext context(NDManager manager, List<String> tasks) {
        Map<String, Integer> sizes = new java.util.LinkedHashMap<>();
        for (String task : tasks) {
            sizes.put(task, 100);
        }
        return new WeightingContext(tasks, sizes, manager, 10);
    }

    /** K standard normal vectors of dimension D, row i scaled by exp(spread·N(0,1)). */
    static double[][] randomVectors(Random random, int k, int d, double spread) {
        double[][] g = new double[k][d];
        for (int i = 0; i < k; i++) {
            double scale = Math.exp(spread * random.nextGaussian());
            for (int j = 0; j < d; j++) {
                g[i][j] = scale * random.nextGaussian();
            }
        }
        return g;
    }

    /** K mutually orthogonal vectors of dimension D ≥ K with the given norms (Gram–Schmidt). */
    static double[][] orthogonalVectors(Random random, int d, double... norms) {
        double[][] q = new double[norms.length][];
        for (int i = 0; i < norms.length; i++) {
            double[] v = new double[d];
            for (int j = 0; j < d; j++) {
                v[j] = random.nextGaussian();
            }
            for (int p = 0; p < i; p++) {
                double c = dot(v, q[p]);
                for (int j = 0; j < d; j++) {
                    v[j] -= c * q[p][j];
                }
            }
            double n = Math.sqrt(dot(v, v));
            for (int j = 0; j < d; j++) {
                v[j] /= n;
            }
            q[i] = v;
        }
        double[][] g = new double[norms.length][d];
        for (int i = 0; i < norms.length; i++) {
            for (int j = 0; j < d; j++) {
                g[i][j] = norms[i] * q[i][j];
            }
        }
        return g;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    /** G_ij = g_i·g_j in double precision. */
    static double[][] gramian(double[][] vectors) {
        int k = vectors.length;
        double[][] g = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                g[i][j] = dot(vectors[i], vectors[j]);
            }
        }
        return g;
    }

    /** Σ_i w_i g_i. */
    static double[] combined(double[] weights, double[][] vectors) {
        double[] d = new double[vectors[0].length];
        for (int i = 0; i < weights.length; i++) {
            for (int j = 0; j < d.length; j++) {
                d[j] += weights[i] * vectors[i][j];
            }
        }
        return d;
    }

    /** (Gα)_i. */
    static double[] times(double[][] g, double[] alpha) {
        double[] y = new double[alpha.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = dot(g[i], alpha);
        }
        return y;
    }

    /**
     * One combine of a Gramian weighting on the Gramian of some vectors, as the trainer would call
     * it for a step of the given tasks.
     */
    static double[] combine(
            GradientWeighting weighting,
            NDManager manager,
            List<String> stepTasks,
            double[][] vectors,
            long step) {
        try (NDManager stepManager = manager.newSubManager()) {
            List<NDArray> losses = new ArrayList<>();
            for (int i = 0; i < stepTasks.size(); i++) {
                losses.add(stepManager.create(1.0f + i));
            }
            TaskGradients gradients =
                    new HeapGramian(gramian(vectors), new ArrayTaskLosses(stepTasks, losses));
            Combination combination =
                    weighting.combine(gradients, new StepContext(1, step, stepManager));
            return combination.taskWeights();
        }
    }

    /** A GRAMIAN step whose Gramian is given on the heap. */
    private static final class HeapGramian implements TaskGradients {
        private final double[][] gramian;
        private final TaskLosses losses;

        HeapGramian(double[][] gramian, TaskLosses losses) {
            this.gramian = gramian;
            this.losses = losses;
        }

        @Override
        public GradientRequirement requirement() {
            return GradientRequirement.GRAMIAN;
        }

        @Override
        public NDArray matrix() {
            throw new IllegalStateException("a GRAMIAN weighting sees only the Gramian");
        }

        @Override
        public double[][] gramian() {
            double[][] copy = new double[gramian.length][];
            for (int i = 0; i < gramian.length; i++) {
                copy[i] = gramian[i].clone();
            }
            return copy;
        }

        @Override
        public TaskLosses losses() {
            return losses;
        }
    }
}
