package org.openmtl.plugins.weighting;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskLosses;
import org.openmtl.api.weighting.WeightingContext;

/**
 * Dynamic weight average (DWA): each epoch's task weights follow how fast each task's loss fell
 * over the two epochs before, w_i = K·exp(r_i/T) / Σ_j exp(r_j/T) with r_i = L_i(e−1)/L_i(e−2), the
 * mean training losses of the previous two epochs; every weight is 1 in the first two epochs. From
 * Liu, Johns &amp; Davison, <i>End-to-End Multi-Task Learning with Attention</i>, CVPR 2019.
 *
 * <p>The weights change only at epoch ends ({@link #onEpochEnd}); a step of some tasks only uses
 * those tasks' weights. A ratio that cannot be formed (a task not trained in one of the two epochs,
 * or whose earlier mean loss was 0) counts as 1, as if the loss had not moved. Epochs must be
 * reported consecutively: after a gap the weights are 1 until two consecutive epochs have been seen
 * again.
 *
 * <p>{@link #state()} holds the current weights ({@code weights}) and, once an epoch has ended, the
 * mean losses of the last epoch ({@code previous_losses}, NaN for a task it did not train) and its
 * number ({@code previous_epoch}); a run resumed from a checkpoint with them continues exactly.
 */
public final class DynamicWeightAverage implements LossWeighting {

    private static final String WEIGHTS = "weights";
    private static final String PREVIOUS_LOSSES = "previous_losses";
    private static final String PREVIOUS_EPOCH = "previous_epoch";

    private final double temperature;
    private RunTaskOrder order;
    private double[] weights;
    private double[] previousMeans;
    private int previousEpoch = Integer.MIN_VALUE;

    DynamicWeightAverage(double temperature) {
        this.temperature = temperature;
    }

    @Override
    public void initialize(WeightingContext context) {
        order = new RunTaskOrder(context.tasks());
        weights = new double[order.size()];
        Arrays.fill(weights, 1.0);
        previousMeans = null;
        previousEpoch = Integer.MIN_VALUE;
    }

    @Override
    public NDArray objective(TaskLosses losses, StepContext step) {
        if (weights == null) {
            throw new IllegalStateException("the weighting is used before initialize()");
        }
        int[] positions = order.positions(losses.tasks());
        return losses.weightedSum(RunTaskOrder.pick(positions, weights));
    }

    /**
     * Sets the next epoch's weights from this epoch's and the previous epoch's mean losses.
     *
     * @param epoch the epoch just finished, from 1
     * @param meanLosses the epoch's mean training loss per task (NaN for a task not trained)
     */
    @Override
    public void onEpochEnd(int epoch, double[] meanLosses) {
        if (weights == null) {
            throw new IllegalStateException("the weighting is used before initialize()");
        }
        if (meanLosses.length != weights.length) {
            throw new IllegalArgumentException(
                    meanLosses.length + " mean losses for " + weights.length + " tasks");
        }
        if (previousMeans != null && epoch == previousEpoch + 1) {
            weights = weights(previousMeans, meanLosses, temperature);
        } else {
            Arrays.fill(weights, 1.0);
        }
        previousMeans = meanLosses.clone();
        previousEpoch = epoch;
    }

    /**
     * The weights, and the last epoch's mean losses and number once an epoch has ended.
     *
     * @return {@code weights}, {@code previous_losses} and {@code previous_epoch}; empty before
     *     initialize
     */
    @Override
    public Map<String, double[]> state() {
        if (weights == null) {
            return Map.of();
        }
        Map<String, double[]> state = new LinkedHashMap<>();
        state.put(WEIGHTS, weights.clone());
        if (previousMeans != null) {
            state.put(PREVIOUS_LOSSES, previousMeans.clone());
            state.put(PREVIOUS_EPOCH, new double[] {previousEpoch});
        }
        return Collections.unmodifiableMap(state);
    }

    /**
     * Restores what {@link #state()} saved.
     *
     * @param state the saved state
     * @throws IllegalArgumentException if a key is unknown or missing, an array's length is not the
     *     number of tasks, or a value is out of range; nothing is restored then
     */
    @Override
    public void restore(Map<String, double[]> state) {
        if (weights == null) {
            throw new IllegalStateException("restore() is called before initialize()");
        }
        SavedWeightingState saved =
                new SavedWeightingState(
                        DynamicWeightAverageFactory.NAME,
                        order.tasks(),
                        state,
                        Set.of(WEIGHTS),
                        Set.of(PREVIOUS_LOSSES, PREVIOUS_EPOCH));
        double[] restoredWeights = saved.finitePerTask(WEIGHTS);
        if (saved.has(PREVIOUS_LOSSES) != saved.has(PREVIOUS_EPOCH)) {
            throw new IllegalArgumentException(
                    "cannot restore the state of weighting '"
                            + DynamicWeightAverageFactory.NAME
                            + "': '"
                            + PREVIOUS_LOSSES
                            + "' and '"
                            + PREVIOUS_EPOCH
                            + "' must be saved together, but only one of them is");
        }
        double[] restoredMeans = null;
        int restoredEpoch = Integer.MIN_VALUE;
        if (saved.has(PREVIOUS_LOSSES)) {
            restoredMeans = saved.perTaskWithGaps(PREVIOUS_LOSSES);
            restoredEpoch = saved.integer(PREVIOUS_EPOCH, 1);
        }
        weights = restoredWeights;
        previousMeans = restoredMeans;
        previousEpoch = restoredEpoch;
    }

    /**
     * K·softmax(r/T) with r_i = last_i / earlier_i.
     *
     * @param earlier the mean losses of epoch e−2
     * @param last the mean losses of epoch e−1
     * @param temperature T
     * @return the weights of epoch e
     */
    static double[] weights(double[] earlier, double[] last, double temperature) {
        int k = last.length;
        double[] scaled = new double[k];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            double ratio = last[i] / earlier[i];
            boolean defined = Double.isFinite(ratio) && earlier[i] > 0 && last[i] >= 0;
            scaled[i] = (defined ? ratio : 1.0) / temperature;
            max = Math.max(max, scaled[i]);
        }
        double total = 0;
        for (int i = 0; i < k; i++) {
            // shifting by the largest exponent changes nothing but keeps exp finite
            scaled[i] = Math.exp(scaled[i] - max);
            total += scaled[i];
        }
        double[] result = new double[k];
        for (int i = 0; i < k; i++) {
            result[i] = k * scaled[i] / total;
        }
        return result;
    }

    /**
     * The current epoch's weights.
     *
     * @return K weights in run order, summing to K
     */
    @Override
    public double[] lastWeights() {
        return weights == null ? new double[0] : weights.clone();
    }
}
