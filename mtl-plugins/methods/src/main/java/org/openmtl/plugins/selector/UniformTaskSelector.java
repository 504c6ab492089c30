package org.openmtl.plugins.selector;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Naive multi-task SGD: each step samples {@code tasks.per.step} tasks uniformly at random (without
 * replacement), then a batch of examples labelled for them. Collobert &amp; Weston, <i>A Unified
 * Architecture for Natural Language Processing: Deep Neural Networks with Multitask Learning</i>,
 * ICML 2008. Pools and batches as described in {@link PooledTaskSelector}.
 */
public final class UniformTaskSelector extends PooledTaskSelector {

    UniformTaskSelector(long seed, int tasksPerStep, String tasksPerStepKey) {
        super(seed, tasksPerStep, tasksPerStepKey);
    }

    @Override
    int[] choose(int[] candidates, int count, SplittableRandom random, int epoch, int step) {
        // partial Fisher-Yates: the first count candidates are a uniform sample
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(candidates.length - i);
            int swap = candidates[i];
            candidates[i] = candidates[j];
            candidates[j] = swap;
        }
        return Arrays.copyOf(candidates, count);
    }
}
