package org.openmtl.plugins.weak;

import java.util.List;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.openmtl.api.weak.FittedLabelModel;
import org.openmtl.api.weak.LabelModel;
import org.openmtl.api.weak.LabelingSource;
import org.openmtl.api.weak.ProbabilisticLabels;
import org.openmtl.api.weak.SourceDependencies;
import org.openmtl.api.weak.SourceVotes;
import org.openmtl.api.weak.TaskGraph;

/**
 * The MeTaL label model (Ratner, Hancock, Dunnmon, Sala, Pandey &amp; Ré, <i>Training Complex
 * Models with Multi-Task Weak Supervision</i>, AAAI 2019).
 *
 * <p>The true label Y ranges over the task graph's feasible label vectors (k of them, class
 * balance P = diag(p), uniform). Each source j is encoded as ψ_j, the one-hot indicator of its
 * non-abstain label vector ({@link VoteEncoding}); μ = E[ψ | Y] (d × k) holds
 * μ[(j, v), y] = P(λ_j = v | Y = y). The observed overlaps O = E[ψ ψ^T] decompose as
 * O = μ P μ^T + D with D block-diagonal over the connected components of the source dependency
 * graph (sources in different components are conditionally independent given Y). The model
 * estimates μ without labels by matrix completion on the entries Ω that D leaves free:
 *
 * <ul>
 *   <li>{@code inverse} (the paper's algorithm): by Woodbury, O^{-1} + Z Z^T = D^{-1} for
 *       Z = D^{-1} μ P^{1/2} (I + P^{1/2} μ^T D^{-1} μ P^{1/2})^{-1/2}, so Z solves
 *       min ||(O^{-1} + Z Z^T)_Ω||²; then Q = O Z (I + Z^T O Z)^{-1} Z^T O = μ P μ^T and μ solves
 *       min ||Q − μ P μ^T||² + ||μ P 1 − diag(O)||².
 *   <li>{@code direct}: μ solves min ||(O − μ P μ^T)_Ω||² + ||μ P 1 − diag(O)||² (what the
 *       authors' code fits when no dependency is given).
 * </ul>
 *
 * <p>Both start from sources of accuracy {@code initialAccuracy} (which breaks the label-swap
 * symmetry towards better-than-random sources) and run L-BFGS to convergence. The posterior is
 * P(y | λ) ∝ p_y Π_{j voting} μ[(j, λ_j), y] with μ clipped to [0.01, 0.99] as in the authors'
 * code (abstains carry no evidence); per-task labels are its marginals, so they respect the task
 * graph.
 */
public final class MetalLabelModel implements LabelModel {

    /** Which objective estimates μ. */
    public enum Form {
        /** Inverse form with a dependency graph, direct form without (the authors' code). */
        AUTO,
        /** The paper's algorithm: complete the inverse of the overlap matrix. */
        INVERSE,
        /** Fit the overlap matrix's off-block entries directly. */
        DIRECT
    }

    /**
     * The model's settings.
     *
     * @param form the objective
     * @param initialAccuracy the accuracy every source starts from, in (1/k, 1)
     * @param maxIterations L-BFGS iterations per optimisation, at most
     * @param tolerance the gradient's largest entry at which an optimisation stops
     * @param seed the seed of the inverse form's random start for Z
     */
    public record Settings(Form form, double initialAccuracy, int maxIterations, double tolerance, long seed) {}

    private static final double MIN_MU = 0.01;
    private static final double MAX_MU = 0.99;

    private final Settings settings;

    /**
     * Creates the model.
     *
     * @param settings its settings
     */
    public MetalLabelModel(Settings settings) {
        this.settings = settings;
    }

    /**
     * The model's settings.
     *
     * @return the settings
     */
    public Settings settings() {
        return settings;
    }

