package org.openmtl.plugins.weighting;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskLosses;
import org.openmtl.api.weighting.WeightingContext;

/**
 * Random loss weighting (RLW): every step weighs the losses with fresh random weights, the softmax
 * of a random vector, λ = softmax(λ̃). From Lin, Ye, Xu, Shi &amp; Zhang, <i>Reasonable
 * Effectiveness of Random Weighting: A Litmus Test for Multi-Task Learning</i>, TMLR 2022.
 *
 * <p>λ̃ (key {@code distribution}) is drawn from the standard normal N(0, I) ({@code normal}, the
 * paper's default), the uniform U(0, 1)^k ({@code uniform}) or the flat Dirichlet Dir(1, …, 1)
 * ({@code dirichlet}); the softmax is applied in every case, as in the authors' implementation
 * (LibMTL), so the weights are positive and sum to 1 (for {@code dirichlet} they stay within a
 * factor e of each other). With {@code scaled=true} they are multiplied by the number of tasks of
 * the step, so that they sum to it as equal weighting's do and the step size of a plain SGD
 * optimizer is comparable with {@code equal}; the default keeps the paper's sum of 1, so results
 * compare with the published ones.
 *
 * <p>A step of some tasks draws weights for those tasks only; the others report weight 0. Each
 * step's draw is a function of the plugin's seed and the step's global index alone, so a run is
 * reproducible and a resumed run draws what an uninterrupted one would, with no state to save.
 */
public final class RandomLossWeighting implements LossWeighting {

    /** The distribution λ̃ is drawn from. */
    enum Distribution {
        /** Standard normal. */
        NORMAL,
        /** Uniform on [0, 1). */
        UNIFORM,
        /** Flat Dirichlet, drawn as normalized standard exponentials. */
        DIRICHLET
    }

    private final Distribution distribution;
    private final boolean scaled;
    private final long seed;
    private RunTaskOrder order;
    private double[] last;

    RandomLossWeighting(Distribution distribution, boolean scaled, long seed) {
        this.distribution = distribution;
        this.scaled = scaled;
        this.seed = seed;
    }

    @Override
    public void initialize(WeightingContext context) {
        order = new RunTaskOrder(context.tasks());
        last = new double[order.size()];
        Arrays.fill(last, scaled ? 1.0 : 1.0 / order.size());
    }

    @Override
    public NDArray objective(TaskLosses losses, StepContext step) {
        if (order == null) {
            throw new IllegalStateException("the weighting is used before initialize()");
        }
        int[] positions = order.positions(losses.tasks());
        double[] weights = draw(step.step(), positions.length);
        last = order.spread(positions, weights, 0.0);
        return losses.weightedSum(weights);
    }

    /**
     * Draws one step's weights.
     *
     * @param step the step's global index
     * @param k the number of tasks of the step
     * @return softmax(λ̃), times k when scaled
     */
    double[] draw(long step, int k) {
        // the generator's stream for seed x + γ is its stream for x shifted by one draw, so the
        // step is hashed into the seed rather than added
        SplittableRandom random = new SplittableRandom(mix(seed ^ mix(step)));
        double[] sample = new double[k];
        for (int i = 0; i < k; i++) {
            sample[i] =
                    switch (distribution) {
                        case NORMAL -> random.nextGaussian();
                        case UNIFORM -> random.nextDouble();
                        // Exp(1) by inversion; 1 - u lies in (0, 1], so the log is finite
                        case DIRICHLET -> -Math.log(1.0 - random.nextDouble());
                    };
        }
        if (distribution == Distribution.DIRICHLET) {
            double total = 0;
            for (double x : sample) {
                total += x;
            }
            for (int i = 0; i < k; i++) {
                sample[i] /= total;
            }
        }
        return softmax(sample, scaled ? k : 1.0);
    }

    /** The SplitMix64 finalizer: a bijection of longs that scatters neighbouring values. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** softmax(x) scaled to sum to {@code sum}, shifted by max(x) so that no term overflows. */
    static double[] softmax(double[] x, double sum) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double total = 0;
        double[] e = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            e[i] = Math.exp(x[i] - max);
            total += e[i];
        }
        for (int i = 0; i < x.length; i++) {
            e[i] = sum * e[i] / total;
        }
        return e;
    }

    /**
     * The weights of the most recent step (0 for tasks it did not train); before the first step,
     * the expected weights (1/K each, or 1 when scaled).
     *
     * @return K weights in run order
     */
    @Override
    public double[] lastWeights() {
        return last == null ? new double[0] : last.clone();
    }
}
