package org.openmtl.core.sweep;

import java.util.ArrayList;
import java.util.List;
import org.openmtl.core.config.ConfigException;

/**
 * Evenly spaced preference vectors on the weight simplex, the values of a sweep axis written
 * {@code simplex:<tasks>:<divisions>}: every vector of {@code tasks} non-negative weights that are
 * multiples of 1/{@code divisions} and sum to 1, e.g. {@code simplex:2:4} gives (0, 1), (0.25,
 * 0.75), (0.5, 0.5), (0.75, 0.25), (1, 0). With {@code sweep.weighting.static.weights =
 * simplex:2:4} and {@code weighting=static} a sweep trains the linear scalarizations of a
 * preference grid; there are C(divisions + tasks − 1, tasks − 1) vectors.
 */
public final class PreferenceGrid {

    /** The prefix of an axis value that expands to a grid. */
    public static final String PREFIX = "simplex:";

    /** More vectors than this is a mistake in the specification, not a sweep to run. */
    static final int MAX_VECTORS = 10_000;

    private PreferenceGrid() {}

    /**
     * Whether an axis's value is a grid specification.
     *
     * @param value the axis's value as written
     * @return true when it starts with {@code simplex:}
     */
    public static boolean isGrid(String value) {
        return value.trim().startsWith(PREFIX);
    }

    /**
     * Expands a grid specification into its vectors, each written as comma-separated weights in
     * task order, in lexicographic order of the first task's weight ascending.
     *
     * @param key the axis key, named in errors
     * @param value {@code simplex:<tasks>:<divisions>}, tasks at least 2, divisions at least 1
     * @return the vectors
     * @throws ConfigException naming the key when the specification is malformed or too large
     */
    public static List<String> expand(String key, String value) {
        String spec = value.trim().substring(PREFIX.length());
        String[] parts = spec.split(":", -1);
        int tasks;
        int divisions;
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            tasks = Integer.parseInt(parts[0].trim());
            divisions = Integer.parseInt(parts[1].trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + value.trim() + "' is not a preference grid; expected simplex:<tasks>:<divisions>,"
                    + " e.g. simplex:2:4 for the 5 weight vectors (0,1), (0.25,0.75), ... (1,0) of 2 tasks");
        }
        if (tasks < 2) {
            throw new ConfigException(key + ": '" + value.trim() + "' has " + tasks + " tasks; a preference grid needs at least 2");
        }
        if (divisions < 1) {
            throw new ConfigException(key + ": '" + value.trim() + "' has " + divisions + " divisions; expected at least 1");
        }
        double count = 1;
        for (int i = 1; i < tasks; i++) {
            count = count * (divisions + i) / i;
        }
        if (count > MAX_VECTORS) {
            throw new ConfigException(key + ": '" + value.trim() + "' makes " + (long) Math.rint(count) + " preference vectors;"
                    + " at most " + MAX_VECTORS + ": use fewer divisions");
        }
        List<String> out = new ArrayList<>();
        fill(new int[tasks], 0, divisions, divisions, out);
        return out;
    }

    private static void fill(int[] counts, int task, int left, int divisions, List<String> out) {
        if (task == counts.length - 1) {
            counts[task] = left;
            List<String> weights = new ArrayList<>();
            for (int c : counts) {
                weights.add(Double.toString((double) c / divisions));
            }
            out.add(String.join(",", weights));
            return;
        }
        for (int c = 0; c <= left; c++) {
            counts[task] = c;
            fill(counts, task + 1, left - c, divisions, out);
        }
    }
}
