package org.openmtl.plugins.optim;

import org.openmtl.api.optim.Optimizer;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/**
 * Registers {@link AdamOptimizer} with L2 weight decay as optimizer {@code adam} (Kingma &amp; Ba
 * 2015).
 */
public final class AdamFactory implements PluginFactory<Optimizer> {

    private static final String NAME = "adam";

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.OPTIMIZER, NAME)
                    .setDescription("Adam with bias-corrected moments and L2 weight decay.")
                    .optCitation(
                            "Kingma & Ba, Adam: A Method for Stochastic Optimization, ICLR 2015")
                    .addKeys(
                            AdamOptimizer.configKeys(
                                    0.0,
                                    "L2 penalty factor added to the gradient as weight.decay*w"
                                            + " (it then passes through the moments)."))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public AdamFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Optimizer create(PluginConfig config) {
        return AdamOptimizer.from(NAME, config, false);
    }
}
