package org.openmtl.core.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.openmtl.api.architecture.TrainingPhase;
import org.openmtl.api.selector.StepPlan;

/**
 * The steps of an epoch in a phase that trains on a part of the training split: the selector's
 * plans keep only the part's examples (index mod parts = part), in the selector's order, and
 * consecutive plans over the same tasks are regrouped into batches of the run's batch size, so the
 * part is seen once per epoch in full batches (the last may be smaller).
 */
final class PhaseBatches {

    private PhaseBatches() {}

    /**
     * The plans of one epoch restricted to the phase's part.
     *
     * @param plans the selector's plans for the epoch
     * @param phase the phase
     * @param batchSize the run's batch size
     * @return the plans of the phase (the same list for a phase on all the data)
     */
    static List<StepPlan> restrict(List<StepPlan> plans, TrainingPhase phase, int batchSize) {
        if (phase.dataParts() == 1) {
            return plans;
        }
        List<StepPlan> out = new ArrayList<>();
        List<String> tasks = null;
        int[] pending = new int[batchSize];
        int count = 0;
        for (StepPlan plan : plans) {
            if (tasks != null && !tasks.equals(plan.tasks()) && count > 0) {
                out.add(new StepPlan(tasks, Arrays.copyOf(pending, count)));
                count = 0;
            }
            tasks = plan.tasks();
            for (int example : plan.examples()) {
                if (example % phase.dataParts() != phase.dataPart()) {
                    continue;
                }
                pending[count++] = example;
                if (count == batchSize) {
                    out.add(new StepPlan(tasks, pending.clone()));
                    count = 0;
                }
            }
        }
        if (count > 0) {
            out.add(new StepPlan(tasks, Arrays.copyOf(pending, count)));
        }
        return out;
    }
}
