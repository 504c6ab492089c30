package org.openmtl.plugins.weighting;

import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.Weighting;

/**
 * Registers {@link EqualWeighting} as weighting {@code equal} (Caruana 1997; Kurin et al. 2022).
 */
public final class EqualWeightingFactory implements PluginFactory<Weighting> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, "equal")
                    .setDescription("The plain sum of the task losses (every weight 1).")
                    .optCitation(
                            "Caruana, Multitask Learning, Machine Learning 28(1), 1997; Kurin et"
                                + " al., In Defense of the Unitary Scalarization for Deep"
                                + " Multi-Task Learning, NeurIPS 2022")
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public EqualWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new EqualWeighting();
    }
}
