package org.openmtl.plugins.data.csv;

import java.util.Map;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.testkit.PluginContract;

/** The checks every plugin passes, for {@code csv}. */
class CsvDatasetFactoryContractTest extends PluginContract<DatasetProvider> {

    @Override
    protected PluginFactory<DatasetProvider> factory() {
        return new CsvDatasetFactory();
    }

    @Override
    protected PluginKind kind() {
        return PluginKind.DATASET;
    }

    @Override
    protected Map<String, String> config() {
        return Map.of("file", "table.csv", "labels", "y:classification,z:regression", "split.column", "split");
    }
}
