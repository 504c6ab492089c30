package org.openmtl.plugins.selector;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.selector.SelectorContext;
import org.openmtl.api.selector.StepPlan;
import org.openmtl.api.selector.TaskSelector;

/**
 * The common part of the selectors that sample tasks, then examples: each step a subclass chooses
 * {@code tasks.per.step} of the tasks that have labelled examples, and the step's batch is drawn
 * from their pools.
 *
 * <p>Each task keeps a pool of its labelled examples, shuffled at the start of each epoch and
 * consumed in order; a pool that runs out is reshuffled and started again, so examples repeat only
 * after the whole pool has been seen, and the last batch of a pass may be short (as a data loader
 * restarting an exhausted task's iterator would give). With k tasks per step each contributes
 * batchSize/k examples (the remainder to the first ones); an example drawn for two of the step's
 * tasks appears once. An epoch has ceil(Σ_t n_t / batchSize) steps, n_t the examples labelled for
 * task t, so on average it sees as many examples as one pass over every task's data.
 *
 * <p>Steps are planned when the trainer reads them, in order, so a selector that learns from
 * {@link #observe} (e.g. sampling the worst task more often) uses every loss observed so far.
 */
abstract class PooledTaskSelector implements TaskSelector {

    private final long seed;
    private final int tasksPerStep;
    private final String tasksPerStepKey;
    private List<String> tasks;
    private int[][] pools;
    private int[] eligible;
    private int batchSize;
    private int trainSize;
    private int stepsPerEpoch;

    PooledTaskSelector(long seed, int tasksPerStep, String tasksPerStepKey) {
        this.seed = seed;
        this.tasksPerStep = tasksPerStep;
        this.tasksPerStepKey = tasksPerStepKey;
    }

    /**
     * Chooses the tasks of one step.
     *
     * @param eligible the indices of the tasks that have labelled examples, ascending; the method
     *     may reorder this array (it is the selector's own scratch copy for the epoch)
     * @param count how many to choose (at most {@code eligible.length})
     * @param random the epoch's random stream
     * @param epoch the epoch, from 1
     * @param step the step within the epoch, from 1
     * @return {@code count} distinct task indices
     */
    abstract int[] choose(int[] eligible, int count, SplittableRandom random, int epoch, int step);

    /**
     * Called once the pools are known, e.g. to compute sampling probabilities from their sizes.
     *
     * @param sizes the number of labelled training examples of each task, in task order
     */
    void poolsKnown(int[] sizes) {}

    /**
     * The steps of every epoch (valid after initialize).
     *
     * @return ceil(Σ_t n_t / batch size)
     */
    int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    /**
     * The tasks, in order (valid after initialize).
     *
     * @return the task names
     */
    List<String> tasks() {
        return tasks;
    }

    /**
     * Takes the tasks' pools of labelled examples.
     *
     * @param context the tasks, their labelled examples and the batch size
     * @throws PluginConfigException naming the {@code tasks.per.step} key when it exceeds the
     *     number of tasks that have labelled examples, or the batch size
     */
    @Override
    public void initialize(SelectorContext context) {
        if (context.batchSize() < 1) {
            throw new IllegalArgumentException("batch size " + context.batchSize() + " is not positive");
        }
        List<String> names = context.tasks();
        int[][] taskPools = new int[names.size()][];
        int[] sizes = new int[names.size()];
        int[] withExamples = new int[names.size()];
        int eligibleCount = 0;
        long total = 0;
        for (int t = 0; t < names.size(); t++) {
            taskPools[t] = context.labelled().getOrDefault(names.get(t), new int[0]).clone();
            sizes[t] = taskPools[t].length;
            total += taskPools[t].length;
            if (taskPools[t].length > 0) {
                withExamples[eligibleCount++] = t;
            }
        }
        if (tasksPerStep > eligibleCount) {
            throw new PluginConfigException(tasksPerStepKey, "is " + tasksPerStep + ", but only " + eligibleCount
                    + " of the tasks " + names + " have labelled training examples; expected at most "
                    + eligibleCount);
        }
        if (tasksPerStep > context.batchSize()) {
            throw new PluginConfigException(tasksPerStepKey, "is " + tasksPerStep + ", more than the batch size "
                    + context.batchSize() + ", so some sampled tasks would get no example; expected at most the"
                    + " batch size");
        }
        this.tasks = names;
        this.pools = taskPools;
        this.eligible = Arrays.copyOf(withExamples, eligibleCount);
        this.batchSize = context.batchSize();
        this.trainSize = context.trainSize();
        this.stepsPerEpoch = (int) ((total + batchSize - 1) / batchSize);
        poolsKnown(sizes);
    }

