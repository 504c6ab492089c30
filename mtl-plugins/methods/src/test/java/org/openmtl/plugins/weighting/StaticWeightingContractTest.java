package org.openmtl.plugins.weighting;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.testkit.WeightingContract;

class StaticWeightingContractTest {

    @Nested
    class Explicit extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new StaticWeightingFactory();
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("weights", "0.5,1,2");
        }
    }

    @Nested
    class Proportional extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new StaticWeightingFactory();
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("mode", "proportional");
        }
    }
}
