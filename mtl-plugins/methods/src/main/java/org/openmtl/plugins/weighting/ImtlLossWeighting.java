package org.openmtl.plugins.weighting;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.ConstantInitializer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskLosses;
import org.openmtl.api.weighting.WeightingContext;

/**
 * IMTL-L (weighting {@code imtl} with {@code variant=l}): each task's loss is scaled by a learned
 * factor e^{s_t}, and the objective Σ_t (e^{s_t}·L_t − s_t) is minimized over the network and the
 * scales together, so that the scaled losses are driven to be equal: for a fixed L_t the objective
 * is minimal at e^{s_t}·L_t = 1. From Liu, Li, Kuang, Xue, Chen, Yang, Liao &amp; Zhang, <i>Towards
 * Impartial Multi-task Learning</i>, ICLR 2021, Section 3.2. The scales s_t start at 0 (key {@code
 * init}) and are trained by the run's optimizer; {@link #lastWeights()} is e^{s_t} as used in the
 * last step that trained task t.
 */
public final class ImtlLossWeighting implements LossWeighting {

    /** The parameter's name (recorded in checkpoints, so it must not change). */
    static final String PARAMETER_NAME = "loss_scale";

    private static final String LAST_SCALES = "last_log_scales";

    private final float init;
    private RunTaskOrder order;
    private Parameter logScale;
    private double[] lastLogScales;

    ImtlLossWeighting(double init) {
        this.init = (float) init;
    }

    @Override
    public void initialize(WeightingContext context) {
        order = new RunTaskOrder(context.tasks());
        logScale = Parameter.builder()
                .setName(PARAMETER_NAME)
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(order.size()))
                .optInitializer(new ConstantInitializer(init))
                .build();
        logScale.initialize(context.manager(), DataType.FLOAT32);
        lastLogScales = new double[order.size()];
        java.util.Arrays.fill(lastLogScales, init);
    }

    @Override
    public List<Parameter> parameters() {
        return logScale == null ? List.of() : List.of(logScale);
    }

    @Override
    public NDArray objective(TaskLosses losses, StepContext step) {
        if (logScale == null) {
            throw new IllegalStateException("the weighting is used before initialize()");
        }
        NDManager manager = step.manager();
        int[] positions = order.positions(losses.tasks());
        long[] index = new long[positions.length];
        for (int i = 0; i < index.length; i++) {
            index[i] = positions[i];
        }
        NDArray s = logScale.getArray().take(manager, manager.create(index));
        NDArray objective = LossVector.of(losses).mul(s.exp()).sub(s).sum();
        float[] used = s.toFloatArray();
        for (int i = 0; i < positions.length; i++) {
            lastLogScales[positions[i]] = used[i];
        }
        return objective;
    }

    /**
     * e^{s_t} per task: the scale each loss had in the objective.
     *
     * @return K weights in run order; empty before initialize
     */
    @Override
    public double[] lastWeights() {
        if (lastLogScales == null) {
            return new double[0];
        }
        double[] weights = new double[lastLogScales.length];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = Math.exp(lastLogScales[i]);
        }
        return weights;
    }

    /**
     * The log-scale each task had in the last step that trained it.
     *
     * @return {@code last_log_scales}; empty before initialize
     */
    @Override
    public Map<String, double[]> state() {
        return lastLogScales == null ? Map.of() : Map.of(LAST_SCALES, lastLogScales.clone());
    }

    /**
     * Restores what {@link #state()} saved (the scales themselves are restored by the trainer).
     *
     * @param state the saved state
     */
    @Override
    public void restore(Map<String, double[]> state) {
        if (lastLogScales == null) {
            throw new IllegalStateException("restore() is called before initialize()");
        }
        lastLogScales = new SavedWeightingState("imtl", order.tasks(), state, Set.of(LAST_SCALES), Set.of())
                .finitePerTask(LAST_SCALES);
    }
}
