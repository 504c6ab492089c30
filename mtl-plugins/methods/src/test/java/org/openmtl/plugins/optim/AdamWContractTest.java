package org.openmtl.plugins.optim;

import java.util.Map;
import org.openmtl.api.optim.Optimizer;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.testkit.OptimizerContract;

class AdamWContractTest extends OptimizerContract {

    @Override
    protected PluginFactory<Optimizer> factory() {
        return new AdamWFactory();
    }

    /** A schedule that changes every step, so resuming must restore the global step exactly. */
    @Override
    protected Map<String, String> config() {
        return Map.of("schedule", "cosine", "warmup.steps", "3", "lr", "0.01");
    }
}
