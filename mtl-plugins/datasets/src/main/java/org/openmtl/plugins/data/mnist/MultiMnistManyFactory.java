package org.openmtl.plugins.data.mnist;

import java.util.List;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.plugin.PluginConfig;
import org.openmtl.api.plugin.PluginDescriptor;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.plugin.PluginKind;

/**
 * Registers the {@code multimnist-many} dataset: MultiMNIST (Sener &amp; Koltun, NeurIPS 2018,
 * composed as {@link MultiMnist} describes) with seven tasks instead of two, all labelled from the
 * classes of the two real MNIST digits of each example ({@link #TASKS}): each digit's class, their
 * sum, which is larger, each digit's parity, and whether they are the same digit. The examples are
 * those of {@code multimnist} byte for byte for the same seed, {@code validation.fraction} and
 * {@code dataset.train.limit}, so its {@code left} and {@code right} tasks are {@code
 * multimnist}'s; the other five tasks are this project's, for studies of many related tasks (task
 * grouping, transfer between tasks). Select a subset with the {@code tasks} key.
 *
 * <p>Keys, under {@code dataset.multimnist-many.}:
 *
 * <ul>
 *   <li>{@code validation.fraction} (number in [0, 0.5], default 0.1): the fraction of MNIST's
 *       training file held out, from its end, as the validation split.
 * </ul>
 */
public final class MultiMnistManyFactory implements PluginFactory<DatasetProvider> {

    /** The dataset's name in configs. */
    public static final String NAME = "multimnist-many";

    /**
     * The tasks, in order: {@code left} and {@code right} (each digit, 10 classes), {@code sum}
     * (left + right, 19 classes), {@code left-greater} (1 when left &gt; right), {@code
     * left-parity} and {@code right-parity} (1 for an odd digit), {@code same} (1 when the two
     * digits are equal).
     */
    public static final List<PairTask> TASKS =
            List.of(
                    PairTask.LEFT_RIGHT.get(0),
                    PairTask.LEFT_RIGHT.get(1),
                    new PairTask(
                            "sum",
                            19,
                            "left digit + right digit (0..18)",
                            (left, right) -> left + right),
                    new PairTask(
                            "left-greater",
                            2,
                            "1 when the left digit is greater than the right one, else 0",
                            (left, right) -> left > right ? 1 : 0),
                    new PairTask(
                            "left-parity",
                            2,
                            "the left digit mod 2 (1: odd)",
                            (left, right) -> left % 2),
                    new PairTask(
                            "right-parity",
                            2,
                            "the right digit mod 2 (1: odd)",
                            (left, right) -> right % 2),
                    new PairTask(
                            "same",
                            2,
                            "1 when the two digits are equal, else 0",
                            (left, right) -> left == right ? 1 : 0));

    private static final PluginDescriptor DESCRIPTOR =
            PluginDescriptor.builder(PluginKind.DATASET, NAME)
                    .setDescription(
                            "MultiMNIST with seven tasks from its two digits: 'left', 'right' (10"
                                    + " classes each), 'sum' (19), 'left-greater', 'left-parity',"
                                    + " 'right-parity', 'same' (2 each); the examples of"
                                    + " multimnist, byte for byte")
                    .optCitation(MultiMnist.CITATION)
                    .addKeys(MultiMnistFactory.validationFractionKey("MNIST's training file"))
                    .build();

    /** Creates the factory (ServiceLoader). */
    public MultiMnistManyFactory() {}

    /**
     * MultiMNIST's composition with the seven tasks.
     *
     * @return the variant
     */
    public static MultiMnist.Variant variant() {
        return MultiMnist.Variant.multiMnist().withTasks(NAME, TASKS);
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
