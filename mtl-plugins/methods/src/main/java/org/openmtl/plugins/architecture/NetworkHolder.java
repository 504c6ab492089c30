package org.openmtl.plugins.architecture;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * The root block of a network whose forward pass is not a plain chain (columns mixed by units,
 * experts mixed by gates): it holds every sub-block as a named child and every free-standing
 * parameter (mixing units, gates' embeddings) as its own, so that saving, loading and counting see
 * them all. The network runs the children itself in {@code encode} and {@code decode}; this
 * block's own forward is not used. Children are initialized one by one with their input shapes
 * ({@link #initializeChild}), in the order they are added, so a seeded engine gives the same
 * parameters every time.
 */
final class NetworkHolder extends AbstractBlock {

    /**
     * Adds a named child.
     *
     * @param name a name unique in this block (it prefixes the child's parameter names)
     * @param block the child
     * @param <B> the child's type
     * @return the child
     */
    <B extends Block> B child(String name, B block) {
        return addChildBlock(name, block);
    }

    /**
     * Adds and initializes a free-standing parameter.
     *
     * @param name its name
     * @param shape its shape
     * @param initializer its initial values
     * @param manager the manager that owns the parameters
     * @return the parameter
     */
    Parameter parameter(String name, Shape shape, Initializer initializer, NDManager manager) {
        Parameter parameter = addParameter(Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.OTHER)
                .optShape(shape)
                .optInitializer(initializer)
                .build());
        parameter.initialize(manager, DataType.FLOAT32);
        return parameter;
    }

    /**
     * Initializes one child for its input shape.
     *
     * @param block the child
     * @param manager the manager that owns the parameters
     * @param inputShapes its input shapes, batch axis included
     * @return the child's output shapes
     */
    static Shape[] initializeChild(Block block, NDManager manager, Shape... inputShapes) {
        block.initialize(manager, DataType.FLOAT32, inputShapes);
        return block.getOutputShapes(inputShapes);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        throw new IllegalStateException("this block only holds the network's parameters; the network runs through MultiTaskNetwork.encode and decode");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new IllegalStateException("this block only holds the network's parameters; the network runs through MultiTaskNetwork.encode and decode");
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // children are initialized one by one by the network that builds them
    }
}
