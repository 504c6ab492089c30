package org.openmtl.plugins.data.mnist;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.openmtl.api.data.DataException;
import org.openmtl.api.data.DataSource;
import org.openmtl.api.data.DatasetContext;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.task.Task;
import org.openmtl.plugins.data.ArrayDataset;
import org.openmtl.plugins.data.fetch.VerifiableFile;
import org.openmtl.plugins.data.idx.IdxReader;
import org.openmtl.plugins.data.idx.LabelledImages;

/**
 * MultiMNIST, the two-task digit benchmark of Sener &amp; Koltun, "Multi-Task Learning as
 * Multi-Objective Optimization", NeurIPS 2018, composed from the real MNIST digits; and the
 * datasets built the same way from other collections of 28x28 images ({@link Variant}), such as
 * MultiFashion and Multi-(Fashion+MNIST) of Lin et al., "Pareto Multi-Task Learning", NeurIPS
 * 2019.
 *
 * <p>Each example overlays two images as {@link MultiMnistComposer} describes (one at the top left
 * of a 36x36 canvas, one at the bottom right, pixel-wise maximum, nearest-neighbour resize to
 * 28x28). Two 10-way classification tasks share the input: {@code left}, the class of the top-left
 * image, and {@code right}, the class of the bottom-right one; every example is labelled for both.
 * A variant may define other tasks ({@link Variant#tasks()}), each labelled from those two classes
 * ({@link PairTask}); its examples are the same, byte for byte, as the two-task variant's with the
 * same collections and seed, since the tasks only relabel them.
 * The input has shape (1, 28, 28), normalized as {@code (x / 255 - mean) / std} when a batch is
 * made (the images are kept as bytes, 784 per example); for MultiMNIST, mean 0.1307 and std 0.3081,
 * MNIST's pixel statistics, and for other variants the statistics their {@link Variant} gives.
 *
 * <p>Splits come from the collections' own files. A training file's last {@code round(60000 *
 * validation.fraction)} images (6,000 by default) form the validation pool, the others (54,000)
 * the training pool; the t10k file (10,000) is the test pool. This hold-out is fixed, not drawn, so
 * every seed and every method is selected on the same validation images. Within a split, example i
 * has image i of the left collection's pool at the top left; its partner at the bottom right is
 * drawn uniformly from the pool's other images when both sides come from one collection
 * (MultiMNIST, MultiFashion), and from the right collection's pool of the same split when they
 * differ (Multi-(Fashion+MNIST)), so images never cross splits. {@code dataset.train.limit} keeps
 * the first examples of the training split; only those are composed. The partners are drawn from
 * one stream per split, split from {@link DatasetContext#seed()}: the same seed gives
 * byte-identical examples, and a limited training split is a prefix of the full one.
 *
 * <p>Reads {@code <data.dir>/<source>/} for each collection (for MultiMNIST {@code
 * <data.dir>/mnist/}, see {@link MnistSource}, fetched with {@code ./mtl data fetch mnist}); a
 * missing or corrupt file is a {@link DataException} naming it and the command that fetches it.
 */
public final class MultiMnist implements DatasetProvider {

    /** The dataset's name in configs. */
    public static final String NAME = "multimnist";

    /** The paper that introduced this MultiMNIST benchmark. */
    public static final String CITATION =
            "Sener & Koltun, \"Multi-Task Learning as Multi-Objective Optimization\", NeurIPS 2018";

    /** The task of the top-left image. */
    public static final String LEFT = "left";

    /** The task of the bottom-right image. */
    public static final String RIGHT = "right";

    /** The MNIST pixel mean (of x / 255) used for normalization. */
    public static final double MEAN = 0.1307;

    /** The MNIST pixel standard deviation (of x / 255) used for normalization. */
    public static final double STD = 0.3081;

    private static final int CLASSES = 10;

    private final Variant variant;
    private final double validationFraction;

