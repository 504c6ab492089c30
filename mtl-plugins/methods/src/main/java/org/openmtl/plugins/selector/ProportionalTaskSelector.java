package org.openmtl.plugins.selector;

import java.util.SplittableRandom;

/**
 * Samples each step's task with probability proportional to a power of its training-set size,
 * p_t ∝ n_t^{1/T}: {@code proportional} is T = 1 (every example equally likely to be seen, as when
 * the tasks' data are pooled), {@code temperature} lets T be set (T → ∞ approaches uniform task
 * sampling; Arivazhagan et al., <i>Massively Multilingual Neural Machine Translation in the
 * Wild</i>, 2019). Pools and batches as described in {@link PooledTaskSelector}; with more than
 * one task per step the tasks are drawn one after another without replacement, each draw
 * proportional to the remaining tasks' weights.
 */
public final class ProportionalTaskSelector extends PooledTaskSelector {

    private final double temperature;
    private double[] weights;

    ProportionalTaskSelector(long seed, int tasksPerStep, String tasksPerStepKey, double temperature) {
        super(seed, tasksPerStep, tasksPerStepKey);
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("the temperature must be positive and finite, got " + temperature);
        }
        this.temperature = temperature;
    }

    @Override
    void poolsKnown(int[] sizes) {
        weights = new double[sizes.length];
        for (int t = 0; t < sizes.length; t++) {
            weights[t] = sizes[t] == 0 ? 0 : Math.pow(sizes[t], 1 / temperature);
        }
    }

    /**
     * The sampling probability of each task (for tests and reports).
     *
     * @return p_t, in task order, summing to 1
     */
    double[] probabilities() {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double[] p = new double[weights.length];
        for (int t = 0; t < p.length; t++) {
            p[t] = weights[t] / total;
        }
        return p;
    }

    @Override
    int[] choose(int[] candidates, int count, SplittableRandom random, int epoch, int step) {
        return drawWeighted(candidates, weights, count, random);
    }
}
