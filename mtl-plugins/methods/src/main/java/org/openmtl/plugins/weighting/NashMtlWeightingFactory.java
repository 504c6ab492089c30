package org.openmtl.plugins.weighting;

import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.Weighting;

/**
 * Registers {@link NashMtlWeighting} as weighting {@code nash-mtl} (Navon, Shamsian, Achituve,
 * Maron, Kawaguchi, Chechik &amp; Fetaya, <i>Multi-Task Learning as a Bargaining Game</i>, ICML
 * 2022).
 */
public final class NashMtlWeightingFactory implements PluginFactory<Weighting> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, "nash-mtl")
                    .setDescription(
                            "Nash bargaining between the tasks: weights alpha > 0 solving"
                                    + " G alpha = 1/alpha on the Gramian of the task gradients.")
                    .optCitation(
                            "Navon, Shamsian, Achituve, Maron, Kawaguchi, Chechik & Fetaya,"
                                    + " Multi-Task Learning as a Bargaining Game, ICML 2022"
                                    + " (PMLR 162)")
                    .addKeys(
                            GradientWeighting.UPDATE_EVERY,
                            ConfigKey.integer(
                                    "max.iterations",
                                    20,
                                    1,
                                    10_000,
                                    "Most Newton steps of the bargaining solver per update; it"
                                            + " stops earlier once converged (under 10 steps"
                                            + " typically, about 17 for nearly collinear"
                                            + " gradients)."),
                            ConfigKey.number(
                                    "ridge",
                                    1e-6,
                                    0.0,
                                    1.0,
                                    "Relative ridge: the weights solve (G + ridge*diag(G)) alpha"
                                            + " = 1/alpha, which stays bounded when gradients are"
                                            + " linearly dependent (e.g. exactly opposed)."),
                            ConfigKey.number(
                                    "max.norm",
                                    1.0,
                                    0.0,
                                    null,
                                    "Clip the shared parameters' gradient to this norm after"
                                            + " the combination, every step, as the authors' code"
                                            + " (max_norm = 1); at the solution the combined"
                                            + " gradient has norm sqrt(K), so it is always"
                                            + " active. 0: no clipping (a variant)."),
                            GradientWeighting.headsKey("weighted"))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public NashMtlWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new NashMtlWeighting(
                config.getInt(GradientWeighting.UPDATE_EVERY.name()),
                config.getInt("max.iterations"),
                config.getDouble("ridge"),
                config.getDouble("max.norm"),
                config.getString("heads").equals("weighted"));
    }
}
