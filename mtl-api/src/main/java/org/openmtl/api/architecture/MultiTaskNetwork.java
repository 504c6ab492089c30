package org.openmtl.api.architecture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A built multi-task network.
 *
 * <p>A forward pass is {@link #encode} once (the shared part, producing the shared representation)
 * and {@link #decode} per task. Architectures without a shared part (independent networks) return
 * their input from {@code encode}; architectures whose sharing is not a single trunk (cross-stitch,
 * mixtures of experts) return in {@code encode} whatever the tasks read. What gradients with
 * respect to that representation say about the shared parameters is declared by the architecture
 * ({@link Architecture#representationGradients()}); weightings on representation gradients run
 * only where it is {@link RepresentationGradients#FAITHFUL}.
 *
 * <p>Parameters are either shared (in {@link #sharedParameters()}) or belong to exactly one task
 * ({@link #taskParameters(String)}); {@link #extraParameters()} holds the rest (gates, policies,
 * routing logits) that the optimizer trains but that gradient methods do not combine.
 */
public interface MultiTaskNetwork {

    /**
     * The root block holding every parameter, for saving, loading and counting.
     *
     * @return the block
     */
    Block block();

    /**
     * Runs the shared part.
     *
     * @param parameters the parameter store of the run
     * @param input the batch input
     * @param training whether this is a training forward (dropout, batch statistics)
     * @return the shared representation
     */
    NDList encode(ParameterStore parameters, NDArray input, boolean training);

    /**
     * Runs one task's part on the shared representation.
     *
     * @param parameters the parameter store of the run
     * @param representation what {@link #encode} returned (or a detached copy of it)
     * @param task the task name
     * @param training whether this is a training forward
     * @return the task's predictions, (batch, outputs)
     */
    NDArray decode(ParameterStore parameters, NDList representation, String task, boolean training);

    /**
     * The parameters every task's loss depends on.
     *
     * @return the shared parameters; empty when nothing is shared
     */
    List<Parameter> sharedParameters();

    /**
     * The parameters only one task's loss depends on.
     *
     * @param task the task name
     * @return that task's parameters
     */
    List<Parameter> taskParameters(String task);

    /**
     * Trainable parameters that are neither shared nor task-specific (routing logits, gates).
     *
     * @return the extra parameters; empty by default
     */
    default List<Parameter> extraParameters() {
        return List.of();
    }

    /**
     * The factor on the run's learning rate for one parameter, for methods whose authors train
     * some parameters faster than the weights (cross-stitch units, branching logits): the optimizer
     * steps this parameter as a PyTorch parameter group with learning rate {@code lr ×} this factor.
     *
     * @param parameter one of the network's parameters
     * @return the factor, positive; 1 by default
     */
    default double learningRateScale(Parameter parameter) {
        return 1.0;
    }

    /**
     * The factor on the run's learning rate for one parameter under a given kind of optimizer: a
     * multiplier chosen by a method's authors under SGD, where it compensates for small gradients,
     * would under Adam enlarge every step by that factor, so a network may ask for another factor
     * when the updater normalizes its steps ({@link
     * org.openmtl.api.optim.ParameterUpdater#normalizesStepSize()}). The trainer calls this one.
     *
     * @param parameter one of the network's parameters
     * @param stepSizeNormalized whether the run's updater normalizes each parameter's step (Adam)
     * @return the factor, positive; {@link #learningRateScale(Parameter)} by default
     */
    default double learningRateScale(Parameter parameter, boolean stepSizeNormalized) {
        return learningRateScale(parameter);
    }

    /**
     * Whether each task's predictions depend on that task's own parameters only ({@link
     * #taskParameters}), as in a set of single-task networks: the trainer then selects every task's
     * model at that task's own best validation epoch, as a single-task baseline is selected, instead
     * of one epoch for all tasks by their mean.
     *
     * @return true for a set of separate single-task networks; false by default
     */
    default boolean separateTaskSelection() {
        return false;
    }

    /**
     * A regularization term the architecture adds to the training objective (e.g. a coupling
     * penalty between task networks); computed once per step after the forward pass.
     *
     * @param parameters the parameter store
     * @return the penalty, or empty when the architecture has none
     */
    default Optional<NDArray> penalty(ParameterStore parameters) {
        return Optional.empty();
    }

    /**
     * Called after the optimizer has updated every parameter in a training step, for work that is
     * not an optimizer step: the proximal gradient step of a non-smooth penalty on {@link
     * #selfUpdatedParameters()} (e.g. group sparsity), a projection back onto a constraint set.
     * Parameters changed here must be changed in place.
     *
     * @param learningRate the optimizer's learning rate of the update just applied
     */
    default void afterUpdate(double learningRate) {}

    /**
     * Parameters the network updates itself in {@link #afterUpdate} from their gradients, which
     * the optimizer leaves alone: a proximal gradient step (a plain gradient step of the network's
     * own step size, then the proximal operator of a non-smooth penalty) is a proximal method only
     * when the gradient step is plain SGD. Their gradients are still in place when {@code
     * afterUpdate} runs; the trainer zeroes them after it.
     *
     * @return the self-updated parameters; empty by default
     */
    default List<Parameter> selfUpdatedParameters() {
        return List.of();
    }

    /**
     * The phases this network trains in, covering {@code epochs} epochs in total. A plain network
     * has one phase that trains everything.
     *
     * @param epochs the run's epoch budget
     * @return the phases, in order; their epochs add up to {@code epochs}
     */
    default List<TrainingPhase> phases(int epochs) {
        return List.of(TrainingPhase.all("train", epochs));
    }

    /**
     * Called when a phase starts. The network may change its structure here (add branches,
     * freeze a policy); it returns true when its set of parameters changed, so the trainer
     * rebuilds the optimizer's state for the new parameters.
     *
     * @param phase the phase starting
     * @param context access to the data and parameters
     * @return true when the parameters changed
     */
    default boolean onPhaseStart(TrainingPhase phase, PhaseContext context) {
        return false;
    }

    /**
     * Called after each training epoch, e.g. to anneal a temperature or widen a layer.
     *
     * @param context access to the data and parameters
     * @return true when the parameters changed
     */
    default boolean onEpochEnd(PhaseContext context) {
        return false;
    }

    /**
     * Called when a run resumes from a checkpoint, before the checkpoint's parameters are loaded,
     * with the {@link #structure()} the network reported at the end of the last completed epoch. A
     * network that changes its structure during training rebuilds that structure here (the same
     * parameter names, so the saved values load into them) and restores whatever else its later
     * phases depend on; a phase start that already happened before the checkpoint must then not
     * change the structure again.
     *
     * @param structure the saved structure, as read back from JSON (numbers as doubles, lists and
     *     maps)
     * @param context access to the data and parameters
     * @return true when the parameters changed
     */
    default boolean restoreStructure(Map<String, Object> structure, PhaseContext context) {
        return false;
    }

    /**
     * The sharing structure the network has now (which tasks share which layer, a policy matrix),
     * written into {@code result.json} under {@code structure}.
     *
     * @return a JSON-able map; empty for fixed architectures
     */
    default Map<String, Object> structure() {
        return Map.of();
    }
}
