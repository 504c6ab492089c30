package org.openmtl.plugins.weighting;

import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.testkit.WeightingContract;

class ImtlLossWeightingContractTest extends WeightingContract {

    @Override
    protected PluginFactory<Weighting> factory() {
        return new ImtlWeightingFactory();
    }

    /** IMTL-L: the learned loss scales. */
    @Override
    protected java.util.Map<String, String> config() {
        return java.util.Map.of("variant", "l");
    }
}
