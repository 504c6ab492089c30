package org.openmtl.plugins.selector;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.openmtl.api.selector.StepPlan;

/**
 * Samples the tasks that are furthest behind more often: each task's training loss is followed by
 * an exponential moving average ℓ̄_t (rate 1 − {@code decay} per step in which the task is
 * trained), relative to the task's first observed loss, r_t = ℓ̄_t / ℓ_t^(0), so tasks of
 * different loss scales compare; the next step samples task t with probability
 * p_t = softmax(r_t / τ) ({@code temperature} τ). A task not yet observed has r_t = 1, so the first
 * steps are uniform; a task whose loss stalls while the others fall is drawn more and more often.
 * This is the active sampling of Sharma, Jha, Hegde &amp; Ravindran, <i>Learning to Multi-Task by
 * Active Sampling</i>, ICLR 2018 (a softmax over the tasks' relative shortfall, with a
 * temperature), with the relative training loss in place of the shortfall from a target score,
 * which needs no per-task target.
 *
 * <p>Steps are planned when the trainer reads them, so every step uses every loss observed
 * before it. The averages are the selector's state and are saved in checkpoints.
 */
public final class WorstFirstTaskSelector extends PooledTaskSelector {

    private final double temperature;
    private final double decay;
    private double[] average;
    private double[] first;

    WorstFirstTaskSelector(long seed, int tasksPerStep, String tasksPerStepKey, double temperature, double decay) {
        super(seed, tasksPerStep, tasksPerStepKey);
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("the temperature must be positive and finite, got " + temperature);
        }
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("the decay must be in [0, 1), got " + decay);
        }
        this.temperature = temperature;
        this.decay = decay;
    }

    @Override
    void poolsKnown(int[] sizes) {
        average = new double[sizes.length];
        first = new double[sizes.length];
        Arrays.fill(average, Double.NaN);
        Arrays.fill(first, Double.NaN);
    }

    @Override
    public void observe(StepPlan plan, double[] losses) {
        List<String> tasks = tasks();
        for (int i = 0; i < losses.length; i++) {
            int t = tasks.indexOf(plan.tasks().get(i));
            double loss = losses[i];
            if (t < 0 || !Double.isFinite(loss)) {
                continue;
            }
            if (Double.isNaN(first[t])) {
                first[t] = loss;
                average[t] = loss;
            } else {
                average[t] = decay * average[t] + (1 - decay) * loss;
            }
        }
    }

    /**
     * The probability of each task at the next step (for tests and reports).
     *
     * @return p_t in task order; tasks without examples still get a weight here but are never drawn
     */
    double[] probabilities() {
        double[] w = weights();
        double total = Arrays.stream(w).sum();
        return Arrays.stream(w).map(x -> x / total).toArray();
    }

    private double[] weights() {
        double[] ratio = new double[average.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < ratio.length; t++) {
            ratio[t] = Double.isNaN(first[t]) || first[t] <= 0 ? 1.0 : average[t] / first[t];
            max = Math.max(max, ratio[t]);
        }
        double[] w = new double[ratio.length];
        for (int t = 0; t < w.length; t++) {
            w[t] = Math.exp((ratio[t] - max) / temperature);
        }
        return w;
    }

    @Override
    int[] choose(int[] candidates, int count, SplittableRandom random, int epoch, int step) {
        return drawWeighted(candidates, weights(), count, random);
    }

    /**
     * The running averages and first losses (NaN for tasks not observed yet).
     *
     * @return {@code average} and {@code first}, one value per task
     */
    @Override
    public Map<String, double[]> state() {
        if (average == null) {
            return Map.of();
        }
        Map<String, double[]> state = new LinkedHashMap<>();
        state.put("average", average.clone());
        state.put("first", first.clone());
        return state;
    }

    /**
     * Restores what {@link #state()} saved.
     *
     * @param state the saved state
     * @throws IllegalArgumentException if an array is missing or has the wrong length
     */
    @Override
    public void restore(Map<String, double[]> state) {
        if (average == null) {
            throw new IllegalStateException("restore() is called before initialize()");
        }
        for (String key : List.of("average", "first")) {
            double[] values = state.get(key);
            if (values == null || values.length != average.length) {
                throw new IllegalArgumentException("worst-first state '" + key + "' is missing or does not have "
                        + average.length + " values");
            }
        }
        average = state.get("average").clone();
        first = state.get("first").clone();
    }
}
