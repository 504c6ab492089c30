package org.openmtl.plugins.optim;

import org.openmtl.api.optim.Optimizer;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.testkit.OptimizerContract;

class AdamContractTest extends OptimizerContract {

    @Override
    protected PluginFactory<Optimizer> factory() {
        return new AdamFactory();
    }
}
