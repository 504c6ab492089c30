package org.openmtl.plugins.weighting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskGradients;
import org.openmtl.api.weighting.WeightingContext;

/**
 * GradVac (Gradient Vaccine): Wang, Tsvetkov, Firat &amp; Cao, <i>Gradient Vaccine: Investigating
 * and Improving Multi-task Optimization in Massively Multilingual Models</i>, ICLR 2021.
 *
 * <p>Each ordered pair of tasks (i, j) has a target cosine φ̂_ij, an exponential moving average of
 * the cosines observed between them (key {@code beta}, default 0.01; targets start at 0). Each
 * step, for each task i, g_i^PC starts as g_i and visits the other tasks j in a random order. With
 * φ = cos(g_i^PC, g_j), when φ &lt; φ̂_ij a multiple of the original g_j is added so that the
 * cosine becomes exactly φ̂_ij (the paper's closed form):
 *
 * <pre>
 *     g_i^PC ← g_i^PC + ‖g_i^PC‖ (φ̂_ij √(1 − φ²) − φ √(1 − φ̂_ij²)) / (‖g_j‖ √(1 − φ̂_ij²)) · g_j,
 * </pre>
 *
 * and in every case φ̂_ij ← (1 − β) φ̂_ij + β φ, with the cosine φ measured before the adjustment
 * (Algorithm 1 of the paper). The update is Σ_i g_i^PC. With β = 0 every target stays 0 and GradVac
 * is PCGrad (the adjustment to cosine 0 is the projection onto the normal plane).
 *
 * <p>As in {@link PcGradWeighting}, g_i^PC = Σ_m c_im g_m is tracked through its coefficients, all
 * norms and cosines come from the Gramian, and the update is returned as the task weights w_m = Σ_i
 * c_im (all 1 when no cosine is below its target). The orders are drawn from the plugin's seed and
 * the step's global index ({@link StepRandom}). The targets are the weighting's state and are saved
 * in checkpoints; a step of some tasks reads and updates only their pairs.
 *
 * <p>Deviations: the paper applies the method per layer or parameter group, with one target per
 * group and pair; here the whole shared-parameter gradient is one group (the Gramian is all the
 * trainer provides; LibMTL's {@code group_type=0}). A pair in which either vector vanishes (squared
 * norm at most {@link StepGramian#VANISHING} times the largest of the step) has no cosine: it is
 * neither adjusted nor averaged. A target of exactly 1 cannot be reached by adding a finite
 * multiple of g_j and is not enforced. The target moves at every visit, as in the paper's Algorithm
 * 1 and LibMTL since its commit d2d84fa (earlier LibMTL versions moved it only when the pair was
 * adjusted). Between updates ({@code update.every} &gt; 1) the trainer reuses the last weights as
 * loss weights.
 *
 * <p>Reference check: LibMTL's {@code GradVac} at commit 4336804 with {@code GradVac_group_type=0}
 * gives the same update and targets over several steps when its visiting orders are replayed
 * ({@code GradVacWeightingTest}, test resources {@code reference/gradvac/}).
 */
public final class GradVacWeighting extends RecordedWeighting {

    /** The state key of the targets: K·K values, φ̂_ij at i·K + j, in run order. */
    static final String TARGETS = "targets";

    private final double beta;
    private final long seed;
    private List<String> runTasks;
    private double[][] targets;

    GradVacWeighting(int updateEvery, double beta, long seed) {
        super("gradvac", updateEvery);
        if (!(beta >= 0 && beta <= 1)) {
            throw new IllegalArgumentException("beta must be in [0, 1], got " + beta);
        }
        this.beta = beta;
        this.seed = seed;
    }

    @Override
    public GradientRequirement requirement() {
        return GradientRequirement.GRAMIAN;
    }

    @Override
    void initialized(WeightingContext context) {
        runTasks = List.copyOf(context.tasks());
        targets = new double[runTasks.size()][runTasks.size()];
    }

    @Override
    public Combination combine(TaskGradients gradients, StepContext step) {
        List<String> tasks = gradients.losses().tasks();
        int[] positions = history().positions(tasks);
        StepGramian gramian = StepGramian.of(gradients.gramian(), tasks.size());
        double[][] coefficients =
                vaccinatedCoefficients(gramian, orders(step.step(), tasks.size()), positions);
        double[] weights = PcGradWeighting.reduce(coefficients, PcGradWeighting.Reduction.SUM);
        history().set(positions, weights);
        return Combination.weights(weights);
    }

    /**
     * The orders in which each task of a step visits the others.
     *
     * @param step the step's global index
     * @param k the number of tasks of the step
     * @return row i: the other tasks, in the order task i is adjusted toward them
     */
    int[][] orders(long step, int k) {
        return StepRandom.otherTaskOrders(StepRandom.of(seed, step), k);
    }

