package org.openmtl.plugins.architecture;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;

/**
 * Joint feature selection by group sparsity (Obozinski, Taskar &amp; Jordan, <i>Joint covariate
 * selection and joint subspace selection for multiple classification problems</i>, Statistics and
 * Computing 2010; Argyriou, Evgeniou &amp; Pontil, <i>Convex multi-task feature learning</i>, Machine
 * Learning 2008): independent task networks with mlp trunks (images are flattened, so the features
 * are pixels) whose first-layer weights form A, one row a_i per input feature holding every weight
 * that reads feature i in every task's network. A is trained by proximal gradient descent on
 * loss + λ·Σ_i ‖a_i‖_q (the proximal SGD of the group-lasso literature): every step, A ← prox_ηλ(A −
 * η·∇A), with η = {@code prox.lr}, a plain gradient step of its own step size that the run's
 * optimizer does not touch ({@link MultiTaskNetwork#selfUpdatedParameters}); the other parameters
 * are trained by the run's optimizer. The prox of ηλ‖·‖_q per row:
 *
 * <ul>
 *   <li>q = 2: a_i ← max(0, 1 − ηλ/‖a_i‖₂)·a_i (block soft-thresholding);
 *   <li>q = ∞: a_i ← a_i − P(a_i), P the Euclidean projection onto the ℓ1 ball of radius ηλ
 *       (the Moreau decomposition of the prox of ηλ‖·‖∞).
 * </ul>
 *
 * <p>Either way a row whose norm falls under the threshold becomes exactly zero, and the feature is
 * dropped by every task at once; {@code structure()} reports how many features survive. A nonzero
 * row of a stationary point has ‖∇_{a_i} loss‖ = λ (q = 2), so λ compares directly to the loss
 * gradient's row norms, and a feature no example lights (gradient zero) loses ηλ of its row norm
 * per step.
 *
 * <p>Variant {@code update=optimizer} (the earlier behaviour, not a proximal method under Adam):
 * the run's optimizer updates A like every weight, and the prox with threshold (the optimizer's
 * learning rate)·λ follows each update.
 */
public final class GroupSparse implements Architecture {

    /** The norm inside the penalty. */
    enum Norm {
        /** ℓ1/ℓ2. */
        L2,
        /** ℓ1/ℓ∞. */
        LINF
    }

    private final TrunkHeadDesign design;
    private final double lambda;
    private final Norm norm;
    private final double proxStep;

    /**
     * Creates the architecture.
     *
     * @param design the design (its trunk made an mlp)
     * @param lambda λ
     * @param norm the row norm
     * @param proxStep η of the proximal SGD step on A; 0 for the variant in which the run's
     *     optimizer updates A and the prox uses its learning rate
     */
    GroupSparse(TrunkHeadDesign design, double lambda, Norm norm, double proxStep) {
        this.proxStep = proxStep;
        this.design = design.withMlpTrunk();
        this.lambda = lambda;
        this.norm = norm;
    }

    @Override
    public MultiTaskNetwork build(NetworkContext context) {
        return new Network(design, context, lambda, norm, proxStep);
    }

    /** The built network. */
    static final class Network extends ColumnNetwork {
        private final double lambda;
        private final Norm norm;
        private final double proxStep;
        private final List<Parameter> firstLayers = new ArrayList<>();
        private final int features;
        private final int hidden;

        Network(TrunkHeadDesign design, NetworkContext context, double lambda, Norm norm, double proxStep) {
            super(design, context);
            this.proxStep = proxStep;
            this.lambda = lambda;
            this.norm = norm;
            for (String task : tasks()) {
                Block first = stages(task).get(0);
                Parameter weight = first.getParameters().values().stream()
                        .filter(p -> p.getType() == Parameter.Type.WEIGHT).findFirst()
                        .orElseThrow(() -> new IllegalStateException("the first stage has no weight"));
                firstLayers.add(weight);
            }
            long[] shape = firstLayers.get(0).getArray().getShape().getShape();
            this.hidden = (int) shape[0];
            this.features = (int) shape[1];
        }

        /**
         * The first-layer weights, one (hidden × features) array per task, for tests.
         *
         * @return the parameters
         */
        List<Parameter> firstLayers() {
            return firstLayers;
        }

        /** With proximal SGD, A is stepped here, not by the run's optimizer. */
        @Override
        public List<Parameter> selfUpdatedParameters() {
            return proxStep > 0 ? List.copyOf(firstLayers) : List.of();
        }

