package org.openmtl.plugins.weighting;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskGradients;
import org.openmtl.api.weighting.WeightingContext;

/**
 * Pareto MTL: Lin, Zhen, Li, Zhang &amp; Kwong, <i>Pareto Multi-Task Learning</i>, NeurIPS 2019.
 *
 * <p>A set of evenly spread unit reference vectors splits the loss space into subregions; a run
 * aims at one of them, u, and looks for a Pareto-stationary point whose loss vector lies in u's
 * subregion (at least as close in angle to u as to every other reference vector). Each step it
 * finds the constraints the losses violate and, from the Gramian of the task gradients, solves
 * {@link ParetoMtlSubproblem}: in the initial phase a direction that reduces the violations only,
 * until no constraint is violated (or {@code init.epochs} epochs have passed); then the constrained
 * MGDA problem, whose loss weights are rescaled to Σ_k |w_k| = K as the authors' training loop
 * does. Weights may be negative: a constraint's gradient pushes some losses up.
 *
 * <p>The run's reference vector comes from {@code index} (one of the reference vectors, as the
 * authors' {@code pref_idx}) or from {@code preference} p (larger weight, smaller loss): u ∝ 1/p,
 * the direction along which p_k·l_k is equal for every task, added to the evenly spread set (a
 * vector of the set parallel to it is dropped). {@link #preference()} reports p, or for an index
 * the p with u ∝ 1/p.
 *
 * <p>A step that trains only some tasks uses those tasks' components of the reference vectors.
 */
final class ParetoMtlWeighting extends RecordedWeighting {

    /** The state key of the phase: 1 once the initial phase has ended. */
    static final String FEASIBLE = "feasible";

    /** Most reference vectors a run may have (each step checks every one's constraint). */
    static final int MAX_REFERENCES = 10_000;

    private static final double PARALLEL = 1e-12;

    private final GradientRequirement requirement;
    private final List<Double> configuredPreference;
    private final int referenceCount;
    private final int index;
    private final int initEpochs;
    private final boolean weightsHeads;
    private final String preferenceKey;
    private final String indexKey;
    private final String referencesKey;
    private List<String> runTasks;
    private double[] target;
    private double[][] differences;
    private double[] preference;
    private boolean feasible;

    ParetoMtlWeighting(
            GradientRequirement requirement,
            List<Double> configuredPreference,
            int referenceCount,
            int index,
            int initEpochs,
            int updateEvery,
            boolean weightsHeads,
            String preferenceKey,
            String indexKey,
            String referencesKey) {
        super("pareto-mtl", updateEvery);
        this.requirement = requirement;
        this.configuredPreference = List.copyOf(configuredPreference);
        this.referenceCount = referenceCount;
        this.index = index;
        this.initEpochs = initEpochs;
        this.weightsHeads = weightsHeads;
        this.preferenceKey = preferenceKey;
        this.indexKey = indexKey;
        this.referencesKey = referencesKey;
    }

    /**
     * Picks the run's reference vector among the evenly spread ones.
     *
     * @param context the run's tasks
     * @throws PluginConfigException naming {@code preference} when it does not hold one
     *     non-negative weight per task, not all zero, or {@code index} when it is not one of the
     *     reference vectors, or {@code references} when it makes more than {@value #MAX_REFERENCES}
     *     vectors
     */
    @Override
    void initialized(WeightingContext context) {
        runTasks = List.copyOf(context.tasks());
        int k = runTasks.size();
        double count = ParetoMtlSubproblem.referenceCount(k, referenceCount);
        if (count > MAX_REFERENCES) {
            throw new PluginConfigException(
                    referencesKey,
                    "is "
                            + referenceCount
                            + ", which makes "
                            + (long) Math.rint(count)
                            + " reference vectors for "
                            + k
                            + " tasks; at most "
                            + MAX_REFERENCES
                            + ": use fewer");
        }
        double[][] references = ParetoMtlSubproblem.referenceVectors(k, referenceCount);
        List<double[]> others = new ArrayList<>();
        if (index >= 0) {
            if (index >= references.length) {
                throw new PluginConfigException(
                        indexKey,
                        "is "
                                + index
                                + ", but there are "
                                + references.length
                                + " reference vectors for "
                                + k
                                + " tasks; expected 0 to "
                                + (references.length - 1));
            }
            target = references[index].clone();
            preference = PreferenceVector.ofLossDirection(target);
            for (int j = 0; j < references.length; j++) {
                if (j != index) {
                    others.add(references[j]);
                }
            }
        } else {
            double[] p = PreferenceVector.resolve(configuredPreference, runTasks, preferenceKey);
            preference = PreferenceVector.normalized(p);
            target = PreferenceVector.lossDirection(p);
            for (double[] r : references) {
                double cosine = 0;
                for (int t = 0; t < k; t++) {
                    cosine += r[t] * target[t];
                }
                if (cosine < 1 - PARALLEL) {
                    others.add(r);
                }
            }
        }
        differences = new double[others.size()][k];
        for (int j = 0; j < differences.length; j++) {
            for (int t = 0; t < k; t++) {
                differences[j][t] = others.get(j)[t] - target[t];
            }
        }
        feasible = false;
    }

