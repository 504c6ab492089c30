package org.openmtl.plugins.data.fashion;

import java.util.List;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;
import org.openmtl.plugins.data.mnist.MultiMnist;
import org.openmtl.plugins.data.mnist.MultiMnistFactory;
import org.openmtl.plugins.data.mnist.PairTask;

/**
 * Registers the {@code multifashion-mnist-many} dataset: Multi-(Fashion+MNIST) (Lin et al.,
 * NeurIPS 2019, an MNIST digit at the top left and a Fashion-MNIST item at the bottom right,
 * composed as {@link MultiMnist} describes) with six tasks, three from the digit and three from
 * the item ({@link #TASKS}). The examples are those of {@code multifashion-mnist} byte for byte for
 * the same seed, {@code validation.fraction} and {@code dataset.train.limit}: task {@code digit}
 * is {@code multifashion-mnist}'s {@code left}, {@code garment} its {@code right}. The four coarser
 * tasks, and the grouping of the ten Fashion-MNIST classes, are this project's, for studies of many
 * tasks in two families (task grouping, transfer between tasks). Select a subset with the {@code
 * tasks} key.
 *
 * <p>Fashion-MNIST's classes (Xiao, Rasul &amp; Vollgraf, 2017): 0 T-shirt/top, 1 trouser, 2
 * pullover, 3 dress, 4 coat, 5 sandal, 6 shirt, 7 sneaker, 8 bag, 9 ankle boot.
 *
 * <p>Keys, under {@code dataset.multifashion-mnist-many.}:
 *
 * <ul>
 *   <li>{@code validation.fraction} (number in [0, 0.5], default 0.1): the fraction of each
 *       training file (MNIST's and Fashion-MNIST's) held out, from its end, as the validation
 *       split.
 * </ul>
 */
public final class MultiFashionMnistManyFactory implements PluginFactory<DatasetProvider> {

    /** The dataset's name in configs. */
    public static final String NAME = "multifashion-mnist-many";

    /** Label 0 of {@code garment-group}: T-shirt/top, pullover, coat, shirt. */
    public static final int TOP = 0;

    /** Label 1 of {@code garment-group}: sandal, sneaker, ankle boot. */
    public static final int FOOTWEAR = 1;

    /** Label 2 of {@code garment-group}: trouser, dress, bag. */
    public static final int OTHER = 2;

    /** The {@code garment-group} label of each Fashion-MNIST class. */
    private static final int[] GROUP = {
        TOP, OTHER, TOP, OTHER, TOP, FOOTWEAR, TOP, FOOTWEAR, OTHER, FOOTWEAR
    };

    /**
     * The tasks, in order: {@code digit} and {@code garment} (10 classes each), {@code
     * digit-parity} (1 for an odd digit), {@code digit-high} (1 for a digit of 5 or more), {@code
     * garment-group} (0 top, 1 footwear, 2 other) and {@code garment-clothing} (1 for clothing, 0
     * for footwear and bags).
     */
    public static final List<PairTask> TASKS =
            List.of(
                    new PairTask(
                            "digit",
                            10,
                            "the class of the MNIST digit (top left)",
                            (digit, garment) -> digit),
                    new PairTask(
                            "garment",
                            10,
                            "the class of the Fashion-MNIST item (bottom right)",
                            (digit, garment) -> garment),
                    new PairTask(
                            "digit-parity",
                            2,
                            "the digit mod 2 (1: odd)",
                            (digit, garment) -> digit % 2),
                    new PairTask(
                            "digit-high",
                            2,
                            "1 when the digit is 5 or more, else 0",
                            (digit, garment) -> digit >= 5 ? 1 : 0),
                    new PairTask(
                            "garment-group",
                            3,
                            "0 top (T-shirt/top, pullover, coat, shirt), 1 footwear (sandal,"
                                    + " sneaker, ankle boot), 2 other (trouser, dress, bag)",
                            (digit, garment) -> GROUP[garment]),
                    new PairTask(
                            "garment-clothing",
                            2,
                            "1 for clothing (T-shirt/top, trouser, pullover, dress, coat, shirt),"
                                    + " 0 for footwear and bags",
                            (digit, garment) -> GROUP[garment] == FOOTWEAR || garment == 8 ? 0 : 1));

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.DATASET, NAME)
                    .setDescription(
                            "Multi-(Fashion+MNIST) with six tasks: 'digit', 'garment' (10 classes"
                                    + " each), 'digit-parity', 'digit-high' (2 each),"
                                    + " 'garment-group' (3: top, footwear, other),"
                                    + " 'garment-clothing' (2); the examples of"
                                    + " multifashion-mnist, byte for byte")
                    .optCitation(MultiFashionFactory.CITATION)
                    .addKeys(
                            MultiMnistFactory.validationFractionKey(
                                    "each training file (MNIST's and Fashion-MNIST's)"))
                    .build();

    /** Creates the factory (ServiceLoader). */
    public MultiFashionMnistManyFactory() {}

    /**
     * Multi-(Fashion+MNIST)'s composition with the six tasks.
     *
     * @return the variant
     */
    public static MultiMnist.Variant variant() {
        return MultiFashionMnistFactory.variant().withTasks(NAME, TASKS);
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
