package org.openmtl.plugins.selector;

import java.util.SplittableRandom;

/**
 * Takes the tasks in turn: each step trains the next {@code tasks.per.step} tasks of the cycle over
 * the tasks that have labelled examples, and the cycle runs on across epochs (step g of the run,
 * counted from 0, starts at task g·k mod K), so over any K consecutive single-task steps every task
 * is trained once. Pools and batches as described in {@link PooledTaskSelector}.
 */
public final class RoundRobinTaskSelector extends PooledTaskSelector {

    RoundRobinTaskSelector(long seed, int tasksPerStep, String tasksPerStepKey) {
        super(seed, tasksPerStep, tasksPerStepKey);
    }

    @Override
    int[] choose(int[] candidates, int count, SplittableRandom random, int epoch, int step) {
        long global = (long) (epoch - 1) * stepsPerEpoch() + (step - 1);
        int first = (int) ((global * count) % candidates.length);
        int[] chosen = new int[count];
        for (int i = 0; i < count; i++) {
            chosen[i] = candidates[(first + i) % candidates.length];
        }
        return chosen;
    }
}
