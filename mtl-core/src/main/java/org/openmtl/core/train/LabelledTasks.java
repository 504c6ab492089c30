package org.openmtl.core.train;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.api.selector.StepPlan;

/**
 * Which tasks a step can learn from: a task none of whose batch examples is labelled for it has
 * nothing to say in that step, so it is left out of the step rather than given a loss of 0.
 *
 * <p>Its masked loss would be an exact 0 with a zero gradient, harmless to a plain sum but not to
 * every weighting: a zero gradient row has no direction to normalize (MGDA, PCGrad, Nash-MTL), a
 * zero loss has no logarithm (GLS) and no ratio (loss normalization), and the task's epoch loss
 * would be pulled toward 0 by batches that never saw a label. Leaving the task out is what a
 * selector that samples tasks does anyway, so every weighting and architecture already handles a
 * step over some of the tasks. A plan whose tasks all have labelled examples is returned as it
 * is, so fully labelled data trains exactly as before.
 */
final class LabelledTasks {

    private final Map<String, boolean[]> labelled;

    /**
     * Indexes the training split's labels.
     *
     * @param examples per task, its labelled training examples
     * @param trainSize the number of training examples
     */
    LabelledTasks(Map<String, int[]> examples, int trainSize) {
        this.labelled = new HashMap<>();
        examples.forEach((task, indices) -> {
            if (indices.length < trainSize) {
                boolean[] flags = new boolean[trainSize];
                for (int example : indices) {
                    flags[example] = true;
                }
                labelled.put(task, flags);
            }
        });
    }

    /**
     * The plan restricted to the tasks that have a labelled example in its batch.
     *
     * @param plan a selector's plan
     * @return the plan itself when every task has one, else a plan over fewer tasks
     * @throws IllegalStateException if no task of the plan has a labelled example in the batch
     */
    StepPlan restrict(StepPlan plan) {
        if (labelled.isEmpty()) {
            return plan;
        }
        int[] examples = plan.examples();
        List<String> kept = new ArrayList<>(plan.tasks().size());
        for (String task : plan.tasks()) {
            boolean[] flags = labelled.get(task);
            if (flags == null || anyLabelled(flags, examples)) {
                kept.add(task);
            }
        }
        if (kept.size() == plan.tasks().size()) {
            return plan;
        }
        if (kept.isEmpty()) {
            throw new IllegalStateException("a step's " + examples.length + " examples carry no label for any of"
                    + " its tasks " + plan.tasks() + "; a selector must plan labelled examples");
        }
        return new StepPlan(kept, examples);
    }

    private static boolean anyLabelled(boolean[] flags, int[] examples) {
        for (int example : examples) {
            if (flags[example]) {
                return true;
            }
        }
        return false;
    }
}
