package org.openmtl.plugins.weighting;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.testkit.WeightingContract;

class MgdaUbWeightingContractTest {

    @Nested
    class Defaults extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new MgdaUbWeightingFactory();
        }
    }

    @Nested
    class LossPlus extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new MgdaUbWeightingFactory();
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("normalization", "loss+");
        }
    }
}
