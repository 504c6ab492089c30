package org.openmtl.plugins.weighting;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.testkit.WeightingContract;

class PcGradWeightingContractTest {

    @Nested
    class ParameterGradients extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new PcGradWeightingFactory();
        }
    }

    @Nested
    class RepresentationGradientsAveraged extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new PcGradWeightingFactory();
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("gradients", "representation", "reduction", "mean");
        }
    }
}
