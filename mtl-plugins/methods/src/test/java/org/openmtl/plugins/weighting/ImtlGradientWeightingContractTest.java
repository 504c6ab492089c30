package org.openmtl.plugins.weighting;

import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.testkit.WeightingContract;

class ImtlGradientWeightingContractTest extends WeightingContract {

    @Override
    protected PluginFactory<Weighting> factory() {
        return new ImtlWeightingFactory();
    }

    /** IMTL-G alone, on the raw losses. */
    @Override
    protected java.util.Map<String, String> config() {
        return java.util.Map.of("variant", "g");
    }
}
