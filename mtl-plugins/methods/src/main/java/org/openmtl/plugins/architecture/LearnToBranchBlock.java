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
 * The root block of a {@link LearnToBranch} network: it holds the tree's nodes, the task heads and
 * the branching logits, so that saving, loading and counting see them, and, unlike {@link
 * NetworkHolder}, it can let go of children and parameters: when the tree is fixed, the nodes no
 * task passes through and the logits leave the network. The network runs the children itself; this
 * block's own forward is not used.
 */
final class LearnToBranchBlock extends AbstractBlock {

    /**
     * Adds a named child.
     *
     * @param name a name unique in this block
     * @param block the child
     * @return the child's key in {@link #getChildren()} (DJL numbers children: {@code 05name}), which
     *     prefixes its parameters' names
     */
    String add(String name, Block block) {
        addChildBlock(name, block);
        return children.keys().get(children.size() - 1);
    }

    /**
     * Removes a child and with it its parameters.
     *
     * @param key the key {@link #add} returned
     * @throws IllegalArgumentException if there is no such child
     */
    void remove(String key) {
        if (children.remove(key) == null) {
            throw new IllegalArgumentException("no child " + key + " in " + children.keys());
        }
    }

    /**
     * Adds and initializes a free-standing parameter.
     *
     * @param name its name, unique in this block
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
     * Removes a free-standing parameter (its array stays open; the parameters' manager owns it).
     *
     * @param parameter the parameter
     * @throws IllegalArgumentException if it is not one of this block's own parameters
     */
    void removeParameter(Parameter parameter) {
        if (parameters.remove(parameter.getName()) != parameter) {
            throw new IllegalArgumentException("parameter " + parameter.getName() + " is not held here");
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        throw new IllegalStateException("this block only holds the network's parameters; the network runs through"
                + " MultiTaskNetwork.encode and decode");
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        throw new IllegalStateException("this block only holds the network's parameters; the network runs through"
                + " MultiTaskNetwork.encode and decode");
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // children are initialized one by one by the network that builds them
    }
}
