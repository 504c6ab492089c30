package org.openmtl.plugins.selector;

import java.util.OptionalInt;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.selector.SelectorContext;
import org.openmtl.api.selector.TaskSelector;
import org.openmtl.testkit.SelectorContract;

class RoundRobinTaskSelectorContractTest extends SelectorContract {

    @Override
    protected PluginFactory<TaskSelector> factory() {
        return new RoundRobinTaskSelectorFactory();
    }

    /** ceil(sum of the tasks' labelled examples / batch size). */
    @Override
    protected OptionalInt expectedStepsPerEpoch(SelectorContext context) {
        int total = context.labelled().values().stream().mapToInt(l -> l.length).sum();
        return OptionalInt.of((total + context.batchSize() - 1) / context.batchSize());
    }
}
