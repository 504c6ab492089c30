package org.openmtl.plugins.architecture;

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
 * that reads feature i in every task's network. The penalty λ·Σ_i ‖a_i‖_q is applied not by its
 * gradient but by its proximal step after every optimizer update, with the update's step size η:
 *
 * <ul>
 *   <li>q = 2: a_i ← max(0, 1 − ηλ/‖a_i‖₂)·a_i (block soft-thresholding);
 *   <li>q = ∞: a_i ← a_i − P(a_i), P the Euclidean projection onto the ℓ1 ball of radius ηλ
 *       (the Moreau decomposition of the prox of ηλ‖·‖∞).
 * </ul>
 *
 * <p>Either way a row whose norm falls under the threshold becomes exactly zero, and the feature is
 * dropped by every task at once; {@code structure()} reports how many features survive.
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

    GroupSparse(TrunkHeadDesign design, double lambda, Norm norm) {
        this.design = design.withMlpTrunk();
        this.lambda = lambda;
        this.norm = norm;
    }

    @Override
    public MultiTaskNetwork build(NetworkContext context) {
        return new Network(design, context, lambda, norm);
    }

    /** The built network. */
    static final class Network extends ColumnNetwork {
        private final double lambda;
        private final Norm norm;
        private final List<Parameter> firstLayers = new ArrayList<>();
        private final int features;
        private final int hidden;

        Network(TrunkHeadDesign design, NetworkContext context, double lambda, Norm norm) {
            super(design, context);
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

        @Override
        public void afterUpdate(double learningRate) {
            double threshold = learningRate * lambda;
            if (threshold <= 0) {
                return;
            }
            int t = firstLayers.size();
            float[][] w = new float[t][];
            for (int k = 0; k < t; k++) {
                w[k] = firstLayers.get(k).getArray().toFloatArray();
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
