package org.openmtl.plugins.weighting;

import java.util.List;
import org.openmtl.api.weighting.Combination;
import org.openmtl.api.weighting.GradientRequirement;
import org.openmtl.api.weighting.StepContext;
import org.openmtl.api.weighting.TaskGradients;
import org.openmtl.api.weighting.WeightingContext;

/**
 * EPO, exact Pareto optimal search: Mahapatra &amp; Rajan, <i>Multi-Task Learning with User
 * Preferences: Gradient Descent with Controlled Ascent in Pareto Optimization</i>, ICML 2020.
 *
 * <p>Given a preference r (one non-negative weight per task), EPO looks for the Pareto-optimal
 * point whose losses satisfy r_1 l_1 = … = r_m l_m. Each step it measures how far r⊙l is from
 * uniform and takes the direction of {@link EpoSearchDirection}: while far, one that moves the
 * losses toward the ray, descending where it can; once on it, one that descends on every task. The
 * loss weights are m·α, as the authors' training loop uses them (m the step's tasks).
 *
 * <p>Tasks whose preference is 0 take no part (weight 0): r_i l_i = 0 holds for them whatever their
 * loss, which is the limit of the balance condition as r_i → 0. The authors' adjustments are not
 * defined there (0·log 0), so this is this project's extension; the preference grid of a sweep
 * (simplex:K:n) has such vectors on its boundary. A step whose tasks all have preference 0 trains
 * nothing.
 */
final class EpoWeighting extends RecordedWeighting {

    private final GradientRequirement requirement;
    private final List<Double> configuredPreference;
    private final double epsilon;
    private final boolean weightsHeads;
    private final String preferenceKey;
    private double[] preference;
    private EpoSearchDirection.Mode lastMode;

    EpoWeighting(
            GradientRequirement requirement,
            List<Double> configuredPreference,
            double epsilon,
            int updateEvery,
            boolean weightsHeads,
            String preferenceKey) {
        super("epo", updateEvery);
        this.requirement = requirement;
        this.configuredPreference = List.copyOf(configuredPreference);
        this.epsilon = epsilon;
        this.weightsHeads = weightsHeads;
        this.preferenceKey = preferenceKey;
    }

    /**
     * Reads the preference.
     *
     * @param context the run's tasks
     * @throws org.openmtl.api.plugin.PluginConfigException naming {@code preference} when it does
     *     not hold one non-negative weight per task, not all zero
     */
    @Override
    void initialized(WeightingContext context) {
        preference = PreferenceVector.resolve(configuredPreference, context.tasks(), preferenceKey);
    }

    @Override
    public GradientRequirement requirement() {
        return requirement;
    }

    /** The authors back-propagate Σ_i m·α_i L_i through the whole network ({@code heads=weighted}). */
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
        int m = tasks.size();
        int[] kept = new int[m];
        int n = 0;
        for (int i = 0; i < m; i++) {
            if (preference[positions[i]] > 0) {
                kept[n++] = i;
            }
        }
        double[] weights = new double[m];
        if (n > 0) {
            double[] l = new double[n];
            double[] r = new double[n];
            double[][] c = new double[n][n];
            for (int a = 0; a < n; a++) {
                l[a] = losses[kept[a]];
                r[a] = preference[positions[kept[a]]];
                for (int b = 0; b < n; b++) {
                    c[a][b] = g[kept[a]][kept[b]];
                }
            }
            EpoSearchDirection.Result result = EpoSearchDirection.solve(l, c, r, epsilon);
            lastMode = result.mode();
            for (int a = 0; a < n; a++) {
                weights[kept[a]] = m * result.alpha()[a];
            }
        }
        history().set(positions, weights);
        return Combination.weights(weights);
    }

    /** The configured preference r (all ones when none is given), scaled to sum 1. */
    @Override
    public double[] preference() {
        return preference == null ? new double[0] : PreferenceVector.normalized(preference);
    }

    /**
     * Which program chose the last direction, for tests and diagnostics.
     *
     * @return the mode, or null before the first combine
     */
    EpoSearchDirection.Mode lastMode() {
        return lastMode;
    }
}
