package org.openmtl.core.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The non-dominated points of a two-objective comparison, each objective with its own direction. */
final class ParetoFront {

    private ParetoFront() {}

    /**
     * The indices of the points no other point dominates (at least as good in both objectives and
     * better in one), ordered by x ascending. Points with a non-finite coordinate take no part.
     *
     * @param points (x, y) pairs
     * @param xHigherIsBetter the direction of x
     * @param yHigherIsBetter the direction of y
     * @return the front's indices
     */
    static List<Integer> indices(List<double[]> points, boolean xHigherIsBetter, boolean yHigherIsBetter) {
        List<Integer> front = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            double[] p = points.get(i);
            if (!finite(p)) {
                continue;
            }
            boolean dominated = false;
            for (int j = 0; j < points.size() && !dominated; j++) {
                double[] q = points.get(j);
                if (j == i || !finite(q)) {
                    continue;
                }
                int dx = compare(q[0], p[0], xHigherIsBetter);
                int dy = compare(q[1], p[1], yHigherIsBetter);
                dominated = dx >= 0 && dy >= 0 && (dx > 0 || dy > 0);
            }
            if (!dominated) {
                front.add(i);
            }
        }
        front.sort(Comparator.<Integer>comparingDouble(i -> points.get(i)[0]).thenComparingDouble(i -> points.get(i)[1]));
        return front;
    }

    /**
     * The boundary of the region the front dominates, as a polyline: between two neighbouring front
     * points, the corner that is the worse of the two in each objective.
     *
     * @param front the front's points ordered by x
     * @param xHigherIsBetter the direction of x
     * @param yHigherIsBetter the direction of y
     * @return the front points with the corners between them
     */
    static List<double[]> staircase(List<double[]> front, boolean xHigherIsBetter, boolean yHigherIsBetter) {
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < front.size(); i++) {
            double[] p = front.get(i);
            if (i > 0) {
                double[] a = front.get(i - 1);
                double x = xHigherIsBetter ? Math.min(a[0], p[0]) : Math.max(a[0], p[0]);
                double y = yHigherIsBetter ? Math.min(a[1], p[1]) : Math.max(a[1], p[1]);
                out.add(new double[] {x, y});
            }
            out.add(p);
        }
        return out;
    }

    /** Positive when a is better than b in the given direction, negative when worse, 0 when equal. */
    private static int compare(double a, double b, boolean higherIsBetter) {
        int c = Double.compare(a, b);
        return higherIsBetter ? c : -c;
    }

    private static boolean finite(double[] p) {
        return Double.isFinite(p[0]) && Double.isFinite(p[1]);
    }
}
