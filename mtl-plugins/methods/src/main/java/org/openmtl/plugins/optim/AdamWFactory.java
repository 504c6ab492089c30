package org.openmtl.plugins.optim;

import org.openmtl.api.optim.Optimizer;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/**
 * Registers {@link AdamOptimizer} with decoupled weight decay as optimizer {@code adamw}
 * (Loshchilov &amp; Hutter 2019).
 */
public final class AdamWFactory implements PluginFactory<Optimizer> {

    private static final String NAME = "adamw";

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.OPTIMIZER, NAME)
                    .setDescription("Adam with decoupled weight decay.")
                    .optCitation(
                            "Loshchilov & Hutter, Decoupled Weight Decay Regularization, ICLR 2019")
                    .addKeys(
                            AdamOptimizer.configKeys(
                                    0.01,
                                    "Decoupled decay: each step shrinks the weights by"
                                            + " lr*weight.decay*w, outside the moments."))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public AdamWFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Optimizer create(PluginConfig config) {
        return AdamOptimizer.from(NAME, config, true);
    }
}
