package org.openmtl.plugins.data.fashion;

import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.plugins.data.mnist.MnistSource;
import org.openmtl.plugins.data.mnist.MultiMnist;
import org.openmtl.plugins.data.mnist.MultiMnistFactory;

/**
 * Registers the {@code multifashion-mnist} dataset: Multi-(Fashion+MNIST) of Lin, Zhen, Li, Zhang
 * &amp; Kwong, "Pareto Multi-Task Learning", NeurIPS 2019, an MNIST digit at the top left and a
 * Fashion-MNIST item at the bottom right of each image, composed as MultiMNIST ({@link
 * MultiMnist}, whose class documentation gives the geometry, splits and seeding): task {@code
 * left} is the digit's class, task {@code right} the item's, 10 classes each.
 *
 * <p>Example i of a split has digit i of MNIST's pool for that split at the top left and an item
 * drawn uniformly from Fashion-MNIST's pool for the same split at the bottom right (training pools
 * from the start of each training file, validation pools from their ends, test pools from the
 * t10k files).
 *
 * <p>Inputs are normalized as {@code (x / 255 - 0.2084) / 0.3403}: the pixel mean and standard
 * deviation over MNIST's and Fashion-MNIST's 60,000 training images each, pooled (each composed
 * image holds one image of each). Reads {@code <data.dir>/mnist/} and {@code
 * <data.dir>/fashion-mnist/} (fetched with {@code ./mtl data fetch mnist} and {@code ./mtl data
 * fetch fashion-mnist}).
 *
 * <p>Keys, under {@code dataset.multifashion-mnist.}:
 *
 * <ul>
 *   <li>{@code validation.fraction} (number in [0, 0.5], default 0.1): the fraction of each
 *       training file (MNIST's and Fashion-MNIST's) held out, from its end, as the validation
 *       split.
 * </ul>
 */
public final class MultiFashionMnistFactory implements PluginFactory<DatasetProvider> {

    /** The dataset's name in configs. */
    public static final String NAME = "multifashion-mnist";

    /** The pixel mean (of x / 255) over MNIST's and Fashion-MNIST's training images, pooled. */
    public static final double MEAN = 0.2084;

    /** The pixel standard deviation (of x / 255) over both training sets, pooled. */
    public static final double STD = 0.3403;

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.DATASET, NAME)
                    .setDescription(
                            "Multi-(Fashion+MNIST): an MNIST digit at the top left and a"
                                    + " Fashion-MNIST item at the bottom right of each 28x28 image,"
                                    + " composed as MultiMNIST, tasks 'left' (the digit) and"
                                    + " 'right' (the item), 10 classes each")
                    .optCitation(MultiFashionFactory.CITATION)
                    .addKeys(
                            MultiMnistFactory.validationFractionKey(
                                    "each training file (MNIST's and Fashion-MNIST's)"))
                    .build();

    /** Creates the factory (ServiceLoader). */
    public MultiFashionMnistFactory() {}

    /**
     * Multi-(Fashion+MNIST) as a MultiMNIST-style composition.
     *
     * @return MNIST on the left, Fashion-MNIST on the right, normalized with their pooled
     *     statistics
     */
    public static MultiMnist.Variant variant() {
        return new MultiMnist.Variant(
                NAME,
                MultiFashionFactory.CITATION,
                MnistSource.collection(),
                FashionMnistSource.collection(),
                MEAN,
                STD,
                "MNIST's and Fashion-MNIST's training images, pooled");
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
