package org.openmtl.plugins.data.fashion;

import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.plugins.data.mnist.MnistFormatCollection;
import org.openmtl.plugins.data.mnist.MultiMnist;
import org.openmtl.plugins.data.mnist.MultiMnistFactory;

/**
 * Registers the {@code multifashion} dataset: MultiFashion of Lin, Zhen, Li, Zhang &amp; Kwong,
 * "Pareto Multi-Task Learning", NeurIPS 2019, two Fashion-MNIST items per image, one at the top
 * left and one at the bottom right, composed exactly as MultiMNIST ({@link MultiMnist}, whose
 * class documentation gives the geometry, splits and seeding): tasks {@code left} and {@code
 * right}, the 10-way class of each item.
 *
 * <p>Inputs are normalized with Fashion-MNIST's own pixel statistics, {@code (x / 255 - 0.2860) /
 * 0.3530} (mean and standard deviation over its 60,000 training images), as MultiMNIST uses
 * MNIST's. Reads {@code <data.dir>/fashion-mnist/} ({@link FashionMnistSource}, fetched with
 * {@code ./mtl data fetch fashion-mnist}).
 *
 * <p>Keys, under {@code dataset.multifashion.}:
 *
 * <ul>
 *   <li>{@code validation.fraction} (number in [0, 0.5], default 0.1): the fraction of
 *       Fashion-MNIST's training file held out, from its end, as the validation split.
 * </ul>
 */
public final class MultiFashionFactory implements PluginFactory<DatasetProvider> {

    /** The dataset's name in configs. */
    public static final String NAME = "multifashion";

    /** The paper that introduced MultiFashion and Multi-(Fashion+MNIST). */
    public static final String CITATION =
            "Lin, Zhen, Li, Zhang & Kwong, \"Pareto Multi-Task Learning\", NeurIPS 2019";

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.DATASET, NAME)
                    .setDescription(
                            "MultiFashion: two Fashion-MNIST items per 28x28 image, composed as"
                                    + " MultiMNIST, tasks 'left' (top-left item) and 'right'"
                                    + " (bottom-right item), 10 classes each")
                    .optCitation(CITATION)
                    .addKeys(
                            MultiMnistFactory.validationFractionKey(
                                    "Fashion-MNIST's training file"))
                    .build();

    /** Creates the factory (ServiceLoader). */
    public MultiFashionFactory() {}

    /**
     * MultiFashion as a MultiMNIST-style composition.
     *
     * @return Fashion-MNIST on both sides, normalized with Fashion-MNIST's statistics
     */
    public static MultiMnist.Variant variant() {
        MnistFormatCollection fashion = FashionMnistSource.collection();
        return new MultiMnist.Variant(
                NAME,
                CITATION,
                fashion,
                fashion,
                FashionMnistSource.MEAN,
                FashionMnistSource.STD,
                "Fashion-MNIST's training images");
    }

    @Override
    public PluginDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public DatasetProvider create(PluginConfig config) {
        return new MultiMnist(variant(), config.getDouble(MultiMnistFactory.VALIDATION_FRACTION));
    }
}
