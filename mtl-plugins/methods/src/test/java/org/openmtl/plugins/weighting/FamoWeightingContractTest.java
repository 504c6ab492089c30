package org.openmtl.plugins.weighting;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.testkit.WeightingContract;

class FamoWeightingContractTest {

    @Nested
    class Adam extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new FamoWeightingFactory();
        }
    }

    @Nested
    class Sgd extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new FamoWeightingFactory();
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("update", "sgd", "lr", "0.1", "gamma", "0.01");
        }
    }
}
