package org.openmtl.plugins.architecture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.api.architecture.MultiTaskNetwork;

/**
 * A built {@link MultiTaskBlock} seen as a {@link MultiTaskNetwork}: {@code encode} runs the trunk
 * (or passes the input through when there is none), {@code decode} runs the task's block. The
 * parameter partition is fixed at construction: the trunk's parameters are shared, each task
 * block's belong to its task.
 */
final class TrunkHeadNetwork implements MultiTaskNetwork {

    private final MultiTaskBlock block;
    private final Block trunk;
    private final Map<String, Block> taskBlocks;
    private final List<Parameter> shared;
    private final Map<String, List<Parameter>> perTask;

    private TrunkHeadNetwork(MultiTaskBlock block) {
        this.block = block;
        this.trunk = block.trunk();
        this.taskBlocks = block.taskBlocks();
        this.shared = trunk == null ? List.of() : List.copyOf(trunk.getParameters().values());
        Map<String, List<Parameter>> parameters = new LinkedHashMap<>();
        for (Map.Entry<String, Block> entry : taskBlocks.entrySet()) {
            parameters.put(entry.getKey(), List.copyOf(entry.getValue().getParameters().values()));
        }
        this.perTask = Map.copyOf(parameters);
    }

    /**
     * Initializes every parameter of a block and wraps it: the trunk for the example shape, each
     * task block for the trunk's output shape.
     *
     * @param block the uninitialized root block
     * @param exampleShape one example's shape, without the batch axis
     * @param manager the manager that owns the parameters
     * @return the network
     */
    static TrunkHeadNetwork initialize(
            MultiTaskBlock block, Shape exampleShape, NDManager manager) {
        block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(exampleShape));
        return new TrunkHeadNetwork(block);
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public NDList encode(ParameterStore parameters, NDArray input, boolean training) {
        NDList inputs = new NDList(input);
        return trunk == null ? inputs : trunk.forward(parameters, inputs, training);
    }

    @Override
    public NDArray decode(
            ParameterStore parameters, NDList representation, String task, boolean training) {
        Block taskBlock = taskBlocks.get(task);
        if (taskBlock == null) {
            throw unknownTask(task);
        }
        return taskBlock.forward(parameters, representation, training).singletonOrThrow();
    }

    /**
     * Without a trunk the task blocks are separate single-task networks, each selected at its own
     * best validation epoch.
     */
    @Override
    public boolean separateTaskSelection() {
        return trunk == null;
    }

    @Override
    public List<Parameter> sharedParameters() {
        return shared;
    }

    @Override
    public List<Parameter> taskParameters(String task) {
        List<Parameter> parameters = perTask.get(task);
        if (parameters == null) {
            throw unknownTask(task);
        }
        return parameters;
    }

    private IllegalArgumentException unknownTask(String task) {
        return new IllegalArgumentException(
                "the network has no task '" + task + "'; its tasks are " + taskBlocks.keySet());
    }
}
