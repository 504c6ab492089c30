package org.openmtl.plugins.optim;

import org.openmtl.api.optim.Optimizer;
import org.openmtl.api.optim.OptimizerContext;
import org.openmtl.api.optim.ParameterUpdater;

/**
 * Stochastic gradient descent with (heavy-ball) momentum and L2 weight decay. Polyak, <i>Some
 * methods of speeding up the convergence of iteration methods</i>, 1964; Sutskever et al., <i>On
 * the importance of initialization and momentum in deep learning</i>, ICML 2013. Each run gets a
 * fresh {@link SgdUpdater}.
 */
public final class SgdOptimizer implements Optimizer {

    private final LearningRateSchedule schedule;
    private final double momentum;
    private final double weightDecay;

    SgdOptimizer(LearningRateSchedule schedule, double momentum, double weightDecay) {
        this.schedule = schedule;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    public ParameterUpdater create(OptimizerContext context) {
        return new SgdUpdater(schedule, context, momentum, weightDecay);
    }
}
