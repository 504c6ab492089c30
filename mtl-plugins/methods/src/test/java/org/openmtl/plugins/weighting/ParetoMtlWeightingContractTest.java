package org.openmtl.plugins.weighting;

import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.testkit.WeightingContract;

class ParetoMtlWeightingContractTest extends WeightingContract {

    @Override
    protected PluginFactory<Weighting> factory() {
        return new ParetoMtlWeightingFactory();
    }
}
