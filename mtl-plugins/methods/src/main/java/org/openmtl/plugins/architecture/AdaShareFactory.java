package org.openmtl.plugins.architecture;

import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginConfigException;
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
                    ConfigKey.integer("blocks", 4, 1, 64, "Residual blocks in the chain after the trunk's stem (the mlp"
                            + " trunk for vectors, lenet's convolutions for images)."),
                    ConfigKey.integer("width", 32, 1, 1 << 16, "Hidden width of each block's residual branch: units"
                            + " of its first linear layer (vectors) or channels of its first 3x3 convolution (images)."),
                    ConfigKey.number("tau", 5.0, 1e-3, null, "Initial Gumbel-softmax temperature."),
                    ConfigKey.number("tau.decay", 0.965, 0.0, 1.0, "Temperature factor after each policy epoch."),
                    ConfigKey.number("tau.min", 0.1, 1e-3, null, "The temperature is not decayed below this."),
                    ConfigKey.integer("curriculum", 1, 0, 1 << 16, "Policy epochs per additional searched block: the"
                            + " first policy epoch searches only the last block, every this many policy epochs one"
                            + " more (the blocks before are executed by every task); 0 searches all blocks at once."),
                    ConfigKey.number("sparsity", 0.001, 0.0, null, "lambda_sparsity of the sum of log select"
                            + " probabilities over the searched blocks (favours skipping)."),
                    ConfigKey.number("sharing", 0.01, 0.0, null, "lambda_sharing of the task pairs' differences of"
                            + " select probabilities, block k of K weighted (K - k)/K."),
                    ConfigKey.number("warmup", 0.2, 0.0, 1.0, "Fraction of the epochs for warming up the shared"
                            + " weights with every block executed."),
                    ConfigKey.number("retrain", 0.3, 0.0, 1.0, "Fraction of the epochs for re-training with the policy"
                            + " fixed; the rest is the search (warmup + retrain must leave room for it)."),
                    ConfigKey.number("policy.scale", 10.0, 1e-3, 1e6, "The policy logits are stored divided by this,"
                            + " so that with Adam-like optimizers their learning rate is this times the run's (the"
                            + " paper's policy learning rate is 10 times the weights')."),
                    ConfigKey.choice("final.policy", "sample", "The policy kept for re-training: sample (one draw of"
                            + " each decision from its select probability, as the reference does with soft sampling)"
                            + " or argmax (the likelier decision).", "sample", "argmax"),
                    ConfigKey.choice("sampling", "soft", "How the search's training forward uses the policy: soft"
                            + " (x + s*f(x) with s the relaxed Gumbel-softmax sample, as the reference) or hard (the"
                            + " straight-through one-hot sample; weight epochs draw hard decisions).", "soft", "hard"),
                    ConfigKey.choice("retrain.from", "scratch", "The weights re-training starts from: scratch (the"
                            + " initial weights, with a fresh optimizer state, as the paper and the reference) or"
                            + " search (the searched weights, continued).", "scratch", "search"),
                    ConfigKey.choice("search.data", "split", "The data of the search: split (weight epochs train on"
                            + " the training examples of even index, policy epochs on those of odd index, as the"
                            + " reference splits its training set in two) or shared (both on all of it).",
                            "split", "shared"))
            .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public AdaShareFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Architecture create(PluginConfig config) {
        double warmup = config.getDouble("warmup");
        double retrain = config.getDouble("retrain");
        if (warmup + retrain > 1.0) {
            throw new PluginConfigException(config.qualifiedKey("retrain"), "is " + retrain + " and "
                    + config.qualifiedKey("warmup") + " is " + warmup + ": together more than all the epochs;"
                    + " expected warmup + retrain <= 1 (the rest of the epochs is the policy search)");
        }
        double tau = config.getDouble("tau");
        double tauMin = config.getDouble("tau.min");
        if (tauMin > tau) {
            throw new PluginConfigException(config.qualifiedKey("tau.min"), "is " + tauMin + ", above the initial"
                    + " temperature " + config.qualifiedKey("tau") + " = " + tau + "; expected tau.min <= tau");
        }
        return new AdaShare(TrunkHeadDesign.from(config), new AdaShare.Settings(config.getInt("blocks"),
                config.getInt("width"), tau, config.getDouble("tau.decay"), tauMin, config.getInt("curriculum"),
                config.getDouble("sparsity"), config.getDouble("sharing"), warmup, retrain,
                config.getDouble("policy.scale"), config.getString("final.policy").equals("sample"),
                config.getString("sampling").equals("soft"), config.getString("retrain.from").equals("scratch"),
                config.getString("search.data").equals("split")));
    }
}
