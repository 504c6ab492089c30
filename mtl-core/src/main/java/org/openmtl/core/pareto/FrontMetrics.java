package org.openmtl.core.pareto;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Metrics of a set of points in objective space, one point per finished run and one objective per
 * task metric. Every objective has a direction ({@code maximize[i]} true for accuracies, false for
 * losses and errors); internally each point is turned into minimization form by negating the
 * maximized objectives, so one set of algorithms serves every mix of directions.
 *
 * <ul>
 *   <li>{@link #nonDominated}: the points no other point dominates (at least as good in every
 *       objective, better in one).
 *   <li>{@link #hypervolume}: the measure of the region the points dominate and that dominates the
 *       reference point. Exact: a sweep for 2 objectives, and for 3 or more the slicing over
 *       objectives (HSO: sort by the last objective, each slab between consecutive values
 *       contributes its depth times the hypervolume of the points above it, projected to one
 *       objective fewer), so 3 objectives cost O(n² log n).
 *   <li>{@link #referencePoint}: the shared reference point of several fronts: the nadir of their
 *       union plus a margin of the union's range.
 *   <li>{@link #spread}: Deb's Δ for 2 objectives, a nearest-neighbour generalization for more.
 *   <li>{@link #alignment}: how closely a run's losses reach the preference it was trained with.
 * </ul>
 */
public final class FrontMetrics {

    /** The margin of {@link #referencePoint} as a fraction of each objective's range. */
    public static final double DEFAULT_MARGIN = 0.1;

    private FrontMetrics() {}

    /**
     * Whether a dominates b: at least as good in every objective, strictly better in one.
     *
     * @param a a point
     * @param b a point with as many objectives
     * @param maximize per objective, true when higher is better
     * @return true when a dominates b
     */
    public static boolean dominates(double[] a, double[] b, boolean[] maximize) {
        boolean better = false;
        for (int i = 0; i < a.length; i++) {
            double ai = maximize[i] ? -a[i] : a[i];
            double bi = maximize[i] ? -b[i] : b[i];
            if (ai > bi) {
                return false;
            }
            if (ai < bi) {
                better = true;
            }
        }
        return better;
    }

    /**
     * The indices of the non-dominated points, in input order. Of several identical points every
     * one is kept (none dominates another).
     *
     * @param points the points, each with one value per objective
     * @param maximize per objective, true when higher is better
     * @return the indices of the points no other point dominates
     * @throws IllegalArgumentException if a point has the wrong number of objectives or a value is not finite
     */
    public static int[] nonDominated(double[][] points, boolean[] maximize) {
        check(points, maximize.length);
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < points.length; i++) {
            boolean dominated = false;
            for (int j = 0; j < points.length && !dominated; j++) {
                dominated = j != i && dominates(points[j], points[i], maximize);
            }
            if (!dominated) {
                kept.add(i);
            }
        }
        return kept.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The shared reference point of several sets of points: per objective the worst value of their
     * union (the nadir) moved away by {@code margin} times the union's range (or, where every
     * point has the same value, by {@code margin} times the larger of that value's magnitude and
     * 1), so that the extreme points of every set still contribute a positive volume. Every set
     * measured against this one point has a comparable hypervolume.
     *
     * @param sets the sets (e.g. one per method of a sweep); at least one point in all
     * @param maximize per objective, true when higher is better
     * @param margin the margin as a fraction of the range, at least 0
     * @return the reference point, in the objectives' own directions
     */
    public static double[] referencePoint(List<double[][]> sets, boolean[] maximize, double margin) {
        if (!(margin >= 0)) {
            throw new IllegalArgumentException("the margin must be at least 0, got " + margin);
        }
        int m = maximize.length;
        double[] worst = new double[m];
        double[] best = new double[m];
        Arrays.fill(worst, Double.NEGATIVE_INFINITY);
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        int count = 0;
        for (double[][] set : sets) {
            check(set, m);
            for (double[] p : set) {
                double[] q = minimizing(p, maximize);
                for (int i = 0; i < m; i++) {
                    worst[i] = Math.max(worst[i], q[i]);
                    best[i] = Math.min(best[i], q[i]);
                }
                count++;
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("a reference point needs at least one point");
        }
        double[] ref = new double[m];
        for (int i = 0; i < m; i++) {
            double range = worst[i] - best[i];
            double r = worst[i] + margin * (range > 0 ? range : Math.max(Math.abs(worst[i]), 1));
            ref[i] = maximize[i] ? -r : r;
        }
        return ref;
    }

    /**
     * The hypervolume of the points with respect to a reference point: the measure of the set of
     * objective vectors that some point weakly dominates and that strictly dominate the reference
     * point. Points that do not strictly dominate the reference point add nothing. Exact.
     *
     * @param points the points (dominated ones may be included; they add nothing)
     * @param maximize per objective, true when higher is better
     * @param reference the reference point, in the objectives' own directions
     * @return the hypervolume, 0 for no point
     */
    public static double hypervolume(double[][] points, boolean[] maximize, double[] reference) {
        int m = maximize.length;
        check(points, m);
        if (reference.length != m) {
            throw new IllegalArgumentException("the reference point has " + reference.length + " objectives, expected " + m);
        }
        double[] ref = minimizing(reference, maximize);
        List<double[]> inside = new ArrayList<>();
        for (double[] p : points) {
            double[] q = minimizing(p, maximize);
            boolean below = true;
            for (int i = 0; i < m && below; i++) {
                below = q[i] < ref[i];
            }
            if (below) {
                inside.add(q);
            }
        }
        return volume(inside, m, ref);
    }

    /** The hypervolume of minimization-form points, each strictly below ref, in the first {@code d} objectives. */
    private static double volume(List<double[]> points, int d, double[] ref) {
        if (points.isEmpty()) {
            return 0;
        }
        if (d == 1) {
            double min = Double.POSITIVE_INFINITY;
            for (double[] p : points) {
                min = Math.min(min, p[0]);
            }
            return ref[0] - min;
        }
        if (d == 2) {
            List<double[]> sorted = new ArrayList<>(points);
            sorted.sort(Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
            double area = 0;
            double lowest = ref[1];
            for (double[] p : sorted) {
                if (p[1] < lowest) {
                    area += (ref[0] - p[0]) * (lowest - p[1]);
                    lowest = p[1];
                }
            }
            return area;
        }
        int last = d - 1;
        List<double[]> sorted = new ArrayList<>(points);
        sorted.sort(Comparator.comparingDouble(p -> p[last]));
        double total = 0;
        List<double[]> above = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            addNonDominated(above, sorted.get(i), last);
            double next = i + 1 < sorted.size() ? sorted.get(i + 1)[last] : ref[last];
            double depth = next - sorted.get(i)[last];
            if (depth > 0) {
                total += depth * volume(above, last, ref);
            }
        }
        return total;
    }

    /** Adds p to a set of mutually non-dominated points (minimization form, first d objectives), dropping those it dominates. */
    private static void addNonDominated(List<double[]> set, double[] p, int d) {
        for (double[] q : set) {
            if (weaklyDominates(q, p, d)) {
                return;
            }
        }
        set.removeIf(q -> weaklyDominates(p, q, d));
        set.add(p);
    }

    private static boolean weaklyDominates(double[] a, double[] b, int d) {
        for (int i = 0; i < d; i++) {
            if (a[i] > b[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The spread of a front. For 2 objectives Deb's Δ (Deb et al., NSGA-II, IEEE TEC 2002): the
     * points sorted along the first objective, d_i the Euclidean distances between neighbours and
     * d̄ their mean, Δ = Σ|d_i − d̄| / ((N−1)·d̄). The distances to the true extremes of the front
     * (d_f, d_l in Deb's formula) are unknown for a front of finished runs and taken as 0. For 3
     * or more objectives the same ratio over each point's distance to its nearest neighbour:
     * Δ = Σ|d_i − d̄| / (N·d̄). 0 means evenly spaced; larger is less even. Each objective is
     * divided by its scale first, so objectives of different units weigh alike.
     *
     * @param points the points of the front (normally the non-dominated ones)
     * @param maximize per objective, true when higher is better (only the dimension is used)
     * @param scale per objective a positive divisor (e.g. the range of all methods' points), or null for 1
     * @return Δ, 0 for two points, NaN for fewer or when all points coincide
     */
    public static double spread(double[][] points, boolean[] maximize, double[] scale) {
        int m = maximize.length;
        check(points, m);
        int n = points.length;
        if (n < 2) {
            return Double.NaN;
        }
        double[][] q = new double[n][m];
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < m; i++) {
                double s = scale == null ? 1 : scale[i];
                if (!(s > 0)) {
                    throw new IllegalArgumentException("scale " + i + " must be positive, got " + s);
                }
                q[k][i] = points[k][i] / s;
            }
        }
        double[] d;
        if (m == 2) {
            Arrays.sort(q, Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
            d = new double[n - 1];
            for (int k = 0; k + 1 < n; k++) {
                d[k] = Math.hypot(q[k + 1][0] - q[k][0], q[k + 1][1] - q[k][1]);
            }
        } else {
            d = new double[n];
            for (int k = 0; k < n; k++) {
                double nearest = Double.POSITIVE_INFINITY;
                for (int j = 0; j < n; j++) {
                    if (j != k) {
                        nearest = Math.min(nearest, distance(q[k], q[j]));
                    }
                }
                d[k] = nearest;
            }
        }
        double mean = Arrays.stream(d).average().orElse(0);
        if (!(mean > 0)) {
            return Double.NaN;
        }
        double deviation = 0;
        for (double v : d) {
            deviation += Math.abs(v - mean);
        }
        return deviation / (d.length * mean);
    }

    /** A weight at most this fraction of the preference's sum counts as 0 (cos(pi/2) is 6.1e-17 in floating point). */
    public static final double NEGLIGIBLE_WEIGHT = 1e-12;

    /**
     * Which tasks a preference weighs: those whose weight exceeds {@link #NEGLIGIBLE_WEIGHT} of the
     * weights' sum. A task of weight 0 asks for no particular loss.
     *
     * @param preference the weights of the tasks
     * @return per task whether the preference weighs it
     */
    public static boolean[] weighed(double[] preference) {
        double total = 0;
        for (double w : preference) {
            total += w;
        }
        boolean[] out = new boolean[preference.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = preference[i] > NEGLIGIBLE_WEIGHT * total;
        }
        return out;
    }

    /**
     * The {@link #alignment} over the tasks the preference {@link #weighed weighs} (no scales):
     * with a task of weight 0 in it the cosine could not reach 1 whatever the losses (1/sqrt(2) for
     * (1, 0) on two tasks), and a preference that weighs a single task asks for nothing between
     * tasks.
     *
     * @param preference the weights of the tasks, non-negative, not all 0
     * @param losses the reached losses, non-negative
     * @return the alignment; NaN when the preference weighs fewer than 2 tasks or every weighted loss is 0
     */
    public static double weighedAlignment(double[] preference, double[] losses) {
        if (losses.length != preference.length) {
            throw new IllegalArgumentException("preference and losses differ in length: " + preference.length + ", " + losses.length);
        }
        for (int i = 0; i < preference.length; i++) {
            if (!(preference[i] >= 0) || Double.isInfinite(preference[i])) {
                throw new IllegalArgumentException("task " + i + ": preference " + preference[i] + "; expected a finite non-negative weight");
            }
        }
        boolean[] weighed = weighed(preference);
        int k = 0;
        for (boolean w : weighed) {
            k += w ? 1 : 0;
        }
        if (k < 2) {
            return Double.NaN;
        }
        double[] p = new double[k];
        double[] l = new double[k];
        for (int i = 0, j = 0; i < weighed.length; i++) {
            if (weighed[i]) {
                p[j] = preference[i];
                l[j++] = losses[i];
            }
        }
        return alignment(p, l, null);
    }

    /**
     * How closely a run's losses reach the preference it was trained with, in [0, 1]: with
     * preference weights p (non-negative, not all 0) and losses l divided by per-task scales, the
     * cosine between p ⊙ l and the vector of ones, Σ p_i l_i / (√K · ‖p ⊙ l‖). It is 1 exactly
     * when p_i·l_i is the same for every task, i.e. when the losses lie on the ray l ∝ 1/p that a
     * larger weight asks a smaller loss of (the exact-Pareto condition of EPO, Mahapatra & Rajan,
     * ICML 2020, measured as a cosine instead of their KL non-uniformity).
     *
     * @param preference the weights of the tasks, non-negative, not all 0
     * @param losses the reached losses, non-negative
     * @param scale per task a positive divisor of its loss (e.g. its single-task loss), or null for 1
     * @return the alignment; NaN when every weighted loss is 0
     */
    public static double alignment(double[] preference, double[] losses, double[] scale) {
        int k = preference.length;
        if (losses.length != k || (scale != null && scale.length != k)) {
            throw new IllegalArgumentException("preference, losses and scales differ in length: " + k + ", "
                    + losses.length + (scale == null ? "" : ", " + scale.length));
        }
        double sum = 0;
        double squares = 0;
        double weights = 0;
        for (int i = 0; i < k; i++) {
            double s = scale == null ? 1 : scale[i];
            if (!(preference[i] >= 0) || !(losses[i] >= 0) || !(s > 0) || Double.isInfinite(losses[i])) {
                throw new IllegalArgumentException("task " + i + ": preference " + preference[i] + ", loss " + losses[i]
                        + ", scale " + s + "; expected a non-negative preference, a finite non-negative loss, a positive scale");
            }
            double v = preference[i] * losses[i] / s;
            sum += v;
            squares += v * v;
            weights += preference[i];
        }
        if (!(weights > 0)) {
            throw new IllegalArgumentException("the preference is all 0");
        }
        return squares > 0 ? sum / (Math.sqrt(k) * Math.sqrt(squares)) : Double.NaN;
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    private static double[] minimizing(double[] p, boolean[] maximize) {
        double[] q = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            q[i] = maximize[i] ? -p[i] : p[i];
        }
        return q;
    }

    private static void check(double[][] points, int m) {
        for (double[] p : points) {
            if (p.length != m) {
                throw new IllegalArgumentException("a point has " + p.length + " objectives, expected " + m);
            }
            for (double v : p) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException("a point has a value that is not finite: " + Arrays.toString(p));
                }
            }
        }
    }
}
