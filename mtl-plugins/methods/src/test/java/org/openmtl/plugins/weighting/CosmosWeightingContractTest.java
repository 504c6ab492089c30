package org.openmtl.plugins.weighting;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.testkit.WeightingContract;

class CosmosWeightingContractTest {

    @Nested
    class Defaults extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new CosmosWeightingFactory();
        }
    }

    @Nested
    class SmallConcentration extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new CosmosWeightingFactory();
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("alpha", "0.3", "lambda", "8");
        }
    }
}
