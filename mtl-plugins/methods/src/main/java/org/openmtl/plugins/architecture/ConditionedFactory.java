package org.openmtl.plugins.architecture;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/** Registers {@link Conditioned} as architecture {@code conditioned} (task conditioning). */
public final class ConditionedFactory implements PluginFactory<Architecture> {

    private static final PluginDescriptor DESCRIPTOR = PluginDescriptor.builder(PluginKind.ARCHITECTURE, "conditioned")
            .setDescription("One network for all tasks conditioned on the task descriptor z (one-hot or task features)"
                    + " by concatenation, a summed embedding or a multiplicative gate at chosen trunk stages; only the"
                    + " output layer is per task.")
            .optCitation("Caruana, Multitask Learning, Machine Learning 28(1), 1997 (task inputs); Perez, Strub, de"
                    + " Vries, Dumoulin & Courville, FiLM: Visual Reasoning with a General Conditioning Layer, AAAI 2018"
                    + " (gating)")
            .addKeys(TrunkHeadDesign.configKeys())
            .addKeys(
                    ConfigKey.choice("mode", "concat", "How z enters a conditioned stage's first layer: concat ([x;z]),"
                            + " sum (+ E z on its output) or gate (output times sigmoid(G z + c)).", "concat", "sum", "gate"),
                    ConfigKey.choice("descriptor", "onehot", "z: onehot (the task's index) or features (the task"
                            + " descriptor's feature vector from the dataset).", "onehot", "features"),
                    ConfigKey.numbers("layers", "1", "The trunk stages (1-based) whose first layer is conditioned:"
                            + " lenet 1 conv, 2 conv, 3 fc; mlp one per hidden layer."),
                    ConfigKey.number("gate.bias", 2.0, null, null,
                            "mode gate: the initial c, so the gate starts at sigmoid(c) for every task."))
            .build();

    /** Creates the factory (called by {@link java.util.ServiceLoader}). */
    public ConditionedFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public Architecture create(PluginConfig config) {
        List<Integer> layers = new ArrayList<>();
        for (double l : config.getDoubleList("layers")) {
            if (l != Math.rint(l) || l < 1) {
                throw new PluginConfigException(config.qualifiedKey("layers"),
                        "'" + config.getString("layers") + "' is not a list of stage numbers from 1");
            }
            if (!layers.contains((int) l)) {
                layers.add((int) l);
            }
        }
        if (layers.isEmpty()) {
            throw new PluginConfigException(config.qualifiedKey("layers"), "is empty; expected at least one stage, e.g. 1");
        }
        return new Conditioned(TrunkHeadDesign.from(config),
                Conditioned.Mode.valueOf(config.getString("mode").toUpperCase(Locale.ROOT)),
                config.getString("descriptor").equals("features"), layers, config.getDouble("gate.bias"),
                config.qualifiedKey("layers"), config.qualifiedKey("descriptor"));
    }
}
