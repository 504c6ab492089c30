package org.openmtl.plugins.architecture;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.task.Task;

/**
 * Independent task networks (one column of trunk stages and a head per task, nothing shared) that
 * an architecture couples otherwise than by sharing: by a penalty ({@link SoftL2}) or by a
 * proximal step ({@link GroupSparse}). {@code encode} returns the input; every parameter is its
 * task's.
 */
abstract class ColumnNetwork implements MultiTaskNetwork {

    private final NetworkHolder holder = new NetworkHolder();
    private final List<String> tasks;
    private final Map<String, List<Block>> stages = new LinkedHashMap<>();
    private final Map<String, Block> heads = new LinkedHashMap<>();
    private NDManager stepManager;

    /**
     * Builds and initializes one column per task.
     *
     * @param design the layers
     * @param context the tasks, example shape and manager
     */
    ColumnNetwork(TrunkHeadDesign design, NetworkContext context) {
        this.tasks = context.tasks().stream().map(Task::name).toList();
        NDManager manager = context.manager();
        for (Task task : context.tasks()) {
            Shape shape = new Shape(1).addAll(context.exampleShape());
            List<Block> column = design.trunkStages(context.exampleShape());
            for (int j = 0; j < column.size(); j++) {
                holder.child(task.name() + "_stage" + (j + 1), column.get(j));
                shape = NetworkHolder.initializeChild(column.get(j), manager, shape)[0];
            }
            stages.put(task.name(), column);
            Block head = holder.child(task.name() + "_head", design.head(context.exampleShape(), task.outputs()));
            NetworkHolder.initializeChild(head, manager, shape);
            heads.put(task.name(), head);
        }
    }

    /**
     * The tasks, in order.
     *
     * @return the task names
     */
    final List<String> tasks() {
        return tasks;
    }

    /**
     * A task's trunk stages.
     *
     * @param task the task
     * @return its stages, in order
     */
    final List<Block> stages(String task) {
        return stages.get(task);
    }

    /**
     * A task's head.
     *
     * @param task the task
     * @return the head
     */
    final Block head(String task) {
        return heads.get(task);
    }

    @Override
    public final Block block() {
        return holder;
    }

    @Override
    public final NDList encode(ParameterStore parameters, NDArray input, boolean training) {
        stepManager = input.getManager();
        return new NDList(input);
    }

    /**
     * The manager of the step in progress (the last encoded input's), for arrays a penalty makes.
     *
     * @return the manager
     * @throws IllegalStateException before the first forward pass
     */
    final NDManager stepManager() {
        if (stepManager == null) {
            throw new IllegalStateException("the network has not run a forward pass yet");
        }
        return stepManager;
    }

    @Override
    public final NDArray decode(ParameterStore parameters, NDList representation, String task, boolean training) {
        List<Block> column = stages.get(task);
        if (column == null) {
            throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
        }
        NDArray x = representation.singletonOrThrow();
        for (Block stage : column) {
            x = stage.forward(parameters, new NDList(x), training).singletonOrThrow();
        }
        return heads.get(task).forward(parameters, new NDList(x), training).singletonOrThrow();
    }

    @Override
    public final List<Parameter> sharedParameters() {
        return List.of();
    }

    @Override
    public final List<Parameter> taskParameters(String task) {
        List<Block> column = stages.get(task);
        if (column == null) {
            throw new IllegalArgumentException("the network has no task '" + task + "'; its tasks are " + tasks);
        }
        List<Parameter> own = new ArrayList<>();
        column.forEach(s -> own.addAll(s.getParameters().values()));
        own.addAll(heads.get(task).getParameters().values());
        return own;
    }
}
