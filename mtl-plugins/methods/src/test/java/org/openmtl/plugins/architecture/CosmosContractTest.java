package org.openmtl.plugins.architecture;

import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.testkit.ArchitectureContract;

class CosmosContractTest {

    @Nested
    class LearnedUpsampling extends ArchitectureContract {
        @Override
        protected PluginFactory<Architecture> factory() {
            return new CosmosFactory();
        }

        @Override
        protected boolean supportsImages() {
            return true;
        }
    }

    @Nested
    class ConstantChannels extends ArchitectureContract {
        @Override
        protected PluginFactory<Architecture> factory() {
            return new CosmosFactory();
        }

        @Override
        protected boolean supportsImages() {
            return true;
        }

        @Override
        protected Map<String, String> config() {
            return Map.of("conditioning", "constant");
        }
    }
}
