package org.openmtl.plugins.selector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.selector.SelectorContext;
import org.openmtl.api.selector.StepPlan;
import org.openmtl.api.selector.TaskSelector;

/**
 * Naive multi-task SGD: each step samples {@code tasks.per.step} tasks uniformly at random (without
 * replacement), then a batch of examples labelled for them. Collobert &amp; Weston, <i>A Unified
 * Architecture for Natural Language Processing: Deep Neural Networks with Multitask Learning</i>,
 * ICML 2008.
 *
 * <p>Each task keeps a pool of its labelled examples, shuffled at the start of each epoch and
 * consumed in order; a pool that runs out is reshuffled and started again, so examples repeat only
 * after the whole pool has been seen, and the last batch of a pass may be short (as a data loader
 * restarting an exhausted task's iterator would give). With k tasks per step each contributes
 * batchSize/k examples (the remainder to the first ones); an example drawn for two of the step's
 * tasks appears once. An epoch has ceil(Σ_t n_t / batchSize) steps, n_t the examples labelled for
 * task t, so on average it sees as many examples as one pass over every task's data.
 */
public final class UniformTaskSelector implements TaskSelector {

    private final long seed;
    private final int tasksPerStep;
    private final String tasksPerStepKey;
    private List<String> tasks;
    private int[][] pools;
    private int[] eligible;
    private int batchSize;
    private int trainSize;
    private int stepsPerEpoch;

    UniformTaskSelector(long seed, int tasksPerStep, String tasksPerStepKey) {
        this.seed = seed;
        this.tasksPerStep = tasksPerStep;
        this.tasksPerStepKey = tasksPerStepKey;
    }

    /**
     * Takes the tasks' pools of labelled examples.
     *
     * @param context the tasks, their labelled examples and the batch size
     * @throws PluginConfigException naming {@code selector.uniform.tasks.per.step} when it exceeds
     *     the number of tasks that have labelled examples, or the batch size
     */
    @Override
    public void initialize(SelectorContext context) {
        if (context.batchSize() < 1) {
            throw new IllegalArgumentException(
                    "batch size " + context.batchSize() + " is not positive");
        }
        List<String> names = context.tasks();
        int[][] taskPools = new int[names.size()][];
        int[] withExamples = new int[names.size()];
        int eligibleCount = 0;
        long total = 0;
        for (int t = 0; t < names.size(); t++) {
            taskPools[t] = context.labelled().getOrDefault(names.get(t), new int[0]).clone();
            total += taskPools[t].length;
            if (taskPools[t].length > 0) {
                withExamples[eligibleCount++] = t;
            }
        }
        if (tasksPerStep > eligibleCount) {
            throw new PluginConfigException(
                    tasksPerStepKey,
                    "is "
                            + tasksPerStep
                            + ", but only "
                            + eligibleCount
                            + " of the tasks "
                            + names
                            + " have labelled training examples; expected at most "
                            + eligibleCount);
        }
        if (tasksPerStep > context.batchSize()) {
            throw new PluginConfigException(
                    tasksPerStepKey,
                    "is "
                            + tasksPerStep
                            + ", more than the batch size "
                            + context.batchSize()
                            + ", so some sampled tasks would get no example; expected at most the"
                            + " batch size");
        }
        this.tasks = names;
        this.pools = taskPools;
        this.eligible = Arrays.copyOf(withExamples, eligibleCount);
        this.batchSize = context.batchSize();
        this.trainSize = context.trainSize();
        this.stepsPerEpoch = (int) ((total + batchSize - 1) / batchSize);
    }

    @Override
    public List<StepPlan> planEpoch(int epoch) {
        if (pools == null) {
            throw new IllegalStateException("the selector is used before initialize()");
        }
        SplittableRandom random = EpochRandom.forEpoch(seed, epoch);
        int[][] order = new int[pools.length][];
        int[] cursor = new int[pools.length];
        for (int t = 0; t < pools.length; t++) {
            order[t] = pools[t].clone();
            EpochRandom.shuffle(order[t], random);
        }
        int[] candidates = eligible.clone();
        int[] stamp = new int[trainSize];
        List<StepPlan> plans = new ArrayList<>(stepsPerEpoch);
        for (int step = 1; step <= stepsPerEpoch; step++) {
            // partial Fisher-Yates: the first tasksPerStep candidates are a uniform sample
            for (int i = 0; i < tasksPerStep; i++) {
                int j = i + random.nextInt(candidates.length - i);
                int swap = candidates[i];
                candidates[i] = candidates[j];
                candidates[j] = swap;
            }
            int[] chosen = Arrays.copyOf(candidates, tasksPerStep);
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
            plans.add(new StepPlan(stepTasks, Arrays.copyOf(batch, size)));
        }
        return plans;
    }
}
