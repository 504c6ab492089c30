package org.openmtl.plugins.data.synthetic;

import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.openmtl.api.data.DatasetContext;
import org.openmtl.api.data.DatasetProvider;
import org.openmtl.api.data.MultiTaskDataset;
import org.openmtl.api.data.Split;
import org.openmtl.api.task.Task;
import org.openmtl.plugins.data.ArrayDataset;

/**
 * Generated multi-task problems with a planted group structure: tasks of one group share most of
 * their generating function, tasks of different groups share nothing. For tests, and for checking
 * that task-grouping methods and adaptive architectures recover the planted groups.
 *
 * <h2>Generative model</h2>
 *
 * Notation: d = {@code features}, T = {@code tasks}, G = {@code groups}, H = {@value #HIDDEN_UNITS}
 * hidden units, ρ = {@code relatedness}, σ = {@code noise}, and K outputs per task: K = 1 for
 * regression, K = C = {@code classes} for classification. Task {@code t<i>} (i = 0..T-1) belongs to
 * group g(i) = i mod G.
 *
 * <ol>
 *   <li><b>Inputs.</b> x ~ N(0, I<sub>d</sub>), independently per example; the same distribution in
 *       every split and for every task.
 *   <li><b>Features per group.</b> A random permutation of the d input coordinates is cut into G
 *       disjoint blocks P<sub>g</sub> of ⌊d/G⌋ or ⌈d/G⌉ coordinates (so G ≤ d); group g reads only
 *       z<sub>g</sub> = x[P<sub>g</sub>], of size d<sub>g</sub>.
 *   <li><b>One hidden layer per group.</b> h<sub>g</sub>(x) = tanh(W<sub>g</sub> z<sub>g</sub> +
 *       b<sub>g</sub>), W<sub>g</sub> ∈ R<sup>H×d<sub>g</sub></sup> with entries N(0,
 *       1/d<sub>g</sub>), b<sub>g</sub> ∈ R<sup>H</sup> with entries N(0, {@value #BIAS_STD}²).
 *   <li><b>Calibration.</b> For each group, {@value #CALIBRATION_EXAMPLES} calibration inputs
 *       (drawn for this purpose alone, so the tasks do not depend on split sizes or the train
 *       limit) give the mean μ<sub>g</sub> and covariance Σ<sub>g</sub> of h<sub>g</sub>(x). The
 *       score of a weight vector w is w·h<sub>g</sub>(x); its variance is
 *       w<sup>T</sup>Σ<sub>g</sub>w, and two scores' covariance w<sup>T</sup>Σ<sub>g</sub>w′.
 *   <li><b>Output weights mixed by relatedness.</b> Per group and output k, a group vector
 *       a<sub>gk</sub> ∈ R<sup>H</sup>; per task and output, a task vector u<sub>ik</sub> ∈
 *       R<sup>H</sup>; entries N(0, 1/H). The group vector is scaled to unit score variance; the
 *       task vector has its component along the group vector removed (in the Σ<sub>g</sub> inner
 *       product) and is scaled to unit score variance; task i's weights are v<sub>ik</sub> = √ρ
 *       a<sub>g(i)k</sub> + √(1−ρ) u<sub>ik</sub>. Its score f<sub>ik</sub>(x) =
 *       v<sub>ik</sub>·h<sub>g(i)</sub>(x) then has unit variance, and two tasks i, j of one group
 *       have score correlation ρ + (1−ρ) c<sub>ij</sub>, where c<sub>ij</sub> ∈ [−1, 1] is the
 *       correlation of their task parts (about 0 on average): at least 2ρ − 1, and about ρ. Tasks
 *       of different groups read disjoint, independent input coordinates through independently
 *       drawn weights, so their targets are statistically independent (population correlation
 *       exactly 0).
 *   <li><b>Standardization.</b> s<sub>ik</sub>(x) = f<sub>ik</sub>(x) −
 *       v<sub>ik</sub>·μ<sub>g</sub>, divided by the score's standard deviation on the calibration
 *       inputs (1 up to rounding).
 *   <li><b>Labels.</b> With ε ~ N(0, 1) independent per example, task and output: regression target
 *       y<sub>i</sub> = s<sub>i</sub>(x) + σ ε (signal variance 1, so the best achievable mean
 *       squared error is σ², and two tasks' targets correlate by their scores' correlation divided
 *       by 1 + σ²); classification label y<sub>i</sub> = argmax<sub>k</sub> (s<sub>ik</sub>(x) +
 *       o<sub>ik</sub> + σ ε<sub>k</sub>), where the class offsets o<sub>ik</sub> are set on the
 *       calibration inputs (100 rounds of moving each offset by half the log of the ratio of 1/C to
 *       its class's frequency, clipped to ±0.1 per round) so that the noiseless argmax picks every
 *       class about equally often.
 *   <li><b>Layout.</b> {@code shared}: every example is labelled for every task, except that in the
 *       training split each (example, task) label is dropped independently with probability {@code
 *       missing} (and masked); validation and test stay fully labelled so that metrics measure the
 *       model, not the missingness. {@code per-task}: example j of a split is labelled only for
 *       task j mod T, so each task gets ⌊n/T⌋ or ⌈n/T⌉ of the split's n examples.
 * </ol>
 *
 * <p>Everything is drawn from streams split from {@link DatasetContext#seed()}: one for the model
 * (permutation and weights), one for calibration, one per split for inputs and noise, one for the
 * dropped labels. The same seed gives identical data; the model does not depend on split sizes; and
 * examples are drawn one after another, so a training split cut by {@code dataset.train.limit} is a
 * prefix of the full one. The input has shape (d) and is not normalized further (it is already
 * standard normal).
 */
