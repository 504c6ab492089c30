package org.openmtl.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.TaskGradients;
import org.openmtl.api.weighting.TaskLosses;

/** The per-task gradients of one step as a (K, D) matrix, with a lazily computed Gramian. */
final class StepGradients implements TaskGradients {

    private final GradientRequirement requirement;
    private final NDArray matrix;
    private final TaskLosses losses;
    private final NDList representation;
    private double[][] gramian;

    StepGradients(GradientRequirement requirement, NDArray matrix, TaskLosses losses) {
        this(requirement, matrix, losses, null);
    }

    /** Representation gradients, with the (detached) representation they were taken at. */
    StepGradients(GradientRequirement requirement, NDArray matrix, TaskLosses losses, NDList representation) {
        this.requirement = requirement;
        this.matrix = matrix;
        this.losses = losses;
        this.representation = representation;
    }

    @Override
    public NDList representation() {
        if (representation == null) {
            throw new IllegalStateException("the rows are gradients of the shared parameters, not of a representation");
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
            throw new IllegalStateException("a weighting that declared GRAMIAN receives only the Gramian");
        }
        return matrix;
    }

    @Override
    public double[][] gramian() {
        if (gramian == null) {
            int k = (int) matrix.getShape().get(0);
            float[] flat = matrix.matMul(matrix.transpose()).toFloatArray();
            gramian = new double[k][k];
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    gramian[i][j] = flat[i * k + j];
                }
            }
        }
        double[][] copy = new double[gramian.length][];
        for (int i = 0; i < gramian.length; i++) {
            copy[i] = gramian[i].clone();
        }
        return copy;
    }

    @Override
    public TaskLosses losses() {
        return losses;
    }

    /** The raw matrix, for the trainer's own use whatever the requirement. */
    NDArray rows() {
        return matrix;
    }
}
