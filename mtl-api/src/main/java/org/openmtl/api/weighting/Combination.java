package org.openmtl.api.weighting;

import ai.djl.ndarray.NDArray;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of combining per-task gradients: either task weights w (the update direction is Σ
 * w_i g_i, formed by the trainer) or an explicit direction with the shape of {@link
 * TaskGradients#matrix()}'s rows.
 */
public final class Combination {

    private final double[] weights;
    private final NDArray direction;
    private final NDArray parameterObjective;

    private Combination(double[] weights, NDArray direction, NDArray parameterObjective) {
        this.weights = weights;
        this.direction = direction;
        this.parameterObjective = parameterObjective;
    }

    /**
     * A combination given by task weights.
     *
     * @param weights one weight per task, in task order
     * @return the combination
     */
    public static Combination weights(double... weights) {
        return new Combination(weights.clone(), null, null);
    }

    /**
     * A combination given by a direction of the weighting's own (e.g. projected gradients).
     *
     * @param direction a (D) vector
     * @return the combination
     */
    public static Combination direction(NDArray direction) {
        return new Combination(null, Objects.requireNonNull(direction, "direction"), null);
    }

    /**
     * Whether this combination is given by task weights.
     *
     * @return true for weights, false for a direction
     */
    public boolean hasWeights() {
        return weights != null;
    }

    /**
     * The task weights.
     *
     * @return a copy of the weights
     * @throws IllegalStateException if this combination is a direction
     */
    public double[] taskWeights() {
        if (weights == null) {
            throw new IllegalStateException("this combination is a direction, not weights");
        }
        return weights.clone();
    }

    /**
     * The direction.
     *
     * @return the direction
     * @throws IllegalStateException if this combination is given by weights
     */
    public NDArray direction() {
        if (direction == null) {
            throw new IllegalStateException("this combination is given by weights");
        }
        return direction;
    }

    /**
     * This combination with a scalar the trainer back-propagates once, for the gradients of the
     * weighting's own {@link Weighting#parameters()} (e.g. GradNorm's weights, trained by the run's
     * optimizer); it must not depend on the network.
     *
     * @param objective a scalar in the step's manager
     * @return a new combination
     */
    public Combination withParameterObjective(NDArray objective) {
        return new Combination(weights, direction, Objects.requireNonNull(objective, "objective"));
    }

    /**
     * The scalar to back-propagate for the weighting's own parameters, if any.
     *
     * @return the objective, or empty
     */
    public Optional<NDArray> parameterObjective() {
        return Optional.ofNullable(parameterObjective);
    }
}
