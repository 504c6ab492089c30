package org.openmtl.plugins.architecture;

import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/** Registers {@link Sluice} as architecture {@code sluice} (Ruder et al., AAAI 2019). */
public final class SluiceFactory implements PluginFactory<Architecture> {

    private static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(PluginKind.ARCHITECTURE, "sluice")
            .setDescription("One column per task; each stage's output split into subspaces that a learned alpha mixes"
                    + " across all columns, and a learned beta combining each column's stage outputs for its head.")
            .optCitation("Ruder, Bingel, Augenstein & Søgaard, Latent Multi-task Architecture Learning, AAAI 2019")
            .addKeys(TrunkHeadDesign.configKeys())
            .addKeys(
                    ConfigKey.integer("subspaces", 2, 1, 64,
                            "Subspaces per stage output (its features or channels must be a multiple)."),
                    ConfigKey.number("alpha.self", 0.9, 0.0, 1.0,
                            "Initial weight of each subspace on itself in alpha; the rest is spread evenly."),
                    ConfigKey.number("orthogonality", 0.0, 0.0, null,
                            "Weight of the penalty on the squared Frobenius norm of the products of a column's subspace"
                                    + " activations."))
            .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public SluiceFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Architecture create(PluginConfig config) {
        return new Sluice(TrunkHeadDesign.from(config), config.getInt("subspaces"), config.getDouble("alpha.self"),
                config.getDouble("orthogonality"), config.qualifiedKey("subspaces"));
    }
}
