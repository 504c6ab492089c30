package org.openmtl.plugins.weighting;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.testkit.WeightingContract;

class RandomLossWeightingContractTest {

    @Nested
    class Normal extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new RandomLossWeightingFactory();
        }
    }

    @Nested
    class Uniform extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new RandomLossWeightingFactory();
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("distribution", "uniform", "scaled", "true");
        }
    }

    @Nested
    class Dirichlet extends WeightingContract {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new RandomLossWeightingFactory();
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("distribution", "dirichlet");
        }
    }
}
