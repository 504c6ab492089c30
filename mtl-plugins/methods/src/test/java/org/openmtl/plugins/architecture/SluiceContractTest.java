package org.openmtl.plugins.architecture;

import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.testkit.ArchitectureContract;

class SluiceContractTest extends ArchitectureContract {

    @Override
    protected PluginFactory<Architecture> factory() {
        return new SluiceFactory();
    }

    @Override
    protected boolean supportsImages() {
        return true;
    }
}
