package org.openmtl.testkit;

import ai.djl.ndarray.NDArray;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.TaskGradients;
import org.openmtl.api.weighting.TaskLosses;

/**
 * {@link TaskGradients} from a given (K, D) matrix, for testing gradient weightings without a
 * trainer. For a GRAMIAN requirement the matrix is hidden, as the trainer hides it.
 */
public final class MatrixTaskGradients implements TaskGradients {

    private final GradientRequirement requirement;
    private final NDArray matrix;
    private final TaskLosses losses;

    /**
     * Creates the gradients.
     *
     * @param requirement what the rows are gradients with respect to (not LOSSES)
     * @param matrix the (K, D) gradients, one row per task
     * @param losses the step's losses
     */
    public MatrixTaskGradients(GradientRequirement requirement, NDArray matrix, TaskLosses losses) {
        if (requirement == GradientRequirement.LOSSES) {
            throw new IllegalArgumentException("a LOSSES weighting receives no gradients");
        }
        if (matrix.getShape().dimension() != 2
                || matrix.getShape().get(0) != losses.tasks().size()) {
            throw new IllegalArgumentException(
                    "expected a ("
                            + losses.tasks().size()
                            + ", D) matrix, got "
                            + matrix.getShape());
        }
        this.requirement = requirement;
        this.matrix = matrix;
        this.losses = losses;
    }

    @Override
    public GradientRequirement requirement() {
        return requirement;
    }

    @Override
    public NDArray matrix() {
        if (requirement == GradientRequirement.GRAMIAN) {
            throw new IllegalStateException("a GRAMIAN weighting sees only the Gramian");
        }
        return matrix;
    }

    @Override
    public double[][] gramian() {
        int k = (int) matrix.getShape().get(0);
        float[] flat = matrix.matMul(matrix.transpose()).toFloatArray();
        double[][] gramian = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                gramian[i][j] = flat[i * k + j];
            }
        }
        return gramian;
    }

    @Override
    public TaskLosses losses() {
        return losses;
    }
}
