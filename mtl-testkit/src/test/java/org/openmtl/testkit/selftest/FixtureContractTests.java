package org.openmtl.testkit.selftest;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.testkit.WeightingContract;

/**
 * Runs the weighting contract on the kit's own fixtures, so its gradient-weighting and
 * learned-parameter checks are exercised before any gradient method exists, and the memory-safety
 * check passes a weighting whose scalars are engine-made.
 */
class FixtureContractTests {

    private abstract static class Fixture extends WeightingContract {
        @Override
        protected boolean registeredAsService() {
            return false;
        }
    }

    @Nested
    class MeanGradientWeights extends Fixture {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new MeanGradientWeightingFactory();
        }
    }

    @Nested
    class MeanGradientDirection extends Fixture {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new MeanGradientWeightingFactory();
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("output", "direction", "requirement", "representation");
        }
    }

    @Nested
    class LearnedScale extends Fixture {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new LearnedScaleWeightingFactory();
        }
    }

    @Nested
    class ScaledLoss extends Fixture {
        @Override
        protected PluginFactory<Weighting> factory() {
            return new ScaledLossWeightingFactory();
        }
    }
}
