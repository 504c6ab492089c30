package org.example.mtl;

import java.util.OptionalInt;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.selector.SelectorContext;
import org.openmtl.api.selector.TaskSelector;
import org.openmtl.testkit.SelectorContract;

/** The kit's contract for task selectors. */
class BlockwiseSelectorContractTest extends SelectorContract {

    @Override
    protected PluginFactory<TaskSelector> factory() {
        return new BlockwiseSelectorFactory();
    }

    /** One pass over every task's examples, ceil(n_t / batch) steps per task. */
    @Override
    protected OptionalInt expectedStepsPerEpoch(SelectorContext context) {
        int steps = 0;
        for (int[] labelled : context.labelled().values()) {
            steps += (labelled.length + context.batchSize() - 1) / context.batchSize();
        }
        return OptionalInt.of(steps);
    }
}
