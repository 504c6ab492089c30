package org.openmtl.plugins.selector;

import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Nested;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.selector.SelectorContext;
import org.openmtl.api.selector.TaskSelector;
import org.openmtl.testkit.SelectorContract;

class UniformTaskSelectorContractTest {

    private abstract static class Uniform extends SelectorContract {
        @Override
        protected PluginFactory<TaskSelector> factory() {
            return new UniformTaskSelectorFactory();
        }

        /** ceil(sum of the tasks' labelled examples / batch size). */
        @Override
        protected OptionalInt expectedStepsPerEpoch(SelectorContext context) {
            int total = context.labelled().values().stream().mapToInt(l -> l.length).sum();
            return OptionalInt.of((total + context.batchSize() - 1) / context.batchSize());
        }
    }

    @Nested
    class OneTaskPerStep extends Uniform {}

    @Nested
    class TwoTasksPerStep extends Uniform {
        @Override
        protected Map<String, String> config() {
            return Map.of("tasks.per.step", "2");
        }
    }
}
