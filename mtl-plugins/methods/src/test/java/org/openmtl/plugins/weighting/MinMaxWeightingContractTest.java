package org.openmtl.plugins.weighting;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.testkit.WeightingContract;

class MinMaxWeightingContractTest {

    @Nested
    class Hard extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new MinMaxWeightingFactory();
        }
    }

    @Nested
    class Smooth extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new MinMaxWeightingFactory();
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("mode", "smooth", "temperature", "0.5");
        }
    }
}
