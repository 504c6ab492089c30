package org.openmtl.plugins.architecture;

import java.util.Locale;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/** Registers {@link Cosmos} as architecture {@code cosmos} (Ruchte &amp; Grabocka, ICDM 2021). */
public final class CosmosFactory implements PluginFactory<Architecture> {

    private static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(PluginKind.ARCHITECTURE, "cosmos")
            .setDescription("One hard-sharing network conditioned on a preference vector over the tasks, given with the"
                    + " input, so that it covers the Pareto front; trained with weighting cosmos and evaluated after"
                    + " training at every preference of its front.")
            .optCitation("Ruchte & Grabocka, Scalable Pareto Front Approximation for Deep Multi-Objective Learning,"
                    + " ICDM 2021")
            .addKeys(TrunkHeadDesign.configKeys())
            .addKeys(
                    ConfigKey.choice("conditioning", "input", "How the preference p enters an image input: input (the"
                            + " authors': K extra channels upsampled from p by two learned transposed convolutions) or"
                            + " constant (channel i is the constant p_i). Feature vectors get p appended either way.",
                            "input", "constant"),
                    ConfigKey.string("front", "simplex:10", "The preferences the trained network is evaluated at, one"
                            + " front point each: simplex:<divisions> (every vector of multiples of 1/divisions summing"
                            + " to 1 over the run's tasks), simplex:<tasks>:<divisions> (the same, the task count"
                            + " checked), or vectors separated by ; such as 0.9,0.1;0.5,0.5;0.1,0.9 (one non-negative"
                            + " weight per task, not all 0, normalized to sum 1)."),
                    ConfigKey.integer("front.train.examples", 0, 0, Integer.MAX_VALUE, "The final training loss of each front point"
                            + " is measured on at most this many training examples (the first ones); 0 for all."))
            .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public CosmosFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Architecture create(PluginConfig config) {
        return new Cosmos(TrunkHeadDesign.from(config),
                Cosmos.Conditioning.valueOf(config.getString("conditioning").toUpperCase(Locale.ROOT)),
                FrontPreferences.parse(config.qualifiedKey("front"), config.getString("front")),
                config.getInt("front.train.examples"));
    }
}
