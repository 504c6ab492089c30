package org.openmtl.plugins.weak;

import java.util.Locale;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginConfigException;

/** The keys shared by the label models built on {@link MetalLabelModel}, and their parsing. */
final class MetalSettingsKeys {

    static final String CITATION = "Ratner, Hancock, Dunnmon, Sala, Pandey & Ré, Training Complex Models"
            + " with Multi-Task Weak Supervision, AAAI 2019";

    static final ConfigKey[] KEYS = {
        ConfigKey.choice("form", "auto",
                "inverse: the paper's algorithm (complete the inverse of the sources' overlap matrix,"
                        + " then fit mu to its low-rank part); direct: fit the overlap matrix's"
                        + " off-block entries; auto: inverse with a dependency graph, direct without"
                        + " (the authors' code).",
                "auto", "inverse", "direct"),
        ConfigKey.number("initial.accuracy", 0.7, 0.0, 1.0,
                "The accuracy every source starts from; above chance, it selects the solution where"
                        + " sources are better than random."),
        ConfigKey.integer("max.iterations", 2000, 1, 1_000_000,
                "L-BFGS iterations per optimisation, at most."),
        ConfigKey.number("tolerance", 1e-10, 0.0, 1.0,
                "An optimisation stops when its gradient's largest entry is at most this."),
    };

    private MetalSettingsKeys() {}

    static MetalLabelModel.Settings settings(PluginConfig config) {
        double a0 = config.getDouble("initial.accuracy");
        if (a0 <= 0 || a0 >= 1) {
            throw new PluginConfigException(config.qualifiedKey("initial.accuracy"),
                    "must be strictly between 0 and 1, got " + a0);
        }
        return new MetalLabelModel.Settings(
                MetalLabelModel.Form.valueOf(config.getString("form").toUpperCase(Locale.ROOT)),
                a0,
                config.getInt("max.iterations"),
                config.getDouble("tolerance"),
                config.seed());
    }
}
