package org.openmtl.api.selector;

import java.util.List;
import java.util.Map;

/**
 * The training data a selector plans over.
 *
 * @param tasks the task names, in order
 * @param trainSize the number of training examples
 * @param labelled per task, the training examples labelled for it (ascending)
 * @param batchSize the configured batch size
 */
public record SelectorContext(
        List<String> tasks, int trainSize, Map<String, int[]> labelled, int batchSize) {

    /** Copies the collections. */
    public SelectorContext {
        tasks = List.copyOf(tasks);
        labelled = Map.copyOf(labelled);
    }
}
