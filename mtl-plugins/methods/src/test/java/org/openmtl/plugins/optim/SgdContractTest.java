package org.openmtl.plugins.optim;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.openmtl.api.optim.Optimizer;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.testkit.OptimizerContract;

class SgdContractTest {

    @Nested
    class WithMomentum extends OptimizerContract {
        @Override
        protected PluginFactory<Optimizer> factory() {
            return new SgdFactory();
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("schedule", "step", "step.epochs", "1", "weight.decay", "0.01");
        }
    }

    @Nested
    class WithoutMomentum extends OptimizerContract {
        @Override
        protected PluginFactory<Optimizer> factory() {
            return new SgdFactory();
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("momentum", "0");
        }
    }
}
