package org.openmtl.plugins.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.openmtl.api.optim.Optimizer;
import org.openmtl.api.optim.OptimizerContext;
import org.openmtl.api.optim.ParameterUpdater;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.plugins.TestPlugins;

/** Runs an updater over a fixed gradient sequence on one small vector. */
final class UpdateSequences {

    static final double[] START = {1.0, -2.0, 0.5};
    static final double[][] GRADIENTS = {{0.5, -1.0, 2.0}, {0.1, 0.3, -0.4}, {-0.2, 0.0, 1.0}};

    private UpdateSequences() {}

    static ParameterUpdater updater(PluginFactory<Optimizer> factory, String... settings) {
        return TestPlugins.create(factory, settings).create(new OptimizerContext(10, 10));
    }

    /** The weights after each of the three updates. */
    static float[][] run(NDManager manager, ParameterUpdater updater) {
        NDArray weight = manager.create(toFloats(START));
        float[][] trajectory = new float[GRADIENTS.length][];
        for (int t = 0; t < GRADIENTS.length; t++) {
            updater.update("w", weight, manager.create(toFloats(GRADIENTS[t])));
            updater.endStep();
            trajectory[t] = weight.toFloatArray();
        }
        return trajectory;
    }

    static float[] toFloats(double[] values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return floats;
    }
}
