package org.openmtl.plugins.weighting;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.tensor.GraphScalars;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskLosses;
import org.openmtl.api.weighting.WeightingContext;

/**
 * The COSMOS objective (Ruchte &amp; Grabocka, <i>Scalable Pareto Front Approximation for Deep
 * Multi-Objective Learning</i>, ICDM 2021) for a network conditioned on a preference (architecture
 * {@code cosmos}): each training step draws a preference p ~ Dir(α) over the tasks, the network
 * reads it with its input, and the step minimizes
 *
 * <pre>  Σ_i p_i L_i − λ · cos(p, L),   cos(p, L) = Σ_i p_i L_i / (‖p‖ ‖L‖),</pre>
 *
 * the linear scalarization at p minus a reward for losses whose direction follows p (the authors
 * subtract λ·cos, i.e. they maximize the similarity). A step of some tasks uses p restricted to
 * them. The draw is a function of the plugin's seed and the step's global index alone, so a
 * resumed run draws the same preferences and nothing needs saving.
 */
public final class CosmosWeighting implements LossWeighting {

    private final List<Double> alpha;
    private final double lambda;
    private final long seed;
    private final String alphaKey;
    private double[] concentration;
    private RunTaskOrder order;
    private double[] last;

    CosmosWeighting(List<Double> alpha, double lambda, long seed, String alphaKey) {
        this.alpha = List.copyOf(alpha);
        this.lambda = lambda;
        this.seed = seed;
        this.alphaKey = alphaKey;
    }

    /**
     * Fixes the Dirichlet concentration for the run's tasks.
     *
     * @throws PluginConfigException naming {@code weighting.cosmos.alpha} when it has neither one
     *     value nor one per task
     */
    @Override
    public void initialize(WeightingContext context) {
        int k = context.tasks().size();
        if (alpha.size() != 1 && alpha.size() != k) {
            throw new PluginConfigException(alphaKey, "has " + alpha.size() + " values for " + k + " tasks "
                    + context.tasks() + "; expected one concentration for every task or one per task, in task order");
        }
        concentration = new double[k];
        for (int i = 0; i < k; i++) {
            concentration[i] = alpha.get(alpha.size() == 1 ? 0 : i);
        }
        order = new RunTaskOrder(context.tasks());
        last = new double[k];
        Arrays.fill(last, 1.0 / k);
    }

    @Override
    public boolean drawsPreferences() {
        return true;
    }

    /**
     * The step's preference: independent Gamma(α_i, 1) draws normalized to sum 1, a Dirichlet(α)
     * sample.
     */
    @Override
    public double[] preferenceForStep(long step) {
        if (concentration == null) {
            throw new IllegalStateException("the weighting is used before initialize()");
        }
        SplittableRandom random = StepRandom.of(seed, step);
        double[] p = new double[concentration.length];
        double total = 0;
        while (!(total > 0)) {
            total = 0;
            for (int i = 0; i < p.length; i++) {
                p[i] = gamma(concentration[i], random);
                total += p[i];
            }
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= total;
        }
        return p;
    }

    /**
     * A Gamma(shape, 1) draw: Marsaglia &amp; Tsang's squeeze method (ACM TOMS 2000) for shape ≥ 1,
     * and for shape &lt; 1 a Gamma(shape + 1) draw times U^(1/shape).
     */
    static double gamma(double shape, SplittableRandom random) {
        if (shape < 1) {
            double u = 1.0 - random.nextDouble();
            return gamma(shape + 1, random) * Math.pow(u, 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = random.nextGaussian();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = 1.0 - random.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    @Override
    public NDArray objective(TaskLosses losses, StepContext step) {
        if (order == null) {
            throw new IllegalStateException("the weighting is used before initialize()");
        }
        int[] positions = order.positions(losses.tasks());
        double[] p = RunTaskOrder.pick(positions, preferenceForStep(step.step()));
        last = order.spread(positions, p, 0.0);
        return objective(losses, p, step.manager());
    }

    /**
     * Σ_i p_i L_i − λ · cos(p, L) for a given preference over the step's tasks.
     *
     * @param losses the step's losses
     * @param p one weight per loss
     * @param manager the step's manager
     * @return the objective, with gradient history
     */
    NDArray objective(TaskLosses losses, double[] p, NDManager manager) {
        double norm = 0;
        for (double w : p) {
            norm += w * w;
        }
        norm = Math.sqrt(norm);
        NDArray weighted = losses.weightedSum(p);
        if (lambda == 0 || !(norm > 0)) {
            return weighted;
        }
        NDArray lossNorm = LossVector.of(losses).square().sum().sqrt();
        NDArray cosine = GraphScalars.dividedBy(weighted.div(lossNorm), norm, manager);
        return weighted.sub(GraphScalars.times(cosine, lambda, manager));
    }

    /**
     * The preference of the most recent step (0 for tasks it did not train); before the first
     * step, the uniform one.
     */
    @Override
    public double[] lastWeights() {
        return last == null ? new double[0] : last.clone();
    }

    /** Draws a preference for each of {@code steps} steps from 0, for tests of the distribution. */
    List<double[]> preferences(int steps) {
        List<double[]> out = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            out.add(preferenceForStep(s));
        }
        return out;
    }
}
