package org.openmtl.plugins.data.synthetic;

import java.util.Map;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.testkit.PluginContract;

/** The checks every plugin passes, for {@code synthetic}. */
class SyntheticTasksFactoryContractTest extends PluginContract<DatasetProvider> {

    @Override
    protected PluginFactory<DatasetProvider> factory() {
        return new SyntheticTasksFactory();
    }

    @Override
    protected PluginKind kind() {
        return PluginKind.DATASET;
    }

    @Override
    protected Map<String, String> config() {
        return Map.of("tasks", "6", "groups", "3", "kind", "classification", "classes", "3");
    }
}
