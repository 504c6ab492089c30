package org.openmtl.plugins.weighting;

import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.Weighting;

/**
 * Registers {@link GradVacWeighting} as weighting {@code gradvac} (Wang, Tsvetkov, Firat &amp; Cao,
 * <i>Gradient Vaccine: Investigating and Improving Multi-task Optimization in Massively
 * Multilingual Models</i>, ICLR 2021).
 */
public final class GradVacWeightingFactory implements PluginFactory<Weighting> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, "gradvac")
                    .setDescription(
                            "GradVac: each task's shared-parameter gradient is moved toward every"
                                    + " other task's until their cosine reaches its moving-average"
                                    + " target; the results are summed.")
                    .optCitation(
                            "Wang, Tsvetkov, Firat & Cao, Gradient Vaccine: Investigating and"
                                    + " Improving Multi-task Optimization in Massively Multilingual"
                                    + " Models, ICLR 2021")
                    .addKeys(
                            GradientWeighting.UPDATE_EVERY,
                            ConfigKey.number(
                                    "beta",
                                    0.01,
                                    0.0,
                                    1.0,
                                    "Rate of the exponential moving average of each pair's cosine"
                                            + " that sets its target (0 keeps every target at 0,"
                                            + " which is PCGrad). 0.01 is the paper's value;"
                                            + " LibMTL's default is 0.5, which follows the"
                                            + " observed cosines much faster."))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public GradVacWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new GradVacWeighting(
                config.getInt(GradientWeighting.UPDATE_EVERY.name()),
                config.getDouble("beta"),
                config.seed());
    }
}