    @Override
    public List<StepPlan> planEpoch(int epoch) {
        if (pools == null) {
            throw new IllegalStateException("the selector is used before initialize()");
        }
        return new EpochPlan(epoch);
    }

    /**
     * The steps of one epoch, each planned when it is first read; reading step i plans every step
     * before it first, so the plan is the same whether read lazily or all at once.
     */
    private final class EpochPlan extends AbstractList<StepPlan> {

        private final SplittableRandom random;
        private final int epoch;
        private final int[][] order = new int[pools.length][];
        private final int[] cursor = new int[pools.length];
        private final int[] candidates = eligible.clone();
        private final int[] stamp = new int[trainSize];
        private final List<StepPlan> planned = new ArrayList<>();

        EpochPlan(int epoch) {
            this.epoch = epoch;
            random = EpochRandom.forEpoch(seed, epoch);
            for (int t = 0; t < pools.length; t++) {
                order[t] = pools[t].clone();
                EpochRandom.shuffle(order[t], random);
            }
        }

        @Override
        public StepPlan get(int index) {
            if (index < 0 || index >= stepsPerEpoch) {
                throw new IndexOutOfBoundsException("step " + index + " of " + stepsPerEpoch);
            }
            while (planned.size() <= index) {
                planned.add(next(planned.size() + 1));
            }
            return planned.get(index);
        }

        @Override
        public int size() {
            return stepsPerEpoch;
        }

        private StepPlan next(int step) {
            int[] chosen = choose(candidates, tasksPerStep, random, epoch, step).clone();
            Arrays.sort(chosen);
            List<String> stepTasks = new ArrayList<>(tasksPerStep);
            int[] batch = new int[batchSize];
            int size = 0;
            for (int i = 0; i < chosen.length; i++) {
                int t = chosen[i];
                stepTasks.add(tasks.get(t));
                int share = batchSize / tasksPerStep + (i < batchSize % tasksPerStep ? 1 : 0);
                if (cursor[t] == order[t].length) {
                    EpochRandom.shuffle(order[t], random);
                    cursor[t] = 0;
                }
                int take = Math.min(share, order[t].length - cursor[t]);
                for (int k = 0; k < take; k++) {
                    int example = order[t][cursor[t]++];
                    if (stamp[example] != step) {
                        stamp[example] = step;
                        batch[size++] = example;
                    }
                }
            }
            return new StepPlan(stepTasks, Arrays.copyOf(batch, size));
        }
    }

    /**
     * Draws {@code count} distinct tasks, each draw with probability proportional to its weight
     * among the tasks not drawn yet (successive sampling without replacement; with one task per
     * step this is exactly the weights' distribution).
     *
     * @param eligible the candidates
     * @param weights a non-negative weight per task index (not per candidate)
     * @param count how many to draw
     * @param random the random stream
     * @return the drawn task indices
     */
    static int[] drawWeighted(int[] eligible, double[] weights, int count, SplittableRandom random) {
        int[] chosen = new int[count];
        boolean[] taken = new boolean[weights.length];
        for (int c = 0; c < count; c++) {
            double total = 0;
            for (int t : eligible) {
                total += taken[t] ? 0 : weights[t];
            }
            double u = random.nextDouble() * total;
            int pick = -1;
            for (int t : eligible) {
                if (taken[t] || weights[t] <= 0) {
                    continue;
                }
                pick = t;
                u -= weights[t];
                if (u < 0) {
                    break;
                }
            }
            if (pick < 0) {
                // every remaining weight is zero: take the first task not drawn yet
                for (int t : eligible) {
                    if (!taken[t]) {
                        pick = t;
                        break;
                    }
                }
            }
            taken[pick] = true;
            chosen[c] = pick;
        }
        return chosen;
    }
}
