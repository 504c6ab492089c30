package org.openmtl.plugins.weighting;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;
import org.openmtl.api.tensor.GraphScalars;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskLosses;
import org.openmtl.api.weighting.WeightingContext;

/**
 * Minimax weighting: minimize the worst task loss. Mehta, Lee &amp; Gray, <i>Minimax Multi-Task
 * Learning and a Generalized Loss-Compositional Paradigm for MTL</i>, NeurIPS 2012.
 *
 * <ul>
 *   <li>{@code mode=hard}: the objective is max_i L_i; its (sub)gradient is one-hot on the task
 *       with the largest loss (the first of them on a tie), so only that task trains the step.
 *   <li>{@code mode=smooth}: the objective is the log-sum-exp T·log Σ_i exp(L_i/T), which lies in
 *       [max_i L_i, max_i L_i + T·log k] and tends to the maximum as T → 0; its gradient weighs the
 *       losses with softmax(L/T).
 * </ul>
 *
 * <p>{@link #lastWeights()} gives the gradient of the objective with respect to each loss (the
 * one-hot vector or the softmax weights; 0 for tasks the step did not train), which sums to 1.
 */
public final class MinMaxWeighting implements LossWeighting {

    /** Which maximum. */
    enum Mode {
        /** The maximum itself. */
        HARD,
        /** The log-sum-exp with a temperature. */
        SMOOTH
    }

    private final Mode mode;
    private final double temperature;
    private RunTaskOrder order;
    private double[] last;

    MinMaxWeighting(Mode mode, double temperature) {
        this.mode = mode;
        this.temperature = temperature;
    }

    @Override
    public void initialize(WeightingContext context) {
        order = new RunTaskOrder(context.tasks());
        last = new double[order.size()];
        Arrays.fill(last, 1.0 / order.size());
    }

    @Override
    public NDArray objective(TaskLosses losses, StepContext step) {
        if (order == null) {
            throw new IllegalStateException("the weighting is used before initialize()");
        }
        int[] positions = order.positions(losses.tasks());
        double[] values = losses.values();
        NDArray vector = LossVector.of(losses);
        NDArray objective;
        double[] gradient;
        if (mode == Mode.HARD) {
            gradient = new double[values.length];
            gradient[argmax(values)] = 1.0;
            // the product with the one-hot vector (rather than picking one loss) keeps every loss
            // in the graph, with gradient 0 for all but the largest
            objective =
                    vector.mul(
                                    LossVector.coefficients(
                                            step.manager(), gradient, vector.getDataType()))
                            .sum();
        } else {
            double max = values[argmax(values)];
            gradient = softmax(values, temperature);
            // T·log Σ exp(L/T) = m + T·log Σ exp((L − m)/T) for m = max L, which cannot overflow
            float t = (float) temperature;
            NDManager m = step.manager();
            NDArray shifted = GraphScalars.dividedBy(GraphScalars.minus(vector, max, m), t, m);
            objective = GraphScalars.plus(GraphScalars.times(shifted.exp().sum().log(), t, m), max, m);
        }
        last = order.spread(positions, gradient, 0.0);
        return objective;
    }

    static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    static double[] softmax(double[] values, double temperature) {
        double max = values[argmax(values)];
        double total = 0;
        double[] e = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            e[i] = Math.exp((values[i] - max) / temperature);
            total += e[i];
        }
        for (int i = 0; i < values.length; i++) {
            e[i] /= total;
        }
        return e;
    }

    /**
     * d objective / d L_i of the most recent step; 1/K each before the first step.
     *
     * @return K weights in run order, summing to 1
     */
    @Override
    public double[] lastWeights() {
        return last == null ? new double[0] : last.clone();
    }
}