    @Override
    public Fitted fit(SourceVotes votes, SourceDependencies dependencies) {
        TaskGraph graph = votes.graph();
        List<int[]> ys = graph.feasible();
        int k = ys.size();
        int n = votes.exampleCount();
        int m = votes.sourceCount();
        if (n == 0) {
            throw new IllegalArgumentException("no examples to fit the label model on");
        }
        if (m < 3) {
            throw new IllegalArgumentException("the label model needs at least 3 labeling sources to"
                    + " identify their accuracies without labels, got " + m);
        }
        double[] p = new double[k];
        java.util.Arrays.fill(p, 1.0 / k);
        VoteEncoding encoding = new VoteEncoding(votes);
        int d = encoding.columns();
        DMatrixRMaj overlaps = overlaps(votes, encoding);
        int[] component = dependencies.components(m);
        boolean[][] free = new boolean[d][d];
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                free[a][b] = component[encoding.sourceOf(a)] != component[encoding.sourceOf(b)];
            }
        }
        double[] marginals = new double[d];
        for (int a = 0; a < d; a++) {
            marginals[a] = overlaps.get(a, a);
        }
        double[] mu0 = initialMu(encoding, ys, p, marginals);
        Form form = settings.form() == Form.AUTO
                ? (dependencies.isEmpty() ? Form.DIRECT : Form.INVERSE)
                : settings.form();
        double[] mu;
        if (form == Form.INVERSE) {
            DMatrixRMaj q = lowRankPart(overlaps, free, k);
            mu = Lbfgs.minimize((x, g) -> fitToLowRank(x, g, q, null, p, marginals, d, k),
                    mu0, settings.maxIterations(), settings.tolerance()).x();
        } else {
            mu = Lbfgs.minimize((x, g) -> fitToLowRank(x, g, overlaps, free, p, marginals, d, k),
                    mu0, settings.maxIterations(), settings.tolerance()).x();
        }
        return new Fitted(graph, votes.sources(), encoding, mu, p, form);
    }

    /** O = (1/n) Σ ψ ψ^T over the fit's examples. */
    static DMatrixRMaj overlaps(SourceVotes votes, VoteEncoding encoding) {
        int d = encoding.columns();
        int m = votes.sourceCount();
        double[] counts = new double[d * d];
        int[] active = new int[m];
        for (int i = 0; i < votes.exampleCount(); i++) {
            int count = 0;
            for (int j = 0; j < m; j++) {
                int c = encoding.category(votes, i, j);
                int column = c < 0 ? -1 : encoding.column(j, c);
                if (column >= 0) {
                    active[count++] = column;
                }
            }
            for (int a = 0; a < count; a++) {
                for (int b = 0; b < count; b++) {
                    counts[active[a] * d + active[b]]++;
                }
            }
        }
        DMatrixRMaj o = new DMatrixRMaj(d, d);
        for (int a = 0; a < d * d; a++) {
            o.data[a] = counts[a] / votes.exampleCount();
        }
        return o;
    }

    /**
     * The start: a source votes a category agreeing with Y with probability {@code
     * initialAccuracy} times its rate, any other category with the rest, so that μ P 1 matches
     * the observed marginals.
     */
    private double[] initialMu(VoteEncoding encoding, List<int[]> ys, double[] p, double[] marginals) {
        int k = ys.size();
        double a0 = settings.initialAccuracy();
        double[] mu = new double[encoding.columns() * k];
        for (int j = 0; j < encoding.sourceCount(); j++) {
            for (int c = 0; c < encoding.categories(j).size(); c++) {
                int column = encoding.column(j, c);
                if (column < 0) {
                    continue;
                }
                double agreeMass = 0;
                for (int y = 0; y < k; y++) {
                    if (encoding.agrees(j, c, ys.get(y))) {
                        agreeMass += p[y];
                    }
                }
                for (int y = 0; y < k; y++) {
                    boolean agrees = encoding.agrees(j, c, ys.get(y));
                    double value = agrees
                            ? marginals[column] * a0 / agreeMass
                            : (agreeMass < 1 ? marginals[column] * (1 - a0) / (1 - agreeMass) : 0);
                    mu[column * k + y] = Math.min(1, Math.max(0, value));
                }
            }
        }
        return mu;
    }

    /**
     * The inverse form's first stage: Z from the free entries of O^{-1}, then Q = μ P μ^T.
     */
    private DMatrixRMaj lowRankPart(DMatrixRMaj overlaps, boolean[][] free, int k) {
        int d = overlaps.numRows;
        DMatrixRMaj inverse = new DMatrixRMaj(d, d);
        boolean ok = CommonOps_DDRM.invert(overlaps.copy(), inverse);
        DMatrixRMaj check = new DMatrixRMaj(d, d);
        CommonOps_DDRM.mult(overlaps, inverse, check);
        for (int a = 0; ok && a < d; a++) {
            for (int b = 0; b < d; b++) {
                if (Math.abs(check.get(a, b) - (a == b ? 1 : 0)) > 1e-6) {
                    ok = false;
                    break;
                }
            }
        }
        if (!ok) {
            throw new IllegalArgumentException("the sources' overlap matrix is singular, so the inverse"
                    + " form cannot be used (two sources that always vote alike, or too few examples);"
                    + " use the direct form");
        }
        Random random = new Random(settings.seed());
        double[] z0 = new double[d * k];
        for (int i = 0; i < z0.length; i++) {
            z0[i] = random.nextGaussian();
        }
        double[] z = Lbfgs.minimize((x, g) -> completeInverse(x, g, inverse, free, d, k),
                z0, settings.maxIterations(), settings.tolerance()).x();
        DMatrixRMaj zm = DMatrixRMaj.wrap(d, k, z);
        DMatrixRMaj oz = new DMatrixRMaj(d, k);
        CommonOps_DDRM.mult(overlaps, zm, oz);
        DMatrixRMaj inner = new DMatrixRMaj(k, k);
        CommonOps_DDRM.multTransA(zm, oz, inner);
        for (int i = 0; i < k; i++) {
            inner.add(i, i, 1);
        }
        DMatrixRMaj innerInverse = new DMatrixRMaj(k, k);
        if (!CommonOps_DDRM.invert(inner, innerInverse)) {
            throw new IllegalArgumentException("the inverse form's I + Z^T O Z is singular; use the direct form");
        }
        DMatrixRMaj left = new DMatrixRMaj(d, k);
        CommonOps_DDRM.mult(oz, innerInverse, left);
        DMatrixRMaj q = new DMatrixRMaj(d, d);
        CommonOps_DDRM.multTransB(left, oz, q);
        return q;
    }

    /** ||(O^{-1} + Z Z^T)_Ω||² and its gradient 4 (Ω ⊙ (O^{-1} + Z Z^T)) Z. */
    private static double completeInverse(double[] z, double[] gradient, DMatrixRMaj inverse,
            boolean[][] free, int d, int k) {
        DMatrixRMaj zm = DMatrixRMaj.wrap(d, k, z);
        DMatrixRMaj residual = new DMatrixRMaj(d, d);
        CommonOps_DDRM.multTransB(zm, zm, residual);
        double value = 0;
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                double r = free[a][b] ? residual.get(a, b) + inverse.get(a, b) : 0;
                residual.set(a, b, r);
                value += r * r;
            }
        }
        DMatrixRMaj g = DMatrixRMaj.wrap(d, k, gradient);
        CommonOps_DDRM.mult(4, residual, zm, g);
        return value;
    }

    /**
     * ||(T − μ P μ^T)_Ω||² + ||μ P 1 − o||² (Ω = all entries when {@code free} is null) and its
     * gradient −4 (Ω ⊙ R) μ P + 2 (μ P 1 − o) p^T.
     */
    static double fitToLowRank(double[] mu, double[] gradient, DMatrixRMaj target, boolean[][] free,
            double[] p, double[] marginals, int d, int k) {
        DMatrixRMaj mum = DMatrixRMaj.wrap(d, k, mu);
        DMatrixRMaj mup = new DMatrixRMaj(d, k);
        for (int a = 0; a < d; a++) {
            for (int y = 0; y < k; y++) {
                mup.set(a, y, mu[a * k + y] * p[y]);
            }
        }
        DMatrixRMaj residual = new DMatrixRMaj(d, d);
        CommonOps_DDRM.multTransB(mup, mum, residual);
        double value = 0;
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                double r = free == null || free[a][b] ? target.get(a, b) - residual.get(a, b) : 0;
                residual.set(a, b, r);
                value += r * r;
            }
        }
        DMatrixRMaj g = DMatrixRMaj.wrap(d, k, gradient);
        CommonOps_DDRM.mult(-4, residual, mup, g);
        for (int a = 0; a < d; a++) {
            double rowSum = 0;
            for (int y = 0; y < k; y++) {
                rowSum += mup.get(a, y);
            }
            double gap = rowSum - marginals[a];
            value += gap * gap;
            for (int y = 0; y < k; y++) {
                gradient[a * k + y] += 2 * gap * p[y];
            }
        }
        return value;
    }

    /** The fitted model: μ, and the posterior it implies. */
    public static final class Fitted implements FittedLabelModel {
        private final TaskGraph graph;
        private final List<LabelingSource> sources;
        private final VoteEncoding encoding;
        private final double[] mu;
        private final double[] p;
        private final Form form;

        Fitted(TaskGraph graph, List<LabelingSource> sources, VoteEncoding encoding, double[] mu, double[] p,
                Form form) {
            this.graph = graph;
            this.sources = sources;
            this.encoding = encoding;
            this.mu = mu;
            this.p = p;
            this.form = form;
        }

        /**
         * The objective that estimated μ ({@code auto} resolved).
         *
         * @return inverse or direct
         */
        public Form form() {
            return form;
        }

        /**
         * P(λ_j = v | Y = y) as estimated (not clipped).
         *
         * @param source j
         * @param category the index of v among the source's categories
         * @param label the index of y among the feasible vectors
         * @return the estimate
         */
        public double conditional(int source, int category, int label) {
            int k = p.length;
            int column = encoding.column(source, category);
            if (column >= 0) {
                return mu[column * k + label];
            }
            double rest = 1;
            for (int c = 0; c < encoding.categories(source).size() - 1; c++) {
                rest -= mu[encoding.column(source, c) * k + label];
            }
            return rest;
        }

        @Override
        public double[] sourceAccuracies() {
            List<int[]> ys = graph.feasible();
            double[] accuracy = new double[encoding.sourceCount()];
            for (int j = 0; j < accuracy.length; j++) {
                double agree = 0;
                for (int c = 0; c < encoding.categories(j).size(); c++) {
                    for (int y = 0; y < ys.size(); y++) {
                        if (encoding.agrees(j, c, ys.get(y))) {
                            agree += p[y] * conditional(j, c, y);
                        }
                    }
                }
                accuracy[j] = Math.min(1, Math.max(0, agree / encoding.coverage(j)));
            }
            return accuracy;
        }

        @Override
        public ProbabilisticLabels predict(SourceVotes votes) {
            if (!votes.graph().equals(graph) || !votes.sources().equals(sources)) {
                throw new IllegalArgumentException("the votes come from other tasks or sources than the"
                        + " fit's: " + votes.graph() + " " + votes.sources() + " vs " + graph + " " + sources);
            }
            List<int[]> ys = graph.feasible();
            int k = ys.size();
            int n = votes.exampleCount();
            double[][][] out = new double[graph.taskCount()][n][];
            for (int t = 0; t < graph.taskCount(); t++) {
                for (int i = 0; i < n; i++) {
                    out[t][i] = new double[graph.cardinality(t)];
                }
            }
            double[] score = new double[k];
            for (int i = 0; i < n; i++) {
                for (int y = 0; y < k; y++) {
                    score[y] = Math.log(p[y]);
                }
                for (int j = 0; j < encoding.sourceCount(); j++) {
                    int c = encoding.category(votes, i, j);
                    if (c < 0) {
                        continue;
                    }
                    for (int y = 0; y < k; y++) {
                        double value = Math.min(MAX_MU, Math.max(MIN_MU, conditional(j, c, y)));
                        score[y] += Math.log(value);
                    }
                }
                double max = Double.NEGATIVE_INFINITY;
                for (double s : score) {
                    max = Math.max(max, s);
                }
                double total = 0;
                for (int y = 0; y < k; y++) {
                    score[y] = Math.exp(score[y] - max);
                    total += score[y];
                }
                for (int y = 0; y < k; y++) {
                    int[] labels = ys.get(y);
                    for (int t = 0; t < labels.length; t++) {
                        out[t][i][labels[t] - 1] += score[y] / total;
                    }
                }
            }
            return new ProbabilisticLabels(graph, out);
        }
    }
}
