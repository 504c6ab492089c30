package org.openmtl.plugins.weighting;

import java.util.Arrays;
import java.util.List;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.plugin.ValueType;

/**
 * The preference vector of a front-seeking weighting ({@code pareto-mtl}, {@code epo}): one
 * non-negative weight per task, not all zero, read from a list key that a sweep can fill from a
 * {@code simplex:<tasks>:<divisions>} axis. A larger weight asks for a smaller loss: the target is
 * the ray of losses l ∝ 1/p, along which p_i·l_i is the same for every task (the condition the
 * sweep summary's alignment measures).
 *
 * <p>It is checked as {@code weighting.static.weights} is: a negative weight is refused by the
 * key's range when the configuration is read; a wrong length or all zeros when the run's tasks are
 * known, naming the key.
 */
final class PreferenceVector {

    private PreferenceVector() {}

    /**
     * The key, named {@code preference}.
     *
     * @param description what the preference means for the method
     * @return a list key with non-negative entries, empty by default
     */
    static ConfigKey key(String description) {
        return new ConfigKey(
                "preference",
                ValueType.DOUBLE_LIST,
                "",
                description,
                0.0,
                null,
                null);
    }

    /**
     * Checks a configured preference against the run's tasks.
     *
     * @param configured the key's value; empty means every task alike
     * @param tasks the run's tasks, in order
     * @param key the qualified key, for messages
     * @return the preference, one entry per task (all ones when none is configured)
     * @throws PluginConfigException naming the key when the length is not the number of tasks, an
     *     entry is negative or not finite, or every entry is zero
     */
    static double[] resolve(List<Double> configured, List<String> tasks, String key) {
        int k = tasks.size();
        if (configured.isEmpty()) {
            double[] ones = new double[k];
            Arrays.fill(ones, 1.0);
            return ones;
        }
        if (configured.size() != k) {
            throw new PluginConfigException(
                    key,
                    "has "
                            + configured.size()
                            + " weights for "
                            + k
                            + " tasks "
                            + tasks
                            + "; expected one non-negative weight per task, in task order");
        }
        double[] p = new double[k];
        boolean positive = false;
        for (int i = 0; i < k; i++) {
            p[i] = configured.get(i);
            if (!(p[i] >= 0) || !Double.isFinite(p[i])) {
                throw new PluginConfigException(
                        key,
                        "has the weight "
                                + configured.get(i)
                                + " for task '"
                                + tasks.get(i)
                                + "'; expected a finite non-negative weight per task");
            }
            positive |= p[i] > 0;
        }
        if (!positive) {
            throw new PluginConfigException(
                    key,
                    "every weight is zero, so it prefers no task; expected at least one positive"
                            + " weight");
        }
        return p;
    }

    /**
     * A vector scaled to sum 1.
     *
     * @param p non-negative entries, not all zero
     * @return p / Σ p
     */
    static double[] normalized(double[] p) {
        double sum = 0;
        for (double v : p) {
            sum += v;
        }
        double[] n = new double[p.length];
        for (int i = 0; i < n.length; i++) {
            n[i] = p[i] / sum;
        }
        return n;
    }

    /**
     * The preference whose ray l ∝ 1/p runs along a direction u of the loss space: p_i ∝ 1/u_i;
     * where some u_i is zero (the ray lies in a face of the orthant, those tasks' losses zero),
     * the limit: equal weight on exactly those tasks.
     *
     * @param u a direction with non-negative entries, not all zero
     * @return the preference, summing to 1
     */
    static double[] ofLossDirection(double[] u) {
        double[] p = new double[u.length];
        boolean zero = false;
        for (double v : u) {
            zero |= !(v > 0);
        }
        for (int i = 0; i < p.length; i++) {
            p[i] = zero ? (u[i] > 0 ? 0 : 1) : 1 / u[i];
        }
        return normalized(p);
    }

    /**
     * The unit direction of the loss space along which p_i·l_i is the same for every task: u_i ∝
     * 1/p_i; where some p_i is zero, the limit: the unit vector spread equally over exactly those
     * tasks (their losses unbounded next to the others').
     *
     * @param p a preference, non-negative and not all zero
     * @return u with ‖u‖ = 1
     */
    static double[] lossDirection(double[] p) {
        double[] u = new double[p.length];
        boolean zero = false;
        for (double v : p) {
            zero |= !(v > 0);
        }
        double norm = 0;
        for (int i = 0; i < u.length; i++) {
            u[i] = zero ? (p[i] > 0 ? 0 : 1) : 1 / p[i];
            norm += u[i] * u[i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < u.length; i++) {
            u[i] /= norm;
        }
        return u;
    }
}
