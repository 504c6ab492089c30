package org.openmtl.plugins.weak;

import java.util.Map;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.testkit.PluginContract;

/** The checks every plugin passes, for {@code mnist-weak}. */
class MnistWeakFactoryContractTest extends PluginContract<DatasetProvider> {

    @Override
    protected PluginFactory<DatasetProvider> factory() {
        return new MnistWeakFactory();
    }

    @Override
    protected PluginKind kind() {
        return PluginKind.DATASET;
    }

    @Override
    protected Map<String, String> config() {
        return Map.of("validation.fraction", "0.2", "copy.rate", "0");
    }
}
