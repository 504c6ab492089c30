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
 * Every task in every step: each epoch is one pass, in a fresh random order, over the training
 * examples labelled for at least one task, cut into batches of the configured size. The classic
 * joint training of a shared network on all tasks' losses (Caruana, <i>Multitask Learning</i>,
 * Machine Learning 28(1), 1997).
 */
public final class AllTasksSelector implements TaskSelector {

    private final long seed;
    private final boolean dropLast;
    private final String dropLastKey;
    private List<String> tasks;
    private int[] examples;
    private int batchSize;

    AllTasksSelector(long seed, boolean dropLast, String dropLastKey) {
        this.seed = seed;
        this.dropLast = dropLast;
        this.dropLastKey = dropLastKey;
    }

    /**
     * Collects the examples labelled for at least one task.
     *
     * @param context the tasks, their labelled examples and the batch size
     * @throws PluginConfigException naming {@code selector.all.drop.last} when dropping the last
     *     short batch would leave no step
     */
    @Override
    public void initialize(SelectorContext context) {
        if (context.batchSize() < 1) {
            throw new IllegalArgumentException(
                    "batch size " + context.batchSize() + " is not positive");
        }
        boolean[] labelled = new boolean[context.trainSize()];
        for (String task : context.tasks()) {
            for (int example : context.labelled().getOrDefault(task, new int[0])) {
                labelled[example] = true;
            }
        }
        int[] union = new int[context.trainSize()];
        int count = 0;
        for (int example = 0; example < labelled.length; example++) {
            if (labelled[example]) {
                union[count++] = example;
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("no training example is labelled for any task");
        }
        if (dropLast && count < context.batchSize()) {
            throw new PluginConfigException(
                    dropLastKey,
                    "is true, but the "
                            + count
                            + " labelled training examples do not fill one batch of "
                            + context.batchSize()
                            + "; set it to false or lower batch.size");
        }
        this.tasks = context.tasks();
        this.examples = Arrays.copyOf(union, count);
        this.batchSize = context.batchSize();
    }

    @Override
    public List<StepPlan> planEpoch(int epoch) {
        if (examples == null) {
            throw new IllegalStateException("the selector is used before initialize()");
        }
        SplittableRandom random = EpochRandom.forEpoch(seed, epoch);
        int[] order = examples.clone();
        EpochRandom.shuffle(order, random);
        int steps =
                dropLast ? order.length / batchSize : (order.length + batchSize - 1) / batchSize;
        List<StepPlan> plans = new ArrayList<>(steps);
        for (int step = 0; step < steps; step++) {
            int from = step * batchSize;
            int to = Math.min(from + batchSize, order.length);
            plans.add(new StepPlan(tasks, Arrays.copyOfRange(order, from, to)));
        }
        return plans;
    }
}
