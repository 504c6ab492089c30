package org.openmtl.plugins.weighting;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.ConstantInitializer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskGradients;
import org.openmtl.api.weighting.TaskLosses;
import org.openmtl.api.weighting.WeightingContext;

/**
 * IMTL, Impartial Multi-Task Learning: Liu, Li, Kuang, Xue, Chen, Yang, Liao &amp; Zhang,
 * <i>Towards Impartial Multi-task Learning</i>, ICLR 2021: the hybrid of the paper's Section 3.3
 * (weighting {@code imtl}, {@code variant=hybrid}, the default), or its gradient part IMTL-G alone
 * ({@code variant=g}).
 *
 * <p>The hybrid learns a log-scale s_t per task (IMTL-L, key {@code init}, trained by the run's
 * optimizer) and balances the gradients of the scaled objectives e^{s_t}·L_t − s_t with IMTL-G:
 * {@link #taskObjectives} returns those objectives, so the trainer differentiates them; the
 * shared parameters get Σ_t α_t ∇(e^{s_t} L_t), each head its own e^{s_t} ∇L_t and each s_t its
 * e^{s_t} L_t − 1. This is the method as LibMTL implements it ({@code LibMTL/weighting/IMTL.py}),
 * against which a test checks it on fixed inputs. IMTL-G alone differentiates the raw losses.
 *
 * <p><b>IMTL-G.</b>
 * <p>The combined gradient g = Σ_i α_i g_i has the same projection onto every task's unit gradient
 * u_i = g_i/‖g_i‖, and Σ_i α_i = 1. The paper writes the solution with D = [g_1 − g_2, …, g_1 −
 * g_K]ᵀ and U = [u_1 − u_2, …, u_1 − u_K]ᵀ as α_{2..K} = g_1Uᵀ(DUᵀ)⁻¹, α_1 = 1 − Σ_{i≥2} α_i. From
 * the Gramian alone: g·u_i = (Gα)_i/n_i with n_i = ‖g_i‖, so the condition is G α = c·n; with C
 * the Gramian of the unit gradients (C_ij = G_ij/(n_i n_j)) and α_i = y_i/n_i it is C y = c·1, so
 *
 * <pre>
 *     y = C⁻¹ 1,   x_i = y_i / n_i,   α = x / Σ_j x_j,
 * </pre>
 *
 * the paper's α whenever its DUᵀ is invertible (for two tasks α ∝ (n_2, n_1): the bisector of the
 * unit gradients).
 *
 * <p>Deviations, each only where the paper's formula breaks down:
 *
 * <ul>
 *   <li>Rank-deficient gradients (DUᵀ singular): C⁻¹ is replaced by the pseudo-inverse C⁺
 *       (eigenvalues at or below K·λ_max times single-precision epsilon treated as zero), the
 *       least-squares choice for equal projections. Quinton &amp; Rey's generalization (torchjd's
 *       IMTL-G) uses G⁺n instead; C⁺1 keeps IMTL's invariance to each loss's scale there too.
 *   <li>The paper's normalization Σα = 1 divides by Σx. When Σx &lt; 0 (on random instances with
 *       three or more tasks this happens about one time in twelve) that turns the common
 *       projection c = 1/Σx negative: the update would increase every loss to first order. Here α =
 *       x/|Σx|, so the projections stay equal and positive and Σα = −1 in that case. When Σx is
 *       zero to rounding the weights are 0 for this step (no shared update), as in torchjd.
 *   <li>A task whose gradient vanishes this step (norm below a millionth of the largest) has no
 *       unit gradient: it gets weight 0 and its {@link #lastWeights()} entry keeps its value.
 * </ul>
 *
 * <p>Between updates ({@code update.every} &gt; 1) the trainer reuses the last α as weights of the
 * objectives (the scaled ones in the hybrid).
 */
public final class ImtlWeighting extends RecordedWeighting {

    /** Below this |Σx|/Σ|x| the normalization Σα = ±1 is undefined. */
    private static final double DEGENERATE = 1e-12;


    /** The loss scales' parameter name (recorded in checkpoints, so it must not change). */
    static final String PARAMETER_NAME = "loss_scale";

    private final boolean scaleLosses;
    private final float init;
    private RunTaskOrder order;
    private Parameter logScale;

