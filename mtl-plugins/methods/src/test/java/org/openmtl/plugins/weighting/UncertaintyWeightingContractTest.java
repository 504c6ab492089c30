package org.openmtl.plugins.weighting;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.testkit.WeightingContract;

class UncertaintyWeightingContractTest {

    @Nested
    class Simple extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new UncertaintyWeightingFactory();
        }
    }

    @Nested
    class Auto extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new UncertaintyWeightingFactory();
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("form", "auto", "init", "0.5");
        }
    }
}
