package org.openmtl.plugins.weighting;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskLosses;
import org.openmtl.api.weighting.WeightingContext;

/**
 * Equal weighting (unitary scalarization): the objective is the plain sum of the task losses, Σ_i
 * L_i, one backward per step. The standard multi-task baseline (Caruana, <i>Multitask Learning</i>,
 * 1997), shown competitive with gradient-based methods when tuned by Kurin et al., <i>In Defense of
 * the Unitary Scalarization for Deep Multi-Task Learning</i>, NeurIPS 2022.
 */
public final class EqualWeighting implements LossWeighting {

    private FixedTaskWeights weights;

    EqualWeighting() {}

    @Override
    public void initialize(WeightingContext context) {
        double[] ones = new double[context.tasks().size()];
        Arrays.fill(ones, 1.0);
        weights = new FixedTaskWeights(context.tasks(), ones);
    }

    @Override
    public NDArray objective(TaskLosses losses, StepContext step) {
        return initialized().weightedSum(losses);
    }

    @Override
    public double[] lastWeights() {
        return weights == null ? new double[0] : weights.values();
    }

    private FixedTaskWeights initialized() {
        if (weights == null) {
            throw new IllegalStateException("the weighting is used before initialize()");
        }
        return weights;
    }
}
