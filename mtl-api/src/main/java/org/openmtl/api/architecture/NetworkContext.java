package org.openmtl.api.architecture;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.openmtl.api.task.Task;

/**
 * What an architecture needs to build a network.
 *
 * @param tasks the tasks, in order
 * @param exampleShape the shape of one input example, without the batch axis
 * @param manager the long-lived manager that owns the parameters
 * @param seed a seed for structural randomness (parameter initialization follows the engine seed
 *     the trainer sets before building)
 */
public record NetworkContext(List<Task> tasks, Shape exampleShape, NDManager manager, long seed) {

    /** Copies the task list. */
    public NetworkContext {
        tasks = List.copyOf(tasks);
    }
}
