package org.openmtl.plugins.weighting;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.ConstantInitializer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openmtl.api.task.TaskType;
import org.openmtl.api.tensor.GraphScalars;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskLosses;
import org.openmtl.api.weighting.WeightingContext;

/**
 * Uncertainty weighting: each task i has a learned log-variance s_i = log σ_i² (a parameter trained
 * by the run's optimizer with the network), and the objective is Σ_i a_i·exp(−s_i)·L_i + b_i·s_i.
 * From Kendall, Gal &amp; Cipolla, <i>Multi-Task Learning Using Uncertainty to Weigh Losses for
 * Scene Geometry and Semantics</i>, CVPR 2018.
 *
 * <p>Forms (key {@code form}):
 *
 * <ul>
 *   <li>{@code simple}: a_i = b_i = 1, i.e. exp(−s_i)·L_i + s_i for every task, the form most
 *       implementations use. For a fixed L_i it is minimal at s_i = log L_i.
 *   <li>{@code auto}: the paper's per-task forms. A regression task with a Gaussian likelihood
 *       contributes L/(2σ²) + log σ = ½·exp(−s)·L + ½·s (minimal at s = log L, so for a mean
 *       squared error L = σ² it recovers the noise variance); a classification task with a
 *       softmax tempered by σ² contributes, in the paper's approximation, L/σ² + log σ =
 *       exp(−s)·L + ½·s (minimal at s = log 2L). Each task's form follows its {@link TaskType},
 *       as the run's {@link WeightingContext#taskTypes()} gives it.
 * </ul>
 *
 * <p>{@link #lastWeights()} gives a_i·exp(−s_i), the effective weight of each loss, with s_i as it
 * was in the last step that trained task i. The log-variances themselves are parameters, saved and
 * restored by the trainer; {@link #state()} holds only these last values ({@code
 * last_log_variances}), which differ from the parameters once the optimizer has moved them, so that
 * a resumed run reports the weights an uninterrupted one would.
 */
public final class UncertaintyWeighting implements LossWeighting {

    /** The parameter's name (recorded in checkpoints, so it must not change). */
    static final String PARAMETER_NAME = "log_variance";

    private static final String LAST_LOG_VARIANCES = "last_log_variances";

    /** How each task's term is formed. */
    enum Form {
        /** exp(−s)·L + s for every task. */
        SIMPLE,
        /** The paper's regression and classification forms. */
        AUTO
    }

    private final Form form;
    private final float init;
    private RunTaskOrder order;
    private Parameter logVariance;
    private double[] lossCoefficients;
    private double[] lastLogVariances;

    UncertaintyWeighting(Form form, double init) {
        this.form = form;
        this.init = (float) init;
    }

    /**
     * Creates the log-variances (one per task, all at {@code init}) in the run's manager and, in
     * the {@code auto} form, picks each task's term from its type.
     *
     * @param context the run's tasks and their types
     */
    @Override
    public void initialize(WeightingContext context) {
        order = new RunTaskOrder(context.tasks());
        int k = order.size();
        lossCoefficients = new double[k];
        for (int i = 0; i < k; i++) {
            boolean halved =
                    form == Form.AUTO
                            && context.taskTypes().get(context.tasks().get(i))
                                    == TaskType.REGRESSION;
            lossCoefficients[i] = halved ? 0.5 : 1.0;
        }
        logVariance =
                Parameter.builder()
                        .setName(PARAMETER_NAME)
                        .setType(Parameter.Type.OTHER)
                        .optShape(new Shape(k))
                        .optInitializer(new ConstantInitializer(init))
                        .build();
        logVariance.initialize(context.manager(), DataType.FLOAT32);
        lastLogVariances = new double[k];
        Arrays.fill(lastLogVariances, init);
    }

    @Override
    public List<Parameter> parameters() {
        return logVariance == null ? List.of() : List.of(logVariance);
    }

    @Override
    public NDArray objective(TaskLosses losses, StepContext step) {
        if (logVariance == null) {
            throw new IllegalStateException("the weighting is used before initialize()");
        }
        NDManager manager = step.manager();
        int[] positions = order.positions(losses.tasks());
        long[] index = new long[positions.length];
        for (int i = 0; i < index.length; i++) {
            index[i] = positions[i];
        }
        // the first operation on the parameter puts its result in the step's manager, so nothing
        // of the step accumulates in the run's
        NDArray s = logVariance.getArray().take(manager, manager.create(index));
        NDArray lossVector = LossVector.of(losses);
        DataType type = lossVector.getDataType();
        NDArray lossTerms = lossVector.mul(s.neg().exp());
        double[] a = RunTaskOrder.pick(positions, lossCoefficients);
        if (!allEqual(a, 1.0)) {
            lossTerms = lossTerms.mul(LossVector.coefficients(manager, a, type));
        }
        // b = 1 in the simple form; log σ = s/2 in both of the paper's forms
        NDArray varianceTerms = form == Form.SIMPLE ? s : GraphScalars.times(s, 0.5, manager);
        NDArray objective = lossTerms.add(varianceTerms).sum();
        float[] used = s.toFloatArray();
        for (int i = 0; i < positions.length; i++) {
            lastLogVariances[positions[i]] = used[i];
        }
        return objective;
    }

    /**
     * a_i·exp(−s_i) per task: the weight each loss had in the objective.
     *
     * @return K weights in run order; empty before initialize
     */
    @Override
    public double[] lastWeights() {
        if (lastLogVariances == null) {
            return new double[0];
        }
        double[] weights = new double[lastLogVariances.length];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = lossCoefficients[i] * Math.exp(-lastLogVariances[i]);
        }
        return weights;
    }

    /**
     * The log-variance each task had in the last step that trained it.
     *
     * @return {@code last_log_variances}; empty before initialize
     */
    @Override
    public Map<String, double[]> state() {
        return lastLogVariances == null
                ? Map.of()
                : Map.of(LAST_LOG_VARIANCES, lastLogVariances.clone());
    }

    /**
     * Restores what {@link #state()} saved (the log-variances themselves are restored by the
     * trainer).
     *
     * @param state the saved state
     * @throws IllegalArgumentException if {@code last_log_variances} is missing, another key is
     *     present, or it is not one finite number per task
     */
    @Override
    public void restore(Map<String, double[]> state) {
        if (lastLogVariances == null) {
            throw new IllegalStateException("restore() is called before initialize()");
        }
        lastLogVariances =
                new SavedWeightingState(
                                UncertaintyWeightingFactory.NAME,
                                order.tasks(),
                                state,
                                Set.of(LAST_LOG_VARIANCES),
                                Set.of())
                        .finitePerTask(LAST_LOG_VARIANCES);
    }

    private static boolean allEqual(double[] values, double value) {
        for (double v : values) {
            if (v != value) {
                return false;
            }
        }
        return true;
    }
}
