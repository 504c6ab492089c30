package org.openmtl.plugins.optim;

import org.openmtl.api.optim.OptimizerContext;

/**
 * Adam, and AdamW with decoupled weight decay, through DJL's fused {@code adamUpdate} kernel: m ←
 * β1·m + (1 − β1)·g, v ← β2·v + (1 − β2)·g², w ← w − lr·√(1 − β2^t)/(1 − β1^t) · m/(√v + ε), the
 * bias correction folded into the step size as DJL's {@code Adam} does it (Kingma &amp; Ba, Section
 * 2). Weight decay λ is an L2 term g ← g + λ·w for Adam, and w ← w − lr·λ·w before the step for
 * AdamW (Loshchilov &amp; Hutter 2019).
 */
final class AdamUpdater extends ScheduledUpdater {

    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;
    private final boolean decoupled;

    AdamUpdater(
            String name,
            LearningRateSchedule schedule,
            OptimizerContext horizon,
            AdamOptimizer settings) {
        super(name, schedule, horizon);
        this.beta1 = (float) settings.beta1();
        this.beta2 = (float) settings.beta2();
        this.epsilon = (float) settings.epsilon();
        this.weightDecay = (float) settings.weightDecay();
        this.decoupled = settings.decoupled();
    }

    /** Adam's step is lr·m̂/(√v̂ + ε), about lr whatever the gradient's scale. */
    @Override
    public boolean normalizesStepSize() {
        return true;
    }

    @Override
    int momentCount() {
        return 2;
    }

    @Override
    void apply(ParameterState state, float learningRate) {
        int t = state.updates();
        double stepSize =
                learningRate * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
        state.weight()
                .getNDArrayInternal()
                .adamUpdate(
                        state.inputs(),
                        state.weights(),
                        learningRate,
                        (float) stepSize,
                        weightDecay,
                        NO_RESCALE,
                        NO_CLIPPING,
                        beta1,
                        beta2,
                        epsilon,
                        true,
                        decoupled);
    }
}