    @Override
    public GradientRequirement requirement() {
        return requirement;
    }

    /** The authors back-propagate Σ_k w_k L_k through the whole network ({@code heads=weighted}). */
    @Override
    public boolean weightsHeads() {
        return weightsHeads;
    }

    @Override
    public Combination combine(TaskGradients gradients, StepContext step) {
        List<String> tasks = gradients.losses().tasks();
        int[] positions = history().positions(tasks);
        double[][] g = StepGramian.of(gradients.gramian(), tasks.size()).toArray();
        double[] losses = gradients.losses().values();
        double[][] active = ParetoMtlSubproblem.active(restricted(positions), losses);
        double[] weights;
        if (inInitialPhase(step) && active.length > 0) {
            weights = ParetoMtlSubproblem.initialWeights(g, active);
        } else {
            // no violated constraint ends the initial phase; this step already takes the main one
            if (active.length == 0) {
                feasible = true;
            }
            weights = rescaled(ParetoMtlSubproblem.mainWeights(g, active));
        }
        history().set(positions, weights);
        return Combination.weights(weights);
    }

    private boolean inInitialPhase(StepContext step) {
        return !feasible && step.epoch() <= initEpochs;
    }

    /** The authors' rescaling of the main phase's weights: w · K / Σ_k |w_k|. */
    private static double[] rescaled(double[] w) {
        double sum = 0;
        for (double v : w) {
            sum += Math.abs(v);
        }
        double[] out = new double[w.length];
        if (!(sum > 0) || !Double.isFinite(sum)) {
            // no direction at all (every gradient zero): any weights give the same zero update
            Arrays.fill(out, 1.0);
            return out;
        }
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i] * w.length / sum;
        }
        return out;
    }

    /** The rows u_j − u restricted to the step's tasks. */
    private double[][] restricted(int[] positions) {
        if (positions.length == runTasks.size()) {
            boolean identity = true;
            for (int i = 0; i < positions.length; i++) {
                identity &= positions[i] == i;
            }
            if (identity) {
                return differences;
            }
        }
        double[][] rows = new double[differences.length][positions.length];
        for (int j = 0; j < rows.length; j++) {
            for (int i = 0; i < positions.length; i++) {
                rows[j][i] = differences[j][positions[i]];
            }
        }
        return rows;
    }

    /**
     * The run's preference: the configured one, or the one whose ray l ∝ 1/p runs along the
     * indexed reference vector.
     */
    @Override
    public double[] preference() {
        return preference == null ? new double[0] : preference.clone();
    }

    /**
     * The run's reference vector u (unit length), for tests and diagnostics.
     *
     * @return a copy
     */
    double[] target() {
        return target.clone();
    }

    /**
     * Whether the initial phase has ended.
     *
     * @return true once a step found no violated constraint
     */
    boolean feasible() {
        return feasible;
    }

    /**
     * The last weights and whether the initial phase has ended.
     *
     * @return {@code weights} and {@code feasible} (1 or 0); empty before initialize
     */
    @Override
    public Map<String, double[]> state() {
        if (!initialized()) {
            return Map.of();
        }
        Map<String, double[]> state = new LinkedHashMap<>(history().state());
        state.put(FEASIBLE, new double[] {feasible ? 1 : 0});
        return state;
    }

    /**
     * Restores what {@link #state()} saved.
     *
     * @param state the saved state
     * @throws IllegalArgumentException if a key is missing or unknown, the weights are not one
     *     finite number per task, or {@code feasible} is not 0 or 1
     */
    @Override
    public void restore(Map<String, double[]> state) {
        history();
        SavedWeightingState saved =
                new SavedWeightingState(
                        name(), runTasks, state, Set.of(TaskWeightHistory.WEIGHTS, FEASIBLE), Set.of());
        int phase = saved.integer(FEASIBLE, 0);
        if (phase > 1) {
            throw new IllegalArgumentException(
                    "cannot restore the state of weighting '"
                            + name()
                            + "': '"
                            + FEASIBLE
                            + "' is "
                            + phase
                            + ", expected 0 or 1");
        }
        history().restore(name(), Map.of(TaskWeightHistory.WEIGHTS, state.get(TaskWeightHistory.WEIGHTS)));
        feasible = phase == 1;
    }
}