    /** IMTL-G alone. */
    ImtlWeighting(int updateEvery) {
        this(updateEvery, false, 0);
    }

    /**
     * IMTL-G, on the scaled objectives when {@code scaleLosses} (the hybrid).
     *
     * @param updateEvery combine every this many steps
     * @param scaleLosses whether to learn IMTL-L's loss scales (the hybrid)
     * @param init the initial log-scale of every task
     */
    ImtlWeighting(int updateEvery, boolean scaleLosses, double init) {
        super("imtl", updateEvery);
        this.scaleLosses = scaleLosses;
        this.init = (float) init;
    }

    @Override
    void initialized(WeightingContext context) {
        if (!scaleLosses) {
            return;
        }
        order = new RunTaskOrder(context.tasks());
        logScale = Parameter.builder()
                .setName(PARAMETER_NAME)
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(order.size()))
                .optInitializer(new ConstantInitializer(init))
                .build();
        logScale.initialize(context.manager(), DataType.FLOAT32);
    }

    @Override
    public List<Parameter> parameters() {
        return logScale == null ? List.of() : List.of(logScale);
    }

    /**
     * The hybrid's scaled objectives e^{s_t}·L_t − s_t; the losses themselves for IMTL-G alone.
     *
     * @param losses the step's losses
     * @param step the step's position and manager
     * @return one objective per task
     */
    @Override
    public List<NDArray> taskObjectives(TaskLosses losses, StepContext step) {
        if (!scaleLosses) {
            return super.taskObjectives(losses, step);
        }
        if (logScale == null) {
            throw new IllegalStateException("the weighting is used before initialize()");
        }
        NDManager manager = step.manager();
        int[] positions = order.positions(losses.tasks());
        long[] index = new long[positions.length];
        for (int i = 0; i < index.length; i++) {
            index[i] = positions[i];
        }
        NDArray s = logScale.getArray().take(manager, manager.create(index));
        NDArray scaled = LossVector.of(losses).mul(s.exp()).sub(s);
        List<NDArray> objectives = new ArrayList<>(positions.length);
        for (int i = 0; i < positions.length; i++) {
            objectives.add(scaled.get(i));
        }
        return objectives;
    }

    @Override
    public GradientRequirement requirement() {
        return GradientRequirement.GRAMIAN;
    }

    @Override
    public Combination combine(TaskGradients gradients, StepContext step) {
        List<String> tasks = gradients.losses().tasks();
        int[] positions = history().positions(tasks);
        StepGramian gramian = StepGramian.of(gradients.gramian(), tasks.size());
        int[] active = gramian.nonVanishing();
        if (active.length == 0) {
            // every gradient is zero: any weights give the same (zero) update; keep the last ones
            return Combination.weights(history().get(positions));
        }
        double[] alpha = impartialWeights(gramian.restrict(active));
        double[] weights = new double[tasks.size()];
        if (alpha == null) {
            return Combination.weights(weights);
        }
        for (int a = 0; a < active.length; a++) {
            weights[active[a]] = alpha[a];
            history().set(positions[active[a]], alpha[a]);
        }
        return Combination.weights(weights);
    }

    /**
     * The IMTL-G weights of tasks whose gradients are all non-zero.
     *
     * @param gramian their Gramian
     * @return α, with equal positive projections of Σα_i g_i onto every u_i and |Σα| = 1; null
     *     when Σx vanishes and no such normalization exists
     */
    static double[] impartialWeights(StepGramian gramian) {
        int k = gramian.size();
        double[] norms = gramian.norms();
        double[] ones = new double[k];
        Arrays.fill(ones, 1.0);
        double[] y =
                SymmetricEigen.of(gramian.correlation())
                        .pseudoInverseTimes(ones, StepGramian.FLOAT_EPSILON);
        double sum = 0;
        double absoluteSum = 0;
        double[] x = new double[k];
        for (int i = 0; i < k; i++) {
            x[i] = y[i] / norms[i];
            sum += x[i];
            absoluteSum += Math.abs(x[i]);
        }
        if (!(Math.abs(sum) > DEGENERATE * absoluteSum)) {
            return null;
        }
        double[] alpha = new double[k];
        for (int i = 0; i < k; i++) {
            alpha[i] = x[i] / Math.abs(sum);
        }
        return alpha;
    }

}
