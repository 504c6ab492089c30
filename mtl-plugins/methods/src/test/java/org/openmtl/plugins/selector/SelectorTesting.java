package org.openmtl.plugins.selector;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.openmtl.api.selector.SelectorContext;

/** Training sets for selector tests. */
final class SelectorTesting {

    private SelectorTesting() {}

    /**
     * Per-task data: task t labels a contiguous block of sizes[t] examples, so every example is
     * labelled for exactly one task, followed by {@code unlabelled} examples labelled for none.
     */
    static SelectorContext perTaskData(int batchSize, int unlabelled, int... sizes) {
        Map<String, int[]> labelled = new LinkedHashMap<>();
        List<String> tasks = IntStream.range(0, sizes.length).mapToObj(t -> "task" + t).toList();
        int start = 0;
        for (int t = 0; t < sizes.length; t++) {
            labelled.put(tasks.get(t), IntStream.range(start, start + sizes[t]).toArray());
            start += sizes[t];
        }
        return new SelectorContext(tasks, start + unlabelled, labelled, batchSize);
    }
}
