package org.openmtl.plugins.weighting;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.WeightingContext;
import org.openmtl.testkit.ArrayTaskLosses;

/** Runs a loss weighting's objective on given loss values and reads it back. */
final class WeightingTesting {

    private WeightingTesting() {}

    static WeightingContext context(
            NDManager manager, List<String> tasks, Map<String, Integer> sizes) {
        return new WeightingContext(tasks, sizes, manager, 10);
    }

    static ArrayTaskLosses losses(NDManager manager, List<String> tasks, double... values) {
        List<NDArray> arrays = new ArrayList<>();
        for (double v : values) {
            arrays.add(manager.create((float) v));
        }
        return new ArrayTaskLosses(tasks, arrays);
    }

    static double objective(
            LossWeighting weighting, NDManager manager, List<String> tasks, double... values) {
        NDArray objective =
                weighting.objective(losses(manager, tasks, values), new StepContext(1, 0, manager));
        return objective.getFloat();
    }
}
