package org.openmtl.testkit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.TaskGradients;
import org.openmtl.api.weighting.TaskLosses;

/**
 * {@link TaskGradients} from a given (K, D) matrix, for testing gradient weightings without a
 * trainer. For a GRAMIAN requirement the matrix is hidden, as the trainer hides it. For a
 * REPRESENTATION requirement the representation is the one given, or by default a batch of one
 * example whose D activations are all 1 (every activation positive).
 */
public final class MatrixTaskGradients implements TaskGradients {

    private final GradientRequirement requirement;
    private final NDArray matrix;
    private final TaskLosses losses;
    private NDList representation;

    /**
     * Creates the gradients.
     *
     * @param requirement what the rows are gradients with respect to (not LOSSES)
     * @param matrix the (K, D) gradients, one row per task
     * @param losses the step's losses
     */
    public MatrixTaskGradients(GradientRequirement requirement, NDArray matrix, TaskLosses losses) {
        this(requirement, matrix, losses, null);
    }

    /**
     * Creates representation gradients taken at a given representation.
     *
     * @param requirement what the rows are gradients with respect to (not LOSSES)
     * @param matrix the (K, D) gradients, one row per task
     * @param losses the step's losses
     * @param representation the arrays the rows are gradients with respect to, batch first, their
     *     sizes adding up to D; null for the default (a batch of one, all activations 1)
     */
    public MatrixTaskGradients(
            GradientRequirement requirement,
            NDArray matrix,
            TaskLosses losses,
            NDList representation) {
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
        if (representation != null) {
            long size = 0;
            for (NDArray array : representation) {
                size += array.size();
            }
            if (size != matrix.getShape().get(1)) {
                throw new IllegalArgumentException(
                        "the representation has " + size + " elements, the rows " + matrix.getShape().get(1));
            }
        }
        this.representation = representation;
    }

    @Override
    public NDList representation() {
        if (requirement != GradientRequirement.REPRESENTATION) {
            throw new IllegalStateException("the rows are not representation gradients");
        }
        if (representation == null) {
            representation = new NDList(matrix.getManager().ones(new Shape(1, matrix.getShape().get(1)), matrix.getDataType()));
        }
        return representation;
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
