package org.openmtl.plugins.architecture;

import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.testkit.ArchitectureContract;

class HardSharingContractTest extends ArchitectureContract {

    @Override
    protected PluginFactory<Architecture> factory() {
        return new HardSharingFactory();
    }

    @Override
    protected boolean supportsImages() {
        return true;
    }
}
