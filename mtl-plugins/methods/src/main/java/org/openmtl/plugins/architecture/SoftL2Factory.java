package org.openmtl.plugins.architecture;

import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/** Registers {@link SoftL2} as architecture {@code soft-l2} (Evgeniou &amp; Pontil, KDD 2004). */
public final class SoftL2Factory implements PluginFactory<Architecture> {

    private static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(PluginKind.ARCHITECTURE, "soft-l2")
            .setDescription("Independent task networks coupled by the penalty lambda.mean*|mean|^2 +"
                    + " lambda.spread/T * sum_t |a_t - mean|^2 over corresponding parameters (soft sharing).")
            .optCitation("Evgeniou & Pontil, Regularized Multi-Task Learning, KDD 2004")
            .addKeys(TrunkHeadDesign.configKeys())
            .addKeys(
                    ConfigKey.number("lambda.mean", 0.0, 0.0, null,
                            "Weight of the squared norm of the tasks' mean parameters."),
                    ConfigKey.number("lambda.spread", 0.01, 0.0, null,
                            "Weight of the parameters' spread around their mean, divided by the number of tasks."),
                    ConfigKey.choice("coupled", "trunk",
                            "Which layers are coupled: trunk, or all (trunk and the heads' layers of equal shape).",
                            "trunk", "all"))
            .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public SoftL2Factory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Architecture create(PluginConfig config) {
        return new SoftL2(TrunkHeadDesign.from(config), config.getDouble("lambda.mean"),
                config.getDouble("lambda.spread"), config.getString("coupled").equals("all"));
    }
}
