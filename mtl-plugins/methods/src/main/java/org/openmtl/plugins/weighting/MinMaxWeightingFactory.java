package org.openmtl.plugins.weighting;

import java.util.Locale;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.Weighting;

/**
 * Registers {@link MinMaxWeighting} as weighting {@code minmax} (Mehta, Lee &amp; Gray, <i>Minimax
 * Multi-Task Learning and a Generalized Loss-Compositional Paradigm for MTL</i>, NeurIPS 2012).
 */
public final class MinMaxWeightingFactory implements PluginFactory<Weighting> {

    /** The plugin's stable name. */
    public static final String NAME = "minmax";

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, NAME)
                    .setDescription(
                            "Minimizes the worst task loss: max_i L_i, or its smooth log-sum-exp"
                                    + " T log sum exp(L_i/T).")
                    .optCitation(
                            "Mehta, Lee & Gray, Minimax Multi-Task Learning and a Generalized"
                                    + " Loss-Compositional Paradigm for MTL, NeurIPS 2012")
                    .addKeys(
                            ConfigKey.choice(
                                    "mode",
                                    "hard",
                                    "hard: the objective is max_i L_i (only the worst task"
                                            + " trains); smooth: T log sum_i exp(L_i/T).",
                                    "hard",
                                    "smooth"),
                            ConfigKey.number(
                                    "temperature",
                                    1.0,
                                    1e-6,
                                    null,
                                    "Temperature T of mode smooth: smaller T is closer to the"
                                            + " maximum (within T log K); ignored in mode hard."))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public MinMaxWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        return new MinMaxWeighting(
                MinMaxWeighting.Mode.valueOf(config.getString("mode").toUpperCase(Locale.ROOT)),
                config.getDouble("temperature"));
    }
}
