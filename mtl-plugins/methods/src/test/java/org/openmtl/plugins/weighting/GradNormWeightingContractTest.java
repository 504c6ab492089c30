package org.openmtl.plugins.weighting;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.testkit.WeightingContract;

class GradNormWeightingContractTest {

    @Nested
    class Representation extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new GradNormWeightingFactory();
        }
    }

    @Nested
    class Parameters extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new GradNormWeightingFactory();
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("gradients", "parameters", "alpha", "0.5", "update.every", "4");
        }
    }
}
