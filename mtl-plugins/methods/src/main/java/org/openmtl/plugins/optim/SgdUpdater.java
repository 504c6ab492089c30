package org.openmtl.plugins.optim;

import org.openmtl.api.optim.OptimizerContext;

/**
 * SGD with momentum through DJL's fused {@code sgdUpdate} kernel: v ← μ·v + lr·(g + λ·w), w ← w − v
 * (the velocity form of Sutskever et al. 2013; with a constant learning rate the same iterates as
 * PyTorch's v ← μ·v + g, w ← w − lr·v). Without momentum no state is kept.
 */
final class SgdUpdater extends ScheduledUpdater {

    private final float momentum;
    private final float weightDecay;

    SgdUpdater(
            LearningRateSchedule schedule,
            OptimizerContext horizon,
            double momentum,
            double weightDecay) {
        super(SgdFactory.NAME, schedule, horizon);
        this.momentum = (float) momentum;
        this.weightDecay = (float) weightDecay;
    }

    @Override
    int momentCount() {
        return momentum == 0f ? 0 : 1;
    }

    @Override
    void apply(ParameterState state, float learningRate) {
        state.weight()
                .getNDArrayInternal()
                .sgdUpdate(
                        state.inputs(),
                        state.weights(),
                        learningRate,
                        weightDecay,
                        NO_RESCALE,
                        NO_CLIPPING,
                        momentum,
                        true);
    }
}
