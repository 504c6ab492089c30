package org.openmtl.plugins.weighting;

import java.util.List;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.Weighting;

/** Registers {@link CosmosWeighting} as weighting {@code cosmos} (Ruchte &amp; Grabocka, ICDM 2021). */
public final class CosmosWeightingFactory implements PluginFactory<Weighting> {

    private static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(PluginKind.WEIGHTING, "cosmos")
            .setDescription("Draws a preference p ~ Dirichlet(alpha) per training step for a preference-conditioned"
                    + " network (architecture cosmos) and minimizes sum_i p_i L_i - lambda * cos(p, L).")
            .optCitation("Ruchte & Grabocka, Scalable Pareto Front Approximation for Deep Multi-Objective Learning,"
                    + " ICDM 2021")
            .addKeys(
                    ConfigKey.numbers("alpha", "1.2", "The Dirichlet concentration of the per-step preference: one"
                            + " positive value for every task, or one per task in task order (the authors: 1.2 on"
                            + " MultiMNIST)."),
                    ConfigKey.number("lambda", 2.0, 0.0, null, "The weight of the cosine-similarity term: the"
                            + " objective is sum_i p_i L_i - lambda * cos(p, L) (the authors: 2 on MultiMNIST,"
                            + " 8 on Multi-(Fashion+MNIST)); 0 is linear scalarization at the drawn preference."))
            .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public CosmosWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        String alphaKey = config.qualifiedKey("alpha");
        List<Double> alpha = config.getDoubleList("alpha");
        if (alpha.isEmpty()) {
            throw new PluginConfigException(alphaKey, "is empty; expected a positive concentration, e.g. 1.2");
        }
        for (double a : alpha) {
            if (!(a > 0) || Double.isInfinite(a)) {
                throw new PluginConfigException(alphaKey, "'" + config.getString("alpha") + "' has the value " + a
                        + "; expected positive finite concentrations");
            }
        }
        return new CosmosWeighting(alpha, config.getDouble("lambda"), config.seed(), alphaKey);
    }
}