        @Override
        public void afterUpdate(double learningRate) {
            int t = firstLayers.size();
            float[][] w = new float[t][];
            for (int k = 0; k < t; k++) {
                w[k] = firstLayers.get(k).getArray().toFloatArray();
            }
            double threshold;
            if (proxStep > 0) {
                // the gradient step of proximal SGD, then the prox below with threshold ηλ
                for (int k = 0; k < t; k++) {
                    float[] g;
                    try (NDArray gradient = firstLayers.get(k).getArray().getGradient()) {
                        g = gradient.toFloatArray();
                    }
                    for (int j = 0; j < g.length; j++) {
                        w[k][j] -= (float) (proxStep * g[j]);
                    }
                }
                threshold = proxStep * lambda;
            } else {
                threshold = learningRate * lambda;
            }
            if (threshold <= 0) {
                if (proxStep > 0) {
                    for (int k = 0; k < t; k++) {
                        firstLayers.get(k).getArray().set(w[k]);
                    }
                }
                return;
            }
            double[] row = new double[t * hidden];
            for (int i = 0; i < features; i++) {
                // a_i: every weight reading feature i, task by task, hidden unit by hidden unit
                for (int k = 0; k < t; k++) {
                    for (int h = 0; h < hidden; h++) {
                        row[k * hidden + h] = w[k][h * features + i];
                    }
                }
                double[] shrunk = norm == Norm.L2 ? Prox.groupL2(row, threshold) : Prox.linf(row, threshold);
                for (int k = 0; k < t; k++) {
                    for (int h = 0; h < hidden; h++) {
                        w[k][h * features + i] = (float) shrunk[k * hidden + h];
                    }
                }
            }
            for (int k = 0; k < t; k++) {
                firstLayers.get(k).getArray().set(w[k]);
            }
        }

        /**
         * The input features every task still reads.
         *
         * @return the indices of the non-zero rows of A
         */
        List<Integer> keptFeatures() {
            int t = firstLayers.size();
            float[][] w = new float[t][];
            for (int k = 0; k < t; k++) {
                w[k] = firstLayers.get(k).getArray().toFloatArray();
            }
            List<Integer> kept = new ArrayList<>();
            for (int i = 0; i < features; i++) {
                boolean any = false;
                for (int k = 0; k < t && !any; k++) {
                    for (int h = 0; h < hidden && !any; h++) {
                        any = w[k][h * features + i] != 0f;
                    }
                }
                if (any) {
                    kept.add(i);
                }
            }
            return kept;
        }

        /**
         * How many input features survive.
         *
         * @return {@code features}, {@code features_kept}, {@code kept} (indices)
         */
        @Override
        public Map<String, Object> structure() {
            List<Integer> kept = keptFeatures();
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("features", features);
            s.put("features_kept", kept.size());
            s.put("kept", kept);
            return s;
        }
    }

    /** The proximal operators, on one row. */
    static final class Prox {
        private Prox() {}

        /**
         * argmin_x ½‖x − v‖² + τ‖x‖₂ = max(0, 1 − τ/‖v‖)·v.
         *
         * @param v the row
         * @param tau the threshold
         * @return the shrunk row (a new array)
         */
        static double[] groupL2(double[] v, double tau) {
            double n = 0;
            for (double x : v) {
                n += x * x;
            }
            n = Math.sqrt(n);
            double scale = n <= tau ? 0 : 1 - tau / n;
            double[] out = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = scale * v[i];
            }
            return out;
        }

        /**
         * argmin_x ½‖x − v‖² + τ‖x‖∞ = v − P(v), P the projection onto {‖y‖₁ ≤ τ}.
         *
         * @param v the row
         * @param tau the threshold
         * @return the shrunk row (a new array); all zeros when ‖v‖₁ ≤ τ
         */
        static double[] linf(double[] v, double tau) {
            double l1 = 0;
            for (double x : v) {
                l1 += Math.abs(x);
            }
            double[] out = new double[v.length];
            if (l1 <= tau) {
                return out;
            }
            // projection onto the l1 ball: soft-threshold by θ with Σ max(|v_i| − θ, 0) = τ
            double[] a = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                a[i] = Math.abs(v[i]);
            }
            Arrays.sort(a);
            double cumulative = 0;
            double theta = 0;
            for (int k = a.length - 1; k >= 0; k--) {
                cumulative += a[k];
                int count = a.length - k;
                double candidate = (cumulative - tau) / count;
                if (k == 0 || a[k - 1] <= candidate) {
                    theta = candidate;
                    break;
                }
            }
            for (int i = 0; i < v.length; i++) {
                double projected = Math.signum(v[i]) * Math.max(Math.abs(v[i]) - theta, 0);
                out[i] = v[i] - projected;
            }
            return out;
        }
    }
}
