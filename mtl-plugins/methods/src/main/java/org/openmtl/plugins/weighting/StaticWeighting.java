package org.openmtl.plugins.weighting;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.List;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskLosses;
import org.openmtl.api.weighting.WeightingContext;

/**
 * Static weighting (linear scalarization): the objective is Σ_i w_i L_i with weights fixed for the
 * run, either given explicitly or proportional to each task's number of labelled training examples,
 * w_i = K·n_i/Σ_j n_j (so the weights average 1). Xin et al., <i>Do Current Multi-Task Optimization
 * Methods in Deep Learning Even Help?</i>, NeurIPS 2022, find tuned static weights match most
 * adaptive methods.
 */
public final class StaticWeighting implements LossWeighting {

    /** How the weights are chosen. */
    enum Mode {
        /** The configured list, or all ones when the list is empty. */
        EXPLICIT,
        /** Proportional to the tasks' training-set sizes. */
        PROPORTIONAL
    }

    private final Mode mode;
    private final List<Double> configured;
    private final String weightsKey;
    private final String modeKey;
    private FixedTaskWeights weights;

    StaticWeighting(Mode mode, List<Double> configured, String weightsKey, String modeKey) {
        this.mode = mode;
        this.configured = List.copyOf(configured);
        this.weightsKey = weightsKey;
        this.modeKey = modeKey;
    }

    /**
     * Fixes the weights for the run's tasks.
     *
     * @param context the tasks and their training-set sizes
     * @throws PluginConfigException naming {@code weighting.static.weights} when the list's length
     *     is not the number of tasks or every weight is zero, or {@code weighting.static.mode} when
     *     no task has training examples to be proportional to
     */
    @Override
    public void initialize(WeightingContext context) {
        double[] values = mode == Mode.PROPORTIONAL ? proportional(context) : explicit(context);
        weights = new FixedTaskWeights(context.tasks(), values);
    }

    private double[] explicit(WeightingContext context) {
        int tasks = context.tasks().size();
        if (configured.isEmpty()) {
            double[] ones = new double[tasks];
            Arrays.fill(ones, 1.0);
            return ones;
        }
        if (configured.size() != tasks) {
            throw new PluginConfigException(
                    weightsKey,
                    "has "
                            + configured.size()
                            + " weights for "
                            + tasks
                            + " tasks "
                            + context.tasks()
                            + "; expected one non-negative weight per task, in task order");
        }
        // negative weights never get here: the key's range rejects them when the config is read
        double[] values = new double[tasks];
        boolean positive = false;
        for (int i = 0; i < tasks; i++) {
            values[i] = configured.get(i);
            positive |= values[i] > 0;
        }
        if (!positive) {
            throw new PluginConfigException(
                    weightsKey,
                    "every weight is zero, so nothing would be trained; expected at least one"
                            + " positive weight");
        }
        return values;
    }

    private double[] proportional(WeightingContext context) {
        List<String> tasks = context.tasks();
        double total = 0;
        double[] sizes = new double[tasks.size()];
        for (int i = 0; i < sizes.length; i++) {
            Integer size = context.trainSizes().get(tasks.get(i));
            if (size == null) {
                throw new IllegalArgumentException(
                        "the weighting context has no training-set size for task '"
                                + tasks.get(i)
                                + "'");
            }
            sizes[i] = size;
            total += size;
        }
        if (total <= 0) {
            throw new PluginConfigException(
                    modeKey,
                    "is proportional, which needs labelled training examples, but no task has"
                            + " any; use explicit weights");
        }
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = sizes.length * sizes[i] / total;
        }
        return sizes;
    }

    @Override
    public NDArray objective(TaskLosses losses, StepContext step) {
        if (weights == null) {
            throw new IllegalStateException("the weighting is used before initialize()");
        }
        return weights.weightedSum(losses);
    }

    /**
     * The configured weights: the preference of this linear scalarization. Empty when no weights
     * are given (all ones, the equal weighting) or in proportional mode, whose weights come from
     * the data rather than from a preference.
     */
    @Override
    public double[] preference() {
        return weights == null || mode != Mode.EXPLICIT || configured.isEmpty() ? new double[0] : weights.values();
    }

    @Override
    public double[] lastWeights() {
        return weights == null ? new double[0] : weights.values();
    }
}
