package org.openmtl.api.weighting;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.openmtl.api.plugin.ConfigKey;

/**
 * A weighting that combines per-task gradients. Its {@link #requirement()} is one of
 * REPRESENTATION, PARAMETERS or GRAMIAN. The shared parameters receive the combination; the
 * task-specific parameters (heads) receive, on every step alike, either their own tasks' gradients
 * unweighted or scaled by the task weights, as {@link #weightsHeads()} says.
 */
public interface GradientWeighting extends Weighting {

    /**
     * The key every gradient weighting declares ({@code weighting.<name>.update.every}): combine
     * gradients every N steps only; in between, the trainer computes no per-task gradient and takes
     * one backward of Σ w_i L_i with the last weights.
     */
    ConfigKey UPDATE_EVERY = ConfigKey.integer("update.every", 1, 1, 1_000_000,
            "Combine per-task gradients every N steps; in between, reuse the last task weights (no per-task gradients).");

    /**
     * The key of how heads are updated ({@code weighting.<name>.heads}), with the default its
     * authors use: {@code weighted}, each task's gradient on the task-specific parameters scaled by
     * its weight, as a backward pass of Σ w_i L_i gives them; {@code unweighted}, each task's own
     * gradient, as when only the shared parameters' gradients are replaced by the combination.
     *
     * @param defaultValue {@code weighted} or {@code unweighted}
     * @return the key
     */
    static ConfigKey headsKey(String defaultValue) {
        return ConfigKey.choice("heads", defaultValue,
                "weighted: the task-specific parameters get each task's gradient times its weight"
                        + " (a backward of sum w_i L_i); unweighted: each task's own gradient."
                        + " The same on update and reuse steps.",
                "weighted", "unweighted");
    }

    /**
     * Whether the task-specific parameters get each task's gradient scaled by its weight (true) or
     * unscaled (false), on update steps and on the steps that reuse the last weights alike. A
     * combination given as a direction leaves them unscaled whatever this says.
     *
     * @return false by default
     */
    default boolean weightsHeads() {
        return false;
    }

    /**
     * A bound on the norm of the shared parameters' gradient, applied by the trainer after the
     * combination (and after the backward of Σ w_i L_i on reuse steps), as
     * {@code clip_grad_norm_} over the shared parameters: the gradient is scaled by
     * max/‖g‖ when its norm ‖g‖ exceeds max.
     *
     * @return the bound, or 0 for none (the default)
     */
    default double sharedGradientMaxNorm() {
        return 0;
    }

    /**
     * How often this weighting combines per-task gradients (see {@link #UPDATE_EVERY}). Between
     * updates the trainer reuses {@link #lastWeights()}; a weighting whose combinations are
     * directions rather than weights should return 1.
     *
     * @return N ≥ 1
     */
    default int updateEvery() {
        return 1;
    }

    /**
     * Combines the per-task gradients of this step.
     *
     * @param gradients the gradients (or only their Gramian) and the losses
     * @param step the step's position and manager
     * @return task weights, or a direction of the weighting's own
     */
    Combination combine(TaskGradients gradients, StepContext step);

    /**
     * The per-task objectives whose gradients this weighting combines, made from the step's
     * losses: the losses themselves by default. A weighting that learns a transformation of each
     * loss (IMTL's loss scales, e^{s_t}·L_t − s_t) returns it here. The trainer then
     * differentiates these objectives in place of the losses: the rows (or the Gramian) passed to
     * {@link #combine} are their gradients, each task's own parameters receive its objective's
     * gradient, the weighting's {@link #parameters()} receive Σ_t ∂objective_t/∂θ, and between
     * updates the trainer takes Σ_t w_t·objective_t. The losses recorded in the history stay the
     * raw ones.
     *
     * @param losses the step's losses
     * @param step the step's position and manager
     * @return one scalar with gradient history per task, in the losses' order
     */
    default List<NDArray> taskObjectives(TaskLosses losses, StepContext step) {
        List<NDArray> objectives = new ArrayList<>(losses.tasks().size());
        for (int i = 0; i < losses.tasks().size(); i++) {
            objectives.add(losses.get(i));
        }
        return objectives;
    }
}
