package org.openmtl.plugins.weighting;

import java.util.Map;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.testkit.WeightingContract;

/** Pareto MTL on representation gradients, aimed at a preference rather than the default. */
class ParetoMtlRepresentationContractTest extends WeightingContract {

    @Override
    protected PluginFactory<Weighting> factory() {
        return new ParetoMtlWeightingFactory();
    }

    @Override
    protected Map<String, String> config() {
        return Map.of("gradients", "representation", "references", "4", "init.epochs", "1");
    }
}
