package org.openmtl.plugins.weak;

import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/**
 * Registers the {@code mnist-weak} dataset ({@link MnistWeak}).
 *
 * <p>Keys, under {@code dataset.mnist-weak.}, with their defaults:
 *
 * <ul>
 *   <li>{@code validation.fraction} = 0.1: the fraction of MNIST's training file held out, from its
 *       end, as the (gold-labelled) validation split;
 *   <li>{@code copy.rate} = 0.5: how often source {@code coarse-copy} repeats {@code coarse-b}'s
 *       output (the declared dependent pair); 0 makes them independent.
 * </ul>
 */
public final class MnistWeakFactory implements PluginFactory<DatasetProvider> {

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.DATASET, MnistWeak.NAME)
                    .setDescription("MNIST with planted weak supervision: tasks 'coarse' (digit >= 5) and 'fine'"
                            + " (the digit), the fine subsumed by the coarse; the training split carries the votes of"
                            + " seven planted sources of known coverage and accuracy, one pair dependent")
                    .optCitation(MetalSettingsKeys.CITATION)
                    .addKeys(
                            ConfigKey.number("validation.fraction", 0.1, 0.0, 0.5,
                                    "Fraction of MNIST's training file held out (from its end) as the"
                                            + " gold-labelled validation split."),
                            ConfigKey.number("copy.rate", 0.5, 0.0, 1.0,
                                    "How often source coarse-copy repeats source coarse-b's output (abstentions"
                                            + " included), the dependent pair the dataset declares."))
                    .build();

    /** Creates the factory (ServiceLoader). */
    public MnistWeakFactory() {}

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public DatasetProvider create(PluginConfig config) {
        return new MnistWeak(config.getDouble("validation.fraction"), config.getDouble("copy.rate"));
    }
}
