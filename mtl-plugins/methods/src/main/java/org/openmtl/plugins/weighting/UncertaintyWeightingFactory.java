package org.openmtl.plugins.weighting;

import java.util.Locale;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.api.weighting.Weighting;

/**
 * Registers {@link UncertaintyWeighting} as weighting {@code uncertainty} (Kendall, Gal &amp;
 * Cipolla, <i>Multi-Task Learning Using Uncertainty to Weigh Losses for Scene Geometry and
 * Semantics</i>, CVPR 2018).
 */
public final class UncertaintyWeightingFactory implements PluginFactory<Weighting> {

    /** The plugin's stable name. */
    public static final String NAME = "uncertainty";

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.WEIGHTING, NAME)
                    .setDescription(
                            "Learned per-task log-variances s_i weigh the losses: sum exp(-s_i) L_i"
                                    + " + s_i (homoscedastic uncertainty).")
                    .optCitation(
                            "Kendall, Gal & Cipolla, Multi-Task Learning Using Uncertainty to Weigh"
                                    + " Losses for Scene Geometry and Semantics, CVPR 2018")
                    .addKeys(
                            ConfigKey.choice(
                                    "form",
                                    "simple",
                                    "simple: exp(-s_i) L_i + s_i for every task; auto: the paper's"
                                            + " forms by task type, 0.5 exp(-s_i) L_i + 0.5 s_i for"
                                            + " a regression task and exp(-s_i) L_i + 0.5 s_i for a"
                                            + " classification task; s_i = log sigma_i^2.",
                                    "simple",
                                    "auto"),
                            ConfigKey.number(
                                    "init",
                                    0.0,
                                    -20.0,
                                    20.0,
                                    "Initial log-variance s_i of every task (0: every weight starts"
                                            + " at exp(0) = 1)."))
                    .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public UncertaintyWeightingFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Weighting create(PluginConfig config) {
        UncertaintyWeighting.Form form =
                UncertaintyWeighting.Form.valueOf(
                        config.getString("form").toUpperCase(Locale.ROOT));
        return new UncertaintyWeighting(form, config.getDouble("init"));
    }
}
