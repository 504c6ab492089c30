package org.openmtl.plugins.weighting;

import java.util.Map;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.testkit.WeightingContract;

/** EPO with a preference that leaves one task out, as a simplex grid's boundary vectors do. */
class EpoPreferenceContractTest extends WeightingContract {

    @Override
    protected PluginFactory<Weighting> factory() {
        return new EpoWeightingFactory();
    }

    @Override
    protected Map<String, String> config() {
        return Map.of("preference", "0.5,0,0.5");
    }
}