    /**
     * A dataset composed the MultiMNIST way: which collections the two images come from, what the
     * dataset is called, and how inputs are normalized.
     *
     * @param name the dataset's name in configs and provenance, e.g. {@code multifashion}
     * @param citation the paper that introduced it
     * @param left the collection of the top-left images (task {@code left})
     * @param right the collection of the bottom-right images (task {@code right}); may be {@code
     *     left}
     * @param mean the pixel mean (of x / 255) subtracted from every input value
     * @param std the pixel standard deviation (of x / 255) inputs are divided by
     * @param statistics what {@code mean} and {@code std} were computed over, for provenance
     * @param tasks the tasks, each labelled from the two images' classes; {@link
     *     PairTask#LEFT_RIGHT} for the two-task datasets
     */
    public record Variant(
            String name,
            String citation,
            MnistFormatCollection left,
            MnistFormatCollection right,
            double mean,
            double std,
            String statistics,
            List<PairTask> tasks) {

        /** Checks the fields. */
        public Variant {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(citation, "citation");
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
            Objects.requireNonNull(statistics, "statistics");
            tasks = PairTask.checked(Objects.requireNonNull(tasks, "tasks"));
            if (!(std > 0) || !Double.isFinite(std) || !Double.isFinite(mean)) {
                throw new IllegalArgumentException(
                        "normalization mean " + mean + ", std " + std + " is not usable");
            }
        }

        /**
         * A two-task variant: tasks {@code left} and {@code right}, the class of each image.
         *
         * @param name the dataset's name
         * @param citation the paper that introduced it
         * @param left the collection of the top-left images
         * @param right the collection of the bottom-right images
         * @param mean the pixel mean (of x / 255)
         * @param std the pixel standard deviation (of x / 255)
         * @param statistics what {@code mean} and {@code std} were computed over
         */
        public Variant(
                String name,
                String citation,
                MnistFormatCollection left,
                MnistFormatCollection right,
                double mean,
                double std,
                String statistics) {
            this(name, citation, left, right, mean, std, statistics, PairTask.LEFT_RIGHT);
        }

        /**
         * The same composition (collections, pairing, normalization) with other tasks and name:
         * the examples and their images are those of this variant, byte for byte, for every seed.
         *
         * @param otherName the new dataset's name
         * @param otherTasks its tasks
         * @return the variant
         */
        public Variant withTasks(String otherName, List<PairTask> otherTasks) {
            return new Variant(otherName, citation, left, right, mean, std, statistics, otherTasks);
        }

        /**
         * Whether the tasks are the two-task datasets' {@code left} and {@code right}.
         *
         * @return true for {@link PairTask#LEFT_RIGHT}
         */
        public boolean leftRightOnly() {
            return tasks.equals(PairTask.LEFT_RIGHT);
        }

        /**
         * MultiMNIST: two MNIST digits, normalized with MNIST's statistics.
         *
         * @return the variant
         */
        public static Variant multiMnist() {
            MnistFormatCollection mnist = MnistSource.collection();
            return new Variant(
                    NAME, CITATION, mnist, mnist, MEAN, STD, "MNIST's training images");
        }

        /**
         * Whether both images come from one collection.
         *
         * @return true when left and right read the same files
         */
        public boolean singleCollection() {
            return left.sameFilesAs(right);
        }
    }

    /**
     * Creates the MultiMNIST provider.
     *
     * @param validationFraction the fraction of MNIST's training file held out for validation, in
     *     [0, 1)
     */
    public MultiMnist(double validationFraction) {
        this(Variant.multiMnist(), validationFraction);
    }