    /**
     * Adjusts every task's gradient toward the others' and updates the targets of the pairs seen.
     *
     * @param gramian the step's Gramian
     * @param orders row i: the order in which task i visits the other tasks
     * @param positions the run position of each task of the step
     * @return C with g_i^PC = Σ_m C[i][m] g_m
     */
    double[][] vaccinatedCoefficients(StepGramian gramian, int[][] orders, int[] positions) {
        int k = gramian.size();
        double largest = 0;
        for (int i = 0; i < k; i++) {
            largest = Math.max(largest, gramian.get(i, i));
        }
        double vanishing = StepGramian.VANISHING * largest;
        double[][] c = new double[k][k];
        double[] row = new double[k];
        for (int i = 0; i < k; i++) {
            c[i][i] = 1.0;
            for (int j : orders[i]) {
                double normSquaredJ = gramian.get(j, j);
                // (G c_i)_m, then ‖g_i^PC‖² = c_iᵀ G c_i and g_i^PC·g_j = (G c_i)_j
                double normSquaredI = 0;
                for (int m = 0; m < k; m++) {
                    double s = 0;
                    for (int l = 0; l < k; l++) {
                        s += gramian.get(m, l) * c[i][l];
                    }
                    row[m] = s;
                    normSquaredI += c[i][m] * s;
                }
                if (!(normSquaredJ > vanishing) || !(normSquaredI > vanishing)) {
                    continue;
                }
                double normI = Math.sqrt(normSquaredI);
                double normJ = Math.sqrt(normSquaredJ);
                double cosine = Math.max(-1.0, Math.min(1.0, row[j] / (normI * normJ)));
                double target = targets[positions[i]][positions[j]];
                double targetSine = Math.sqrt(Math.max(0.0, 1 - target * target));
                if (cosine < target && targetSine > 0) {
                    double sine = Math.sqrt(Math.max(0.0, 1 - cosine * cosine));
                    c[i][j] += normI * (target * sine - cosine * targetSine) / (normJ * targetSine);
                }
                targets[positions[i]][positions[j]] = (1 - beta) * target + beta * cosine;
            }
        }
        return c;
    }

    /**
     * The last weight of each task, and the target cosines.
     *
     * @return {@code weights} (one per task, in run order) and {@code targets} (K·K, φ̂_ij at i·K +
     *     j); empty before initialize
     */
    @Override
    public Map<String, double[]> state() {
        if (!initialized()) {
            return Map.of();
        }
        int k = runTasks.size();
        double[] flat = new double[k * k];
        for (int i = 0; i < k; i++) {
            System.arraycopy(targets[i], 0, flat, i * k, k);
        }
        Map<String, double[]> state = new LinkedHashMap<>();
        state.put(TaskWeightHistory.WEIGHTS, history().values());
        state.put(TARGETS, flat);
        return state;
    }

    /**
     * Restores what {@link #state()} saved; nothing is restored when the state is refused.
     *
     * @param state the saved state
     * @throws IllegalArgumentException if a key is missing or unknown, the weights are not one
     *     finite number per task, or the targets are not K·K numbers in [−1, 1]
     */
    @Override
    public void restore(Map<String, double[]> state) {
        history();
        SavedWeightingState saved =
                new SavedWeightingState(
                        "gradvac",
                        runTasks,
                        state,
                        Set.of(TaskWeightHistory.WEIGHTS, TARGETS),
                        Set.of());
        double[] weights = saved.finitePerTask(TaskWeightHistory.WEIGHTS);
        int k = runTasks.size();
        double[] flat = state.get(TARGETS);
        String prefix = "cannot restore the state of weighting 'gradvac': ";
        if (flat.length != k * k) {
            throw new IllegalArgumentException(
                    prefix
                            + "'"
                            + TARGETS
                            + "' has "
                            + flat.length
                            + " values, expected "
                            + k * k
                            + " (one per ordered pair of the run's tasks "
                            + runTasks
                            + "). The checkpoint was written by a run with other tasks");
        }
        for (int n = 0; n < flat.length; n++) {
            if (!(flat[n] >= -1 && flat[n] <= 1)) {
                throw new IllegalArgumentException(
                        prefix
                                + "'"
                                + TARGETS
                                + "' has "
                                + flat[n]
                                + " for the pair ('"
                                + runTasks.get(n / k)
                                + "', '"
                                + runTasks.get(n % k)
                                + "'); expected a cosine in [-1, 1]");
            }
        }
        for (int i = 0; i < k; i++) {
            history().set(i, weights[i]);
            System.arraycopy(flat, i * k, targets[i], 0, k);
        }
    }
}
