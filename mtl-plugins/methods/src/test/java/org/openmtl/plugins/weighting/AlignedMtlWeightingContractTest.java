package org.openmtl.plugins.weighting;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.testkit.WeightingContract;

class AlignedMtlWeightingContractTest {

    @Nested
    class Defaults extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new AlignedMtlWeightingFactory();
        }
    }

    @Nested
    class PresetWeightsAndMedianScale extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new AlignedMtlWeightingFactory();
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("weights", "0.5,1,2", "scale", "median");
        }
    }
}
