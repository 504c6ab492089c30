package org.openmtl.plugins.architecture;

import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.testkit.ArchitectureContract;

class LearnToBranchContractTest extends ArchitectureContract {

    @Override
    protected PluginFactory<Architecture> factory() {
        return new LearnToBranchFactory();
    }

    @Override
    protected boolean supportsImages() {
        return true;
    }
}