public final class SyntheticTasks implements DatasetProvider {

    /** The dataset's name in configs. */
    public static final String NAME = "synthetic";

    /** H, the width of each group's hidden layer. */
    public static final int HIDDEN_UNITS = 32;

    /** The number of inputs the score standardization is estimated on. */
    public static final int CALIBRATION_EXAMPLES = 10_000;

    /** The standard deviation of the hidden biases. */
    public static final double BIAS_STD = 0.5;

    /** Rounds of class-offset balancing on the calibration inputs. */
    private static final int BALANCING_ROUNDS = 100;

    /** The largest change of a class offset in one balancing round. */
    private static final double MAX_BALANCING_STEP = 0.1;

    /** Whether tasks are regression or classification. */
    public enum Kind {
        /** One standardized real target per task. */
        REGRESSION,
        /** C classes per task, from the argmax of C scores. */
        CLASSIFICATION;

        /**
         * The name in configs.
         *
         * @return e.g. {@code regression}
         */
        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How labels are spread over examples. */
    public enum Layout {
        /**
         * Shared inputs: every example labelled for every task (some dropped by {@code missing}).
         */
        SHARED,
        /** Per-task data: each example labelled for exactly one task. */
        PER_TASK;

        /**
         * The name in configs.
         *
         * @return e.g. {@code per-task}
         */
        public String configName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * The generator's settings (see the class documentation for their meaning).
     *
     * @param tasks T, at least 1
     * @param groups G, in [1, min(T, features)]
     * @param kind regression or classification
     * @param features d, in [1, 10000]
     * @param trainExamples examples in the training split, at least 1
     * @param validationExamples examples in the validation split, at least 0
     * @param testExamples examples in the test split, at least 0
     * @param noise σ, at least 0
     * @param relatedness ρ, in [0, 1]
     * @param classes C for classification, in [2, 100]
     * @param layout shared inputs or per-task data
     * @param missing the probability a training label is dropped, in [0, 1); 0 for per-task data
     */
    public record Settings(
            int tasks,
            int groups,
            Kind kind,
            int features,
            int trainExamples,
            int validationExamples,
            int testExamples,
            double noise,
            double relatedness,
            int classes,
            Layout layout,
            double missing) {

        /** Checks the settings are consistent. */
        public Settings {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(layout, "layout");
            require(tasks >= 1, "tasks must be at least 1");
            require(groups >= 1 && groups <= tasks, "groups must be in [1, tasks]");
            require(
                    groups <= features,
                    "groups must not exceed features (each group reads its own features)");
            require(
                    trainExamples >= 1 && validationExamples >= 0 && testExamples >= 0,
                    "negative split size");
            require(noise >= 0 && Double.isFinite(noise), "noise must be a finite number >= 0");
            require(relatedness >= 0 && relatedness <= 1, "relatedness must be in [0, 1]");
            require(classes >= 2 && classes <= 100, "classes must be in [2, 100]");
            require(features <= 10_000, "features must be at most 10000");
            require(missing >= 0 && missing < 1, "missing must be in [0, 1)");
            require(
                    layout == Layout.SHARED || missing == 0,
                    "missing applies to the shared layout only");
            long largest = Math.max(trainExamples, Math.max(validationExamples, testExamples));
            require(
                    largest * features <= Integer.MAX_VALUE - 16,
                    "examples x features is too large for one array");
        }

        /**
         * The defaults of the {@code synthetic} plugin's keys.
         *
         * @return 4 regression tasks in 2 groups, 16 features, 2000/500/500 examples, noise 0.1,
         *     relatedness 0.9, shared layout, no missing labels
         */
        public static Settings defaults() {
            return new Settings(
                    4, 2, Kind.REGRESSION, 16, 2000, 500, 500, 0.1, 0.9, 2, Layout.SHARED, 0.0);
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }

    private final Settings settings;

    /**
     * Creates the provider.
     *
     * @param settings the generator's settings
     */
    public SyntheticTasks(Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * The settings.
     *
     * @return the settings
     */
    public Settings settings() {
        return settings;
    }

    /**
     * The planted group of a task.
     *
     * @param task the task's index, 0..T-1
     * @return its group, {@code task mod G}
     */
    public int groupOf(int task) {
        return task % settings.groups();
    }

    /**
     * The name of a task.
     *
     * @param task the task's index
     * @return {@code t<index>}
     */
    public static String taskName(int task) {
        return "t" + task;
    }

    @Override
    public MultiTaskDataset load(DatasetContext context) {
        SplittableRandom master = new SplittableRandom(context.seed());
        SplittableRandom modelRandom = master.split();
        SplittableRandom calibrationRandom = master.split();
        SplittableRandom trainRandom = master.split();
        SplittableRandom validationRandom = master.split();
        SplittableRandom testRandom = master.split();
        SplittableRandom missingRandom = master.split();

        Model model = new Model(settings, modelRandom, calibrationRandom);

        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < settings.tasks(); i++) {
            tasks.add(
                    settings.kind() == Kind.REGRESSION
                            ? Task.regression(taskName(i), 1, i)
                            : Task.classification(taskName(i), settings.classes(), i));
        }
        int limit = context.trainLimit();
        int train =
                limit > 0 ? Math.min(limit, settings.trainExamples()) : settings.trainExamples();
        ArrayDataset.Builder builder = ArrayDataset.builder(tasks, new Shape(settings.features()));
        generate(
                builder,
                model,
                Split.TRAIN,
                train,
                trainRandom,
                settings.missing() > 0 ? missingRandom : null);
        generate(
                builder,
                model,
                Split.VALIDATION,
                settings.validationExamples(),
                validationRandom,
                null);
        generate(builder, model, Split.TEST, settings.testExamples(), testRandom, null);
        builder.optProvenance(provenance(context, train));
        return builder.build();
    }

    private void generate(
            ArrayDataset.Builder builder,
            Model model,
            Split split,
            int n,
            SplittableRandom random,
            SplittableRandom missingRandom) {
        int d = settings.features();
        int t = settings.tasks();
        int k = model.outputs;
        boolean regression = settings.kind() == Kind.REGRESSION;
        float[] inputs = new float[n * d];
        float[][] targets = new float[t][];
        int[][] classes = new int[t][];
        boolean[][] present = new boolean[t][];
        for (int i = 0; i < t; i++) {
            if (regression) {
                targets[i] = new float[n];
            } else {
                classes[i] = new int[n];
            }
            if (settings.layout() == Layout.PER_TASK || missingRandom != null) {
                present[i] = new boolean[n];
            }
        }
        double[] x = new double[d];
        double[] scores = new double[t * k];
        double[][] hidden = model.hiddenScratch();
        double[][] groupInputs = model.groupInputScratch();
        for (int j = 0; j < n; j++) {
            for (int f = 0; f < d; f++) {
                float value = (float) random.nextGaussian();
                inputs[j * d + f] = value;
                x[f] = value; // labels are a function of the stored (float) input
            }
            model.scores(x, hidden, groupInputs, scores);
            for (int i = 0; i < t; i++) {
                if (regression) {
                    targets[i][j] = (float) (scores[i] + settings.noise() * random.nextGaussian());
                } else {
                    int best = 0;
                    double bestScore = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < k; c++) {
                        double s = scores[i * k + c] + settings.noise() * random.nextGaussian();
                        if (s > bestScore) {
                            bestScore = s;
                            best = c;
                        }
                    }
                    classes[i][j] = best;
                }
            }
            if (settings.layout() == Layout.PER_TASK) {
                present[j % t][j] = true;
            } else if (missingRandom != null) {
                for (int i = 0; i < t; i++) {
                    present[i][j] = missingRandom.nextDouble() >= settings.missing();
                }
            }
        }
        builder.setInputs(split, inputs);
        for (int i = 0; i < t; i++) {
            if (regression) {
                builder.setTargets(split, taskName(i), targets[i], present[i]);
            } else {
                builder.setClassLabels(split, taskName(i), classes[i], present[i]);
            }
        }
    }

