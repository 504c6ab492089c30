package org.openmtl.plugins.data.mnist;

import java.util.Map;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.testkit.PluginContract;

/** The checks every plugin passes, for {@code multimnist-many}. */
class MultiMnistManyFactoryContractTest extends PluginContract<DatasetProvider> {

    @Override
    protected PluginFactory<DatasetProvider> factory() {
        return new MultiMnistManyFactory();
    }

    @Override
    protected PluginKind kind() {
        return PluginKind.DATASET;
    }

    @Override
    protected Map<String, String> config() {
        return Map.of("validation.fraction", "0.2");
    }
}
