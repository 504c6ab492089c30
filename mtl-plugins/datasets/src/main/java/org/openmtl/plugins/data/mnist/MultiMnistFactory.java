package org.openmtl.plugins.data.mnist;

import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/**
 * Registers the {@code multimnist} dataset ({@link MultiMnist}).
 *
 * <p>Keys, under {@code dataset.multimnist.}:
 *
 * <ul>
 *   <li>{@code validation.fraction} (number in [0, 0.5], default 0.1): the fraction of MNIST's
 *       training file held out, from its end, as the validation split.
 * </ul>
 */
public final class MultiMnistFactory implements PluginFactory<DatasetProvider> {

    /** The validation hold-out key. */
    public static final String VALIDATION_FRACTION = "validation.fraction";

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.DATASET, MultiMnist.NAME)
                    .setDescription(
                            "MultiMNIST: two MNIST digits per 28x28 image, tasks 'left' (top-left"
                                    + " digit) and 'right' (bottom-right digit), 10 classes each")
                    .optCitation(MultiMnist.CITATION)
                    .addKeys(validationFractionKey("MNIST's training file"))
                    .build();

    /** Creates the factory (ServiceLoader). */
    public MultiMnistFactory() {}

    /**
     * The {@code validation.fraction} key, which every MultiMNIST-style dataset declares the same
     * way: a number in [0, 0.5], default 0.1.
     *
     * @param trainingFiles the files held out from, for the description, e.g. {@code MNIST's
     *     training file}
     * @return the key
     */
    public static ConfigKey validationFractionKey(String trainingFiles) {
        return ConfigKey.number(
                VALIDATION_FRACTION,
                0.1,
                0.0,
                0.5,
                "Fraction of "
                        + trainingFiles
                        + " held out (from its end) as the validation split.");
    }

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public DatasetProvider create(PluginConfig config) {
        return new MultiMnist(config.getDouble(VALIDATION_FRACTION));
    }
}