    private Map<String, Object> provenance(DatasetContext context, int train) {
        Map<String, Object> groups = new LinkedHashMap<>();
        for (int i = 0; i < settings.tasks(); i++) {
            groups.put(taskName(i), groupOf(i));
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("dataset", NAME);
        p.put(
                "model",
                "per-group one-hidden-layer tanh network on disjoint input features; task output"
                        + " weights sqrt(relatedness)*group + sqrt(1-relatedness)*task");
        p.put("tasks", settings.tasks());
        p.put("groups", settings.groups());
        p.put("task.groups", groups);
        p.put("kind", settings.kind().configName());
        p.put("features", settings.features());
        p.put("hidden.units", HIDDEN_UNITS);
        p.put("bias.std", BIAS_STD);
        p.put("calibration.examples", CALIBRATION_EXAMPLES);
        p.put("noise", settings.noise());
        p.put("relatedness", settings.relatedness());
        if (settings.kind() == Kind.CLASSIFICATION) {
            p.put("classes", settings.classes());
        }
        p.put("layout", settings.layout().configName());
        p.put("missing", settings.missing());
        p.put("seed", context.seed());
        p.put("train.limit", context.trainLimit());
        Map<String, Object> examples = new LinkedHashMap<>();
        examples.put(Split.TRAIN.label(), train);
        examples.put(Split.VALIDATION.label(), settings.validationExamples());
        examples.put(Split.TEST.label(), settings.testExamples());
        p.put("examples", examples);
        return p;
    }

    /**
     * The drawn generating functions: per group features and hidden layer, per task output weights.
     */
    private static final class Model {
        private final int tasks;
        private final int groups;
        private final int outputs;
        private final boolean classification;
        private final int[][] features; // per group: the input coordinates it reads
        private final double[][] weights; // per group: H x d_g, row-major
        private final double[][] biases; // per group: H
        private final double[][] output; // per task: K x H, row-major, final mixed weights
        private final double[]
                mean; // per task and output: the score's mean on the calibration inputs
        private final double[] std; // per task and output: its standard deviation there
        private final double[] offset; // per task and class: the balancing offsets (classification)

        Model(Settings settings, SplittableRandom random, SplittableRandom calibrationRandom) {
            this.tasks = settings.tasks();
            this.groups = settings.groups();
            this.classification = settings.kind() == Kind.CLASSIFICATION;
            this.outputs = classification ? settings.classes() : 1;
            int d = settings.features();
            int h = HIDDEN_UNITS;
            int[] permutation = new int[d];
            for (int f = 0; f < d; f++) {
                permutation[f] = f;
            }
            for (int f = d - 1; f > 0; f--) {
                int other = random.nextInt(f + 1);
                int swap = permutation[f];
                permutation[f] = permutation[other];
                permutation[other] = swap;
            }
            features = new int[groups][];
            weights = new double[groups][];
            biases = new double[groups][];
            double[][] shared = new double[groups][];
            int start = 0;
            for (int g = 0; g < groups; g++) {
                int width = d / groups + (g < d % groups ? 1 : 0);
                features[g] = new int[width];
                System.arraycopy(permutation, start, features[g], 0, width);
                start += width;
                weights[g] = gaussians(random, h * width, 1.0 / Math.sqrt(width));
                biases[g] = gaussians(random, h, BIAS_STD);
                shared[g] = gaussians(random, outputs * h, 1.0 / Math.sqrt(h));
            }
            double[][] own = new double[tasks][];
            for (int i = 0; i < tasks; i++) {
                own[i] = gaussians(random, outputs * h, 1.0 / Math.sqrt(h));
            }
            output = new double[tasks][];
            mean = new double[tasks * outputs];
            std = new double[tasks * outputs];
            offset = new double[tasks * outputs];
            for (int g = 0; g < groups; g++) {
                calibrateGroup(
                        g, settings.relatedness(), shared[g], own, calibrationRandom.split());
            }
        }

        private static double[] gaussians(SplittableRandom random, int count, double scale) {
            double[] values = new double[count];
            for (int e = 0; e < count; e++) {
                values[e] = scale * random.nextGaussian();
            }
            return values;
        }

        /**
         * Turns the raw output weights of a group's tasks into their final form on the group's
         * calibration inputs: the group part and each task part normalized to unit score variance,
         * each task part decorrelated from the group part, then mixed by relatedness; records each
         * score's mean and standard deviation, and for classification the class offsets that
         * balance the classes.
         */
        private void calibrateGroup(
                int g,
                double relatedness,
                double[] shared,
                double[][] own,
                SplittableRandom random) {
            int h = HIDDEN_UNITS;
            int n = CALIBRATION_EXAMPLES;
            double[] activations = new double[n * h];
            double[] z = new double[features[g].length];
            double[] hidden = new double[h];
            for (int e = 0; e < n; e++) {
                for (int f = 0; f < z.length; f++) {
                    z[f] = (float) random.nextGaussian();
                }
                hiddenLayer(g, z, hidden);
                System.arraycopy(hidden, 0, activations, e * h, h);
            }
            double[] mu = new double[h];
            for (int e = 0; e < n; e++) {
                for (int u = 0; u < h; u++) {
                    mu[u] += activations[e * h + u];
                }
            }
            for (int u = 0; u < h; u++) {
                mu[u] /= n;
            }
            double[] covariance = new double[h * h];
            for (int e = 0; e < n; e++) {
                int row = e * h;
                for (int u = 0; u < h; u++) {
                    double cu = activations[row + u] - mu[u];
                    for (int w = u; w < h; w++) {
                        covariance[u * h + w] += cu * (activations[row + w] - mu[w]);
                    }
                }
            }
            for (int u = 0; u < h; u++) {
                for (int w = u; w < h; w++) {
                    covariance[u * h + w] /= n;
                    covariance[w * h + u] = covariance[u * h + w];
                }
            }
            double a = Math.sqrt(relatedness);
            double b = Math.sqrt(1 - relatedness);
            double[] group = new double[h];
            double[] task = new double[h];
            for (int i = g; i < tasks; i += groups) {
                double[] mixed = new double[outputs * h];
                for (int k = 0; k < outputs; k++) {
                    System.arraycopy(shared, k * h, group, 0, h);
                    System.arraycopy(own[i], k * h, task, 0, h);
                    scale(
                            group,
                            1 / Math.sqrt(Math.max(quadratic(group, covariance, group), 1e-24)));
                    double along = quadratic(task, covariance, group);
                    for (int u = 0; u < h; u++) {
                        task[u] -= along * group[u];
                    }
                    scale(task, 1 / Math.sqrt(Math.max(quadratic(task, covariance, task), 1e-24)));
                    for (int u = 0; u < h; u++) {
                        mixed[k * h + u] = a * group[u] + b * task[u];
                    }
                    double[] v = Arrays.copyOfRange(mixed, k * h, (k + 1) * h);
                    mean[i * outputs + k] = dot(v, mu);
                    std[i * outputs + k] = Math.sqrt(Math.max(quadratic(v, covariance, v), 1e-24));
                }
                output[i] = mixed;
                if (classification) {
                    balanceClasses(i, activations);
                }
            }
        }

        /**
         * Sets task i's class offsets so that, on the calibration inputs, each class wins the
         * argmax about equally often: a few rounds of raising the offsets of rare classes and
         * lowering those of frequent ones by the log of their frequency ratio.
         */
        private void balanceClasses(int i, double[] activations) {
            int h = HIDDEN_UNITS;
            int n = CALIBRATION_EXAMPLES;
            int k = outputs;
            double[] scores = new double[n * k];
            for (int e = 0; e < n; e++) {
                for (int c = 0; c < k; c++) {
                    double s = 0;
                    for (int u = 0; u < h; u++) {
                        s += output[i][c * h + u] * activations[e * h + u];
                    }
                    scores[e * k + c] = (s - mean[i * k + c]) / std[i * k + c];
                }
            }
            double[] shift = new double[k];
            int[] counts = new int[k];
            for (int round = 0; round < BALANCING_ROUNDS; round++) {
                Arrays.fill(counts, 0);
                for (int e = 0; e < n; e++) {
                    counts[argmax(scores, e * k, k, shift)]++;
                }
                for (int c = 0; c < k; c++) {
                    double frequency = (counts[c] + 0.5) / (n + 0.5 * k);
                    // damped: a rare class's offset must not jump past all others at once
                    double step = 0.5 * Math.log(1.0 / (k * frequency));
                    shift[c] += Math.max(-MAX_BALANCING_STEP, Math.min(MAX_BALANCING_STEP, step));
                }
            }
            System.arraycopy(shift, 0, offset, i * k, k);
        }

        private static int argmax(double[] scores, int from, int k, double[] shift) {
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double s = scores[from + c] + shift[c];
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            return best;
        }

        private static double quadratic(double[] x, double[] matrix, double[] y) {
            int h = x.length;
            double sum = 0;
            for (int u = 0; u < h; u++) {
                double row = 0;
                for (int w = 0; w < h; w++) {
                    row += matrix[u * h + w] * y[w];
                }
                sum += x[u] * row;
            }
            return sum;
        }

        private static double dot(double[] x, double[] y) {
            double sum = 0;
            for (int u = 0; u < x.length; u++) {
                sum += x[u] * y[u];
            }
            return sum;
        }

        private static void scale(double[] x, double factor) {
            for (int u = 0; u < x.length; u++) {
                x[u] *= factor;
            }
        }

        double[][] hiddenScratch() {
            return new double[groups][HIDDEN_UNITS];
        }

        private void hiddenLayer(int g, double[] z, double[] out) {
            double[] w = weights[g];
            double[] bias = biases[g];
            int width = features[g].length;
            for (int u = 0; u < HIDDEN_UNITS; u++) {
                double sum = bias[u];
                int row = u * width;
                for (int c = 0; c < width; c++) {
                    sum += w[row + c] * z[c];
                }
                out[u] = StrictMath.tanh(sum); // StrictMath: the same bits on every platform
            }
        }

        /**
         * The standardized scores of every task and output for one input, with the class offsets
         * added for classification.
         */
        void scores(double[] x, double[][] hidden, double[][] groupInputs, double[] scores) {
            for (int g = 0; g < groups; g++) {
                int[] f = features[g];
                double[] z = groupInputs[g];
                for (int c = 0; c < f.length; c++) {
                    z[c] = x[f[c]];
                }
                hiddenLayer(g, z, hidden[g]);
            }
            int h = HIDDEN_UNITS;
            for (int i = 0; i < tasks; i++) {
                double[] v = output[i];
                double[] in = hidden[i % groups];
                for (int k = 0; k < outputs; k++) {
                    double s = 0;
                    int row = k * h;
                    for (int u = 0; u < h; u++) {
                        s += v[row + u] * in[u];
                    }
                    int e = i * outputs + k;
                    scores[e] = (s - mean[e]) / std[e] + offset[e];
                }
            }
        }

        double[][] groupInputScratch() {
            double[][] z = new double[groups][];
            for (int g = 0; g < groups; g++) {
                z[g] = new double[features[g].length];
            }
            return z;
        }
    }
}