    /**
     * Creates a provider of a MultiMNIST-style dataset.
     *
     * @param variant the collections, name and normalization
     * @param validationFraction the fraction of each training file held out for validation, in [0,
     *     1)
     */
    public MultiMnist(Variant variant, double validationFraction) {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(
                    "validation fraction " + validationFraction + " is not in [0, 1)");
        }
        this.variant = Objects.requireNonNull(variant, "variant");
        this.validationFraction = validationFraction;
    }

    /**
     * The dataset this provider composes.
     *
     * @return its variant
     */
    public Variant variant() {
        return variant;
    }

    @Override
    public List<DataSource> sources() {
        if (variant.singleCollection()) {
            return List.of(variant.left().source());
        }
        return List.of(variant.left().source(), variant.right().source());
    }

    @Override
    public MultiTaskDataset load(DatasetContext context) {
        Path dataDirectory = context.dataDirectory();
        MnistFormatCollection leftCollection = variant.left();
        MnistFormatCollection rightCollection = variant.right();
        LabelledImages leftTrain = readTrain(dataDirectory, leftCollection);
        LabelledImages leftTest = readTest(dataDirectory, leftCollection);
        // one collection on both sides is read once, and partners then come from the same pool
        boolean single = variant.singleCollection();
        LabelledImages rightTrain = single ? leftTrain : readTrain(dataDirectory, rightCollection);
        LabelledImages rightTest = single ? leftTest : readTest(dataDirectory, rightCollection);

        Pools left = pools(leftTrain, leftTest);
        Pools right = pools(rightTrain, rightTest);
        int limit = context.trainLimit();
        int trainCount = limit > 0 ? Math.min(limit, left.train.size()) : left.train.size();
        int validationCount = left.validation.size();
        int testCount = left.test.size();
        checkPartners(dataDirectory, Split.TRAIN, trainCount, right.train, rightCollection, true);
        checkPartners(
                dataDirectory,
                Split.VALIDATION,
                validationCount,
                right.validation,
                rightCollection,
                true);
        checkPartners(dataDirectory, Split.TEST, testCount, right.test, rightCollection, false);

        SplittableRandom master = new SplittableRandom(context.seed());
        SplittableRandom trainRandom = master.split();
        SplittableRandom validationRandom = master.split();
        SplittableRandom testRandom = master.split();
        MultiMnistComposer.Composed trainSet =
                MultiMnistComposer.composeSplit(left.train, right.train, trainCount, trainRandom);
        MultiMnistComposer.Composed validationSet =
                MultiMnistComposer.composeSplit(
                        left.validation, right.validation, validationCount, validationRandom);
        MultiMnistComposer.Composed testSet =
                MultiMnistComposer.composeSplit(left.test, right.test, testCount, testRandom);

        int size = MultiMnistComposer.SIZE;
        double mean = variant.mean();
        double std = variant.std();
        List<PairTask> pairTasks = variant.tasks();
        List<Task> tasks = new ArrayList<>();
        for (int id = 0; id < pairTasks.size(); id++) {
            tasks.add(pairTasks.get(id).task(id));
        }
        ArrayDataset.Builder builder =
                ArrayDataset.builder(tasks, new Shape(1, size, size))
                        .optNormalization((float) (1.0 / (255.0 * std)), (float) (-mean / std));
        add(builder, Split.TRAIN, trainSet);
        add(builder, Split.VALIDATION, validationSet);
        add(builder, Split.TEST, testSet);
        builder.optProvenance(provenance(context, trainCount, validationCount, testCount));
        return builder.build();
    }

    /** One collection's pools: the training file split into training and validation, the test. */
    private record Pools(
            MultiMnistComposer.Pool train,
            MultiMnistComposer.Pool validation,
            MultiMnistComposer.Pool test) {}

    private Pools pools(LabelledImages train, LabelledImages test) {
        int trainFile = train.images().count();
        int validation = (int) Math.round(trainFile * validationFraction);
        int trainPool = trainFile - validation;
        return new Pools(
                new MultiMnistComposer.Pool(train, 0, trainPool),
                new MultiMnistComposer.Pool(train, trainPool, validation),
                new MultiMnistComposer.Pool(test, 0, test.images().count()));
    }

    /** Examples need partners: an empty right pool is bad data, named by its file. */
    private static void checkPartners(
            Path dataDirectory,
            Split split,
            int examples,
            MultiMnistComposer.Pool pool,
            MnistFormatCollection collection,
            boolean fromTrainingFile) {
        if (examples > 0 && pool.size() == 0) {
            VerifiableFile file =
                    fromTrainingFile ? collection.trainImages() : collection.testImages();
            throw new DataException(
                    collection.directory(dataDirectory).resolve(file.name()),
                    "leaves no "
                            + collection.title()
                            + " "
                            + collection.items()
                            + " for the "
                            + split.label()
                            + " split, which has "
                            + examples
                            + " examples to pair them with; expected the full file (run "
                            + collection.fetchCommand()
                            + ")");
        }
    }

    private void add(ArrayDataset.Builder builder, Split split, MultiMnistComposer.Composed set) {
        builder.setInputs(split, set.images());
        for (PairTask task : variant.tasks()) {
            builder.setClassLabels(split, task.name(), task.labels(set.left(), set.right()), null);
        }
    }

    private static LabelledImages readTrain(Path dataDirectory, MnistFormatCollection collection) {
        return read(dataDirectory, collection, collection.trainImages(), collection.trainLabels());
    }

    private static LabelledImages readTest(Path dataDirectory, MnistFormatCollection collection) {
        return read(dataDirectory, collection, collection.testImages(), collection.testLabels());
    }

    private static LabelledImages read(
            Path dataDirectory,
            MnistFormatCollection collection,
            VerifiableFile images,
            VerifiableFile labels) {
        Path directory = collection.directory(dataDirectory);
        Path imagesFile = directory.resolve(images.name());
        Path labelsFile = directory.resolve(labels.name());
        LabelledImages read =
                new IdxReader(collection.fetchCommand()).readLabelled(imagesFile, labelsFile);
        int size = MultiMnistComposer.SIZE;
        if (read.images().rows() != size || read.images().cols() != size) {
            throw new DataException(
                    imagesFile,
                    "holds "
                            + read.images().rows()
                            + "x"
                            + read.images().cols()
                            + " images; expected 28x28 "
                            + collection.title()
                            + " "
                            + collection.items()
                            + ". Delete it and run "
                            + collection.fetchCommand());
        }
        for (int i = 0; i < read.labels().length; i++) {
            if (read.label(i) >= CLASSES) {
                throw new DataException(
                        labelsFile,
                        "label "
                                + read.label(i)
                                + " at index "
                                + i
                                + "; expected classes 0..9. Delete it and run "
                                + collection.fetchCommand());
            }
        }
        return read;
    }

    private Map<String, Object> provenance(
            DatasetContext context, int train, int validation, int test) {
        MnistFormatCollection left = variant.left();
        MnistFormatCollection right = variant.right();
        boolean single = variant.singleCollection();
        Map<String, Object> composition = new LinkedHashMap<>();
        composition.put("canvas", MultiMnistComposer.CANVAS);
        composition.put("left.offset", 0);
        composition.put("right.offset", MultiMnistComposer.RIGHT_OFFSET);
        composition.put("overlap", "max");
        composition.put("resize", "nearest");
        composition.put("size", MultiMnistComposer.SIZE);
        composition.put(
                "partner",
                single
                        ? "uniform over the other " + left.items() + " of the split's pool"
                        : "uniform over the split's pool of "
                                + right.title()
                                + " "
                                + right.items());
        Map<String, Object> examples = new LinkedHashMap<>();
        examples.put(Split.TRAIN.label(), train);
        examples.put(Split.VALIDATION.label(), validation);
        examples.put(Split.TEST.label(), test);
        Map<String, Object> normalization = new LinkedHashMap<>();
        normalization.put("mean", variant.mean());
        normalization.put("std", variant.std());
        normalization.put("of", variant.statistics());
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("dataset", variant.name());
        provenance.put("citation", variant.citation());
        if (single) {
            provenance.put("source", left.origin());
            provenance.put("files", files(left));
        } else {
            Map<String, Object> source = new LinkedHashMap<>();
            source.put(LEFT, left.origin());
            source.put(RIGHT, right.origin());
            provenance.put("source", source);
            Map<String, Object> files = new LinkedHashMap<>();
            files.put(LEFT, files(left));
            files.put(RIGHT, files(right));
            provenance.put("files", files);
        }
        provenance.put(
                "checksums", "verified when fetched; loading checks lengths and IDX headers");
        provenance.put("composition", composition);
        if (!variant.leftRightOnly()) {
            Map<String, Object> labels = new LinkedHashMap<>();
            for (PairTask task : variant.tasks()) {
                labels.put(task.name(), task.classes() + " classes: " + task.derivation());
            }
            provenance.put("labels", labels);
        }
        provenance.put("normalization", normalization);
        provenance.put("validation.fraction", validationFraction);
        provenance.put(
                "validation.split",
                single
                        ? "the last " + left.items() + " of the training file"
                        : "the last images of each training file");
        provenance.put("seed", context.seed());
        provenance.put("train.limit", context.trainLimit());
        provenance.put("examples", examples);
        return provenance;
    }

    private static Map<String, Object> files(MnistFormatCollection collection) {
        Map<String, Object> files = new LinkedHashMap<>();
        for (VerifiableFile file : collection.files()) {
            files.put(file.name(), file.provenance());
        }
        return files;
    }
}
