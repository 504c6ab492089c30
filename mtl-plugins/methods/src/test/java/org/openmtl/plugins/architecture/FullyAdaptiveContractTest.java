package org.openmtl.plugins.architecture;

import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.testkit.ArchitectureContract;

class FullyAdaptiveContractTest extends ArchitectureContract {

    @Override
    protected PluginFactory<Architecture> factory() {
        return new FullyAdaptiveFactory();
    }

    @Override
    protected boolean supportsImages() {
        return true;
    }
}
