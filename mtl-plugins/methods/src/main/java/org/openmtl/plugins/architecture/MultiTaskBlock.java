package org.openmtl.plugins.architecture;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The root block of a trunk-and-heads network: an optional shared trunk and one block per task,
 * each a named child (the trunk as {@code trunk}, task blocks by task name), so that the root holds
 * every parameter for saving, loading and counting. Its own forward runs the trunk once and every
 * task block on the trunk's output, returning the task outputs in task order.
 *
 * <p>DJL's {@code ParallelBlock} would name the task blocks by class; this block names them by task
 * so a saved model and its parameter names read as the tasks.
 */
final class MultiTaskBlock extends AbstractBlock {

    private final Block trunk;
    private final Map<String, Block> taskBlocks;

    /**
     * Creates the block.
     *
     * @param trunk the shared trunk, or null when every task block reads the input itself
     * @param taskBlocks one block per task, in task order
     */
    MultiTaskBlock(Block trunk, Map<String, Block> taskBlocks) {
        this.trunk = trunk;
        if (trunk != null) {
            addChildBlock("trunk", trunk);
        }
        Map<String, Block> blocks = new LinkedHashMap<>();
        for (Map.Entry<String, Block> entry : taskBlocks.entrySet()) {
            blocks.put(entry.getKey(), addChildBlock(entry.getKey(), entry.getValue()));
        }
        this.taskBlocks = Collections.unmodifiableMap(blocks);
    }

    /**
     * The shared trunk.
     *
     * @return the trunk, or null when nothing is shared
     */
    Block trunk() {
        return trunk;
    }

    /**
     * The task blocks by task name, in task order.
     *
     * @return the task blocks
     */
    Map<String, Block> taskBlocks() {
        return taskBlocks;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDList representation =
                trunk == null ? inputs : trunk.forward(parameterStore, inputs, training, params);
        NDList outputs = new NDList(taskBlocks.size());
        for (Block block : taskBlocks.values()) {
            outputs.add(
                    block.forward(parameterStore, representation, training, params)
                            .singletonOrThrow());
        }
        return outputs;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] representation = trunk == null ? inputShapes : trunk.getOutputShapes(inputShapes);
        List<Shape> outputs = new ArrayList<>(taskBlocks.size());
        for (Block block : taskBlocks.values()) {
            outputs.add(block.getOutputShapes(representation)[0]);
        }
        return outputs.toArray(new Shape[0]);
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] representation = inputShapes;
        if (trunk != null) {
            trunk.initialize(manager, dataType, inputShapes);
            representation = trunk.getOutputShapes(inputShapes);
        }
        for (Block block : taskBlocks.values()) {
            block.initialize(manager, dataType, representation);
        }
    }
}
