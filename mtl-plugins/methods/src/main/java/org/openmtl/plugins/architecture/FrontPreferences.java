package org.openmtl.plugins.architecture;

import java.util.ArrayList;
import java.util.List;
import org.openmtl.api.plugin.PluginConfigException;

/**
 * The preferences a preference-conditioned network is evaluated at after training, as a key
 * writes them: {@code simplex:<divisions>} (every vector of non-negative multiples of
 * 1/divisions summing to 1, over the run's tasks), {@code simplex:<tasks>:<divisions>} (the same,
 * with the number of tasks stated and checked), or explicit vectors separated by {@code ;}, each
 * one non-negative weight per task, not all 0, normalized to sum 1. The grid enumerates as the
 * sweep's {@code simplex:} axis values do, the first task's weight ascending.
 */
final class FrontPreferences {

    /** More vectors than this is a mistake in the specification. */
    static final int MAX_VECTORS = 10_000;

    private static final String PREFIX = "simplex:";

    private final String key;
    private final String spec;
    /** The stated number of tasks; 0 when the specification leaves it to the run. */
    private final int tasks;
    private final int divisions;
    private final List<double[]> vectors;

    private FrontPreferences(String key, String spec, int tasks, int divisions, List<double[]> vectors) {
        this.key = key;
        this.spec = spec;
        this.tasks = tasks;
        this.divisions = divisions;
        this.vectors = vectors;
    }

    /**
     * Reads a specification, checking everything that does not depend on the run's tasks.
     *
     * @param key the qualified key, named in errors
     * @param value the key's value
     * @return the parsed specification
     * @throws PluginConfigException naming the key when the value is malformed, has a negative or
     *     non-finite weight, a vector of zeros, or vectors of different lengths
     */
    static FrontPreferences parse(String key, String value) {
        String spec = value.trim();
        if (spec.isEmpty()) {
            throw new PluginConfigException(key, "is empty; expected simplex:<divisions>, simplex:<tasks>:<divisions>"
                    + " or vectors such as 0.9,0.1;0.5,0.5;0.1,0.9");
        }
        if (spec.startsWith(PREFIX)) {
            String[] parts = spec.substring(PREFIX.length()).split(":", -1);
            int tasks;
            int divisions;
            try {
                if (parts.length < 1 || parts.length > 2) {
                    throw new NumberFormatException();
                }
                tasks = parts.length == 2 ? Integer.parseInt(parts[0].trim()) : 0;
                divisions = Integer.parseInt(parts[parts.length - 1].trim());
            } catch (NumberFormatException e) {
                throw new PluginConfigException(key, "'" + spec + "' is not a preference grid; expected simplex:<divisions>"
                        + " or simplex:<tasks>:<divisions>, e.g. simplex:10");
            }
            if (parts.length == 2 && tasks < 2) {
                throw new PluginConfigException(key, "'" + spec + "' has " + tasks + " tasks; a front needs at least 2");
            }
            if (divisions < 1) {
                throw new PluginConfigException(key, "'" + spec + "' has " + divisions + " divisions; expected at least 1");
            }
            return new FrontPreferences(key, spec, tasks, divisions, List.of());
        }
        List<double[]> vectors = new ArrayList<>();
        for (String written : spec.split(";", -1)) {
            String[] entries = written.split(",", -1);
            double[] v = new double[entries.length];
            double sum = 0;
            for (int i = 0; i < entries.length; i++) {
                try {
                    v[i] = Double.parseDouble(entries[i].trim());
                } catch (NumberFormatException e) {
                    throw new PluginConfigException(key, "'" + written.trim() + "' is not a preference vector; expected"
                            + " comma-separated weights, one per task, vectors separated by ;");
                }
                if (!(v[i] >= 0) || Double.isInfinite(v[i])) {
                    throw new PluginConfigException(key, "'" + written.trim() + "' has the weight " + entries[i].trim()
                            + "; expected non-negative finite weights");
                }
                sum += v[i];
            }
            if (!(sum > 0)) {
                throw new PluginConfigException(key, "'" + written.trim() + "' has only zero weights; expected at least"
                        + " one positive weight");
            }
            if (!vectors.isEmpty() && vectors.get(0).length != v.length) {
                throw new PluginConfigException(key, "has vectors of " + vectors.get(0).length + " and " + v.length
                        + " weights; expected one weight per task in every vector");
            }
            for (int i = 0; i < v.length; i++) {
                v[i] /= sum;
            }
            vectors.add(v);
        }
        return new FrontPreferences(key, spec, 0, 0, List.copyOf(vectors));
    }

    /**
     * The preferences for a run's tasks.
     *
     * @param count the number of tasks
     * @return the vectors, each summing to 1
     * @throws PluginConfigException naming the key when the specification is for another number
     *     of tasks or the grid has too many vectors
     */
    List<double[]> forTasks(int count) {
        if (!vectors.isEmpty()) {
            if (vectors.get(0).length != count) {
                throw new PluginConfigException(key, "has vectors of " + vectors.get(0).length + " weights, but the run"
                        + " has " + count + " tasks; expected one weight per task, in task order");
            }
            List<double[]> copies = new ArrayList<>();
            vectors.forEach(v -> copies.add(v.clone()));
            return copies;
        }
        if (tasks != 0 && tasks != count) {
            throw new PluginConfigException(key, "'" + spec + "' is a grid over " + tasks + " tasks, but the run has "
                    + count + " tasks");
        }
        double size = 1;
        for (int i = 1; i < count; i++) {
            size = size * (divisions + i) / i;
        }
        if (size > MAX_VECTORS) {
            throw new PluginConfigException(key, "'" + spec + "' makes " + (long) Math.rint(size) + " preference vectors"
                    + " for " + count + " tasks; at most " + MAX_VECTORS + ": use fewer divisions");
        }
        List<double[]> out = new ArrayList<>();
        fill(new int[count], 0, divisions, out);
        return out;
    }

    private void fill(int[] counts, int task, int left, List<double[]> out) {
        if (task == counts.length - 1) {
            counts[task] = left;
            double[] v = new double[counts.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = (double) counts[i] / divisions;
            }
            out.add(v);
            return;
        }
        for (int c = 0; c <= left; c++) {
            counts[task] = c;
            fill(counts, task + 1, left - c, out);
        }
    }
}
