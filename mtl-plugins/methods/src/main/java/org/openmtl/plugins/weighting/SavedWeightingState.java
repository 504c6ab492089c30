package org.openmtl.plugins.weighting;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The state a weighting saved in a checkpoint ({@code Weighting.state()}), as handed back to
 * {@code Weighting.restore}, read with checks: no unknown keys, every required key present, per-task
 * arrays one value per task of the run, counters whole numbers. Every failure is an {@link
 * IllegalArgumentException} that names the weighting, the key and what was expected, so that a
 * checkpoint of another run or another version fails before anything is restored.
 *
 * <p>The trainer writes the state as JSON, where a non-finite number becomes {@code null} and comes
 * back as NaN: NaN is the only non-finite value a state may use, and only as "no value" in the
 * arrays read with {@link #perTaskWithGaps}.
 */
final class SavedWeightingState {

    private final String weighting;
    private final List<String> tasks;
    private final Map<String, double[]> state;

    /**
     * Checks the keys of a saved state.
     *
     * @param weighting the weighting's name, for messages
     * @param tasks the run's tasks, in order
     * @param state the saved state
     * @param required the keys that must be present
     * @param optional the keys that may be present
     * @throws IllegalArgumentException if a key is unknown or a required one is missing
     */
    SavedWeightingState(
            String weighting,
            List<String> tasks,
            Map<String, double[]> state,
            Set<String> required,
            Set<String> optional) {
        this.weighting = weighting;
        this.tasks = List.copyOf(tasks);
        if (state == null) {
            throw new IllegalArgumentException(prefix() + "no state was given");
        }
        this.state = state;
        Set<String> known = new TreeSet<>(required);
        known.addAll(optional);
        List<String> unknown = new ArrayList<>();
        for (String key : new TreeSet<>(state.keySet())) {
            if (!known.contains(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    prefix()
                            + "unknown "
                            + (unknown.size() == 1 ? "key " : "keys ")
                            + unknown
                            + "; expected keys "
                            + known
                            + ". The checkpoint was written by another weighting or another"
                            + " configuration of this one");
        }
        List<String> missing = new ArrayList<>();
        for (String key : new TreeSet<>(required)) {
            if (state.get(key) == null) {
                missing.add(key);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    prefix()
                            + "missing "
                            + (missing.size() == 1 ? "key " : "keys ")
                            + missing
                            + " (present: "
                            + new TreeSet<>(state.keySet())
                            + ")");
        }
    }

    /**
     * Whether a key is present.
     *
     * @param key the key
     * @return true when the state holds it
     */
    boolean has(String key) {
        return state.get(key) != null;
    }

    /**
     * A per-task array of finite values.
     *
     * @param key a present key
     * @return a copy, one value per task in run order
     * @throws IllegalArgumentException if the length is not the number of tasks or a value is not
     *     finite
     */
    double[] finitePerTask(String key) {
        double[] values = perTaskWithGaps(key);
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(
                        prefix()
                                + "'"
                                + key
                                + "' has "
                                + values[i]
                                + " for task '"
                                + tasks.get(i)
                                + "'; expected a finite number");
            }
        }
        return values;
    }

    /**
     * A per-task array in which NaN stands for "no value" (e.g. a task not trained yet).
     *
     * @param key a present key
     * @return a copy, one value per task in run order
     * @throws IllegalArgumentException if the length is not the number of tasks or a value is
     *     infinite
     */
    double[] perTaskWithGaps(String key) {
        double[] values = state.get(key);
        if (values.length != tasks.size()) {
            throw new IllegalArgumentException(
                    prefix()
                            + "'"
                            + key
                            + "' has "
                            + values.length
                            + " values, expected "
                            + tasks.size()
                            + " (one per task of the run "
                            + tasks
                            + "). The checkpoint was written by a run with other tasks");
        }
        for (int i = 0; i < values.length; i++) {
            if (Double.isInfinite(values[i])) {
                throw new IllegalArgumentException(
                        prefix()
                                + "'"
                                + key
                                + "' has "
                                + values[i]
                                + " for task '"
                                + tasks.get(i)
                                + "'; expected a finite number or NaN (no value)");
            }
        }
        return values.clone();
    }

    /**
     * A whole number saved as a one-element array.
     *
     * @param key a present key
     * @param min the least allowed value
     * @return the number
     * @throws IllegalArgumentException if the array has not one element, or it is not a whole
     *     number in [min, Integer.MAX_VALUE]
     */
    int integer(String key, int min) {
        double[] values = state.get(key);
        if (values.length != 1) {
            throw new IllegalArgumentException(
                    prefix() + "'" + key + "' has " + values.length + " values, expected 1");
        }
        double v = values[0];
        if (!(v >= min && v <= Integer.MAX_VALUE && v == Math.rint(v))) {
            throw new IllegalArgumentException(
                    prefix()
                            + "'"
                            + key
                            + "' is "
                            + v
                            + "; expected a whole number of at least "
                            + min);
        }
        return (int) v;
    }

    private String prefix() {
        return "cannot restore the state of weighting '" + weighting + "': ";
    }
}
