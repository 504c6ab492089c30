package org.openmtl.plugins.weighting;

import java.util.List;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskGradients;

/**
 * Nash-MTL: Navon, Shamsian, Achituve, Maron, Kawaguchi, Chechik &amp; Fetaya, <i>Multi-Task
 * Learning as a Bargaining Game</i>, ICML 2022 (PMLR 162).
 *
 * <p>The tasks bargain over the update Δθ = Σ_i α_i g_i inside a ball; the Nash bargaining
 * solution maximizes Σ_i log(Δθ·g_i), and its weights are the positive solution of
 *
 * <pre>
 *     G α = 1/α   (elementwise),   G_ij = g_i·g_j,
 * </pre>
 *
 * which gives every task the same "utility times weight", α_i (Δθ·g_i) = 1, and ‖Δθ‖² = αᵀGα = K.
 * For orthogonal gradients α_i = 1/‖g_i‖. The weights are computed from the Gramian alone.
 *
 * <p>Solver. The paper approximates the solution with a sequence of convex programs solved by
 * cvxpy; here the condition is solved directly: with n_i = ‖g_i‖ and β_i = n_i α_i it reads C β =
 * 1/β for the Gramian of the unit gradients C_ij = G_ij/(n_i n_j), which {@link
 * NashBargainingSolver} solves by damped Newton on a strictly convex function (at most {@code
 * max.iterations} steps; it stops once converged, after fewer than 10 steps for well-spread
 * gradients and at most about 17 for nearly collinear or opposed ones in tests of 20,000 random
 * instances). Working with C makes the problem independent of each loss's scale and well
 * conditioned for gradients of very different norms.
 *
 * <p>Singular Gramians. When gradients are linearly dependent with an all-positive combination of
 * them zero (e.g. two exactly opposed gradients) the condition has no solution: α grows without
 * bound while Δθ tends to 0. A ridge keeps it bounded: C + ρI is used, i.e. the weights solve (G +
 * ρ·diag(G)) α = 1/α, with ρ the key {@code ridge} (default 1e-6, which moves the solution of a
 * well-conditioned problem by about that relative amount; the opposed pair above then gets weights
 * of order 1/√ρ while Δθ stays 0). A task whose gradient vanishes this step (norm below a
 * millionth of the largest) takes no part in the bargaining: its weight in the combination is 0
 * and its entry in {@link #lastWeights()} keeps its previous value.
 *
 * <p>Scale. The authors' code hands its convex programs the Gramian divided by nf = ‖G‖_F and
 * constrains −log(α_i·nf) − log((Gα/nf)_i) ≤ 0, i.e. α_i (Gα)_i ≥ 1 on the raw Gramian: the same
 * fixed point G α = 1/α as here, with no rescaling of α.
 *
 * <p>As in the authors' code: the heads (task-specific parameters) get each task's gradient scaled
 * by α_i ({@code heads=weighted}, a backward of Σ α_i L_i), and the shared parameters' gradient is
 * clipped to norm {@code max.norm} = 1 afterwards, on every step; at the solution ‖Σ_i α_i g_i‖ =
 * √K, so the clipping is active on every update step for K ≥ 2.
 *
 * <p>Between updates ({@code update.every} &gt; 1, the paper's experiments use 25 for speed) the
 * trainer reuses the last α as loss weights, as the authors' code does.
 */
public final class NashMtlWeighting extends RecordedWeighting {

    private final int maxIterations;
    private final double ridge;
    private final double maxNorm;
    private final boolean weightsHeads;
    private int lastIterations;
    private boolean lastConverged = true;

    NashMtlWeighting(
            int updateEvery, int maxIterations, double ridge, double maxNorm, boolean weightsHeads) {
        super("nash-mtl", updateEvery);
        this.maxIterations = maxIterations;
        this.ridge = ridge;
        this.maxNorm = maxNorm;
        this.weightsHeads = weightsHeads;
    }

    @Override
    public boolean weightsHeads() {
        return weightsHeads;
    }

    @Override
    public double sharedGradientMaxNorm() {
        return maxNorm;
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
        double[] weights = new double[tasks.size()];
        int[] active = gramian.nonVanishing();
        if (active.length == 0) {
            // every gradient is zero: any weights give the same (zero) update; keep the last ones
            return Combination.weights(history().get(positions));
        }
        double[] alpha = solve(gramian.restrict(active));
        for (int a = 0; a < active.length; a++) {
            weights[active[a]] = alpha[a];
            history().set(positions[active[a]], alpha[a]);
        }
        return Combination.weights(weights);
    }

    /**
     * The bargaining weights of tasks whose gradients are all non-zero.
     *
     * @param gramian their Gramian
     * @return α with (G + ρ·diag(G)) α = 1/α
     */
    double[] solve(StepGramian gramian) {
        double[][] c = gramian.correlation();
        for (int i = 0; i < c.length; i++) {
            c[i][i] += ridge;
        }
        NashBargainingSolver.Solution solution = NashBargainingSolver.solve(c, maxIterations);
        lastIterations = solution.iterations();
        lastConverged = solution.converged();
        double[] norms = gramian.norms();
        double[] alpha = new double[norms.length];
        for (int i = 0; i < alpha.length; i++) {
            alpha[i] = solution.beta()[i] / norms[i];
        }
        return alpha;
    }

    /**
     * Whether the last solve converged within {@code max.iterations} (for tests and diagnostics).
     *
     * @return true when the Newton decrement fell below its tolerance
     */
    boolean lastSolveConverged() {
        return lastConverged;
    }

    /**
     * The Newton steps of the last solve.
     *
     * @return the count
     */
    int lastSolveIterations() {
        return lastIterations;
    }

}
