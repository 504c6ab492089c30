package org.openmtl.plugins.weighting;

import java.util.Locale;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.Weighting;

/**
 * Registers {@link UpgradWeighting} as weighting {@code upgrad} (Quinton &amp; Rey, <i>Jacobian
 * Descent for Multi-Objective Optimization</i>, arXiv:2406.16232, 2024).
 */
public final class UpgradWeightingFactory implements PluginFactory<Weighting> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, "upgrad")
                    .setDescription(
                            "Projects each task gradient onto the dual cone of all of them (no"
                                    + " conflict with any task) and averages the projections.")
                    .optCitation(
                            "Quinton & Rey, Jacobian Descent for Multi-Objective Optimization,"
                                    + " arXiv:2406.16232, 2024")
                    .addKeys(
                            GradientWeighting.UPDATE_EVERY,
                            ConfigKey.choice(
                                    "reduction",
                                    "mean",
                                    "How the projected gradients are combined: mean (the paper's"
                                            + " UPGrad) or sum.",
                                    "mean",
                                    "sum"),
                            ConfigKey.number(
                                    "ridge",
                                    1e-4,
                                    0.0,
                                    1.0,
                                    "Ridge added to the trace-normalized Gramian, G/tr(G) +"
                                            + " ridge*I, so every projection problem has one"
                                            + " solution (torchjd's reg_eps); 0 solves the exact"
                                            + " problems."))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public UpgradWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new UpgradWeighting(
                config.getInt(GradientWeighting.UPDATE_EVERY.name()),
                UpgradWeighting.Reduction.valueOf(
                        config.getString("reduction").toUpperCase(Locale.ROOT)),
                config.getDouble("ridge"));
    }
}
