package org.openmtl.plugins.architecture;

import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/** Registers {@link AdaShare} as architecture {@code adashare} (Sun et al., NeurIPS 2020). */
public final class AdaShareFactory implements PluginFactory<Architecture> {

    private static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(PluginKind.ARCHITECTURE, "adashare")
            .setDescription("A shared chain of residual blocks; each task learns per block whether to execute or skip"
                    + " it (Gumbel-softmax policy with curriculum, sparsity and sharing penalties), then re-trains with"
                    + " the policy fixed.")
            .optCitation("Sun, Panda, Feris & Saenko, AdaShare: Learning What To Share For Efficient Deep Multi-Task"
                    + " Learning, NeurIPS 2020")
            .addKeys(TrunkHeadDesign.configKeys())
            .addKeys(
                    ConfigKey.integer("blocks", 4, 1, 64, "Residual blocks in the chain."),
                    ConfigKey.integer("width", 64, 1, 1 << 16, "Width of the stem's projection and of every block."),
                    ConfigKey.number("tau", 5.0, 1e-3, null, "Initial Gumbel-softmax temperature."),
                    ConfigKey.number("tau.decay", 0.965, 0.0, 1.0, "Temperature factor per search epoch (floor 0.1)."),
                    ConfigKey.number("sparsity", 0.001, 0.0, null, "lambda_sparsity of the sum of log select probabilities."),
                    ConfigKey.number("sharing", 0.01, 0.0, null, "lambda_sharing of the depth-weighted policy differences"
                            + " between tasks."),
                    ConfigKey.number("warmup", 0.2, 0.0, 1.0, "Fraction of the epochs for warming up the shared weights."),
                    ConfigKey.number("retrain", 0.3, 0.0, 1.0, "Fraction of the epochs for re-training with the policy"
                            + " fixed; the rest is the search."),
                    ConfigKey.choice("final.policy", "argmax", "The policy kept for re-training: argmax (the more likely"
                            + " decision) or sample (one draw).", "argmax", "sample"))
            .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public AdaShareFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Architecture create(PluginConfig config) {
        return new AdaShare(TrunkHeadDesign.from(config), new AdaShare.Settings(config.getInt("blocks"),
                config.getInt("width"), config.getDouble("tau"), config.getDouble("tau.decay"),
                config.getDouble("sparsity"), config.getDouble("sharing"), config.getDouble("warmup"),
                config.getDouble("retrain"), config.getString("final.policy").equals("sample")));
    }
}
