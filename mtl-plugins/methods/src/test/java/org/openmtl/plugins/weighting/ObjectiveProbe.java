package org.openmtl.plugins.weighting;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.testkit.ArrayTaskLosses;
import org.openmtl.testkit.ContractTensors;

/**
 * Runs one step of a loss weighting on leaf losses, as the trainer would (a step manager, one
 * backward), and reads back the objective, its gradient with respect to each loss and to each
 * learned parameter.
 */
final class ObjectiveProbe {

    /** What one step gave, on the heap. */
    record Result(double objective, double[] lossGradients, List<double[]> parameterGradients) {}

    private ObjectiveProbe() {}

    static Result step(
            LossWeighting weighting,
            NDManager manager,
            long step,
            List<String> tasks,
            double... values) {
        try (NDManager stepManager = manager.newSubManager();
                GradientCollector collector = ContractTensors.newGradientCollector()) {
            // PyTorch accumulates gradients across collectors: start the parameters from zero
            collector.zeroGradients();
            List<NDArray> losses = new ArrayList<>();
            for (double v : values) {
                NDArray loss = stepManager.create((float) v);
                loss.setRequiresGradient(true);
                losses.add(loss);
            }
            NDArray objective =
                    weighting.objective(
                            new ArrayTaskLosses(tasks, losses),
                            new StepContext(1, step, stepManager));
            double value = objective.getFloat();
            collector.backward(objective);
            double[] lossGradients = new double[values.length];
            for (int i = 0; i < values.length; i++) {
                lossGradients[i] = losses.get(i).getGradient().getFloat();
            }
            List<double[]> parameterGradients = new ArrayList<>();
            for (Parameter parameter : weighting.parameters()) {
                try (NDArray gradient = parameter.getArray().getGradient()) {
                    parameterGradients.add(toDoubles(gradient.toFloatArray()));
                }
            }
            return new Result(value, lossGradients, parameterGradients);
        }
    }

    /** Overwrites a parameter's values (outside any graph). */
    static void set(Parameter parameter, double... values) {
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        parameter.getArray().set(FloatBuffer.wrap(floats));
    }

    static double[] values(Parameter parameter) {
        return toDoubles(parameter.getArray().toFloatArray());
    }

    static double[] toDoubles(float[] floats) {
        double[] doubles = new double[floats.length];
        for (int i = 0; i < floats.length; i++) {
            doubles[i] = floats[i];
        }
        return doubles;
    }
}
