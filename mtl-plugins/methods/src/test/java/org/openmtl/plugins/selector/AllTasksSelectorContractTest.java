package org.openmtl.plugins.selector;

import java.util.OptionalInt;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.selector.SelectorContext;
import org.openmtl.api.selector.TaskSelector;
import org.openmtl.testkit.SelectorContract;

class AllTasksSelectorContractTest extends SelectorContract {

    @Override
    protected PluginFactory<TaskSelector> factory() {
        return new AllTasksSelectorFactory();
    }

    @Override
    protected OptionalInt expectedExamplesPerEpoch(SelectorContext context) {
        return OptionalInt.of(labelledForAny(context).size());
    }
}
