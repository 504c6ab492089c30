package org.openmtl.plugins.weighting;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.linear.LinearConstraint;
import org.apache.commons.math3.optim.linear.LinearConstraintSet;
import org.apache.commons.math3.optim.linear.LinearObjectiveFunction;
import org.apache.commons.math3.optim.linear.NoFeasibleSolutionException;
import org.apache.commons.math3.optim.linear.NonNegativeConstraint;
import org.apache.commons.math3.optim.linear.PivotSelectionRule;
import org.apache.commons.math3.optim.linear.Relationship;
import org.apache.commons.math3.optim.linear.SimplexSolver;
import org.apache.commons.math3.optim.linear.UnboundedSolutionException;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;

/**
 * The search direction of EPO (Mahapatra &amp; Rajan, <i>Multi-Task Learning with User
 * Preferences: Gradient Descent with Controlled Ascent in Pareto Optimization</i>, ICML 2020):
 * simplex weights α over the task gradients, from a linear program on their Gramian C (C_ij =
 * g_i·g_j), the losses l and the preference r (all r_i &gt; 0 here).
 *
 * <p>With l̂ = r⊙l / Σ r⊙l, the non-uniformity μ = Σ_i l̂_i log(m l̂_i) (the KL divergence of l̂
 * from uniform; terms with l̂_i = 0 left out) and the adjustments a_i = r_i (log(m l̂_i) − μ):
 *
 * <ul>
 *   <li>μ &gt; ε (off the preference ray), balance: maximize αᵀCa over the simplex subject to
 *       (Cα)_j ≥ (Ca)_j for every j with (Ca)_j ≤ 0, except (Cα)_j ≥ 0 for the tasks of largest
 *       r_j l_j; where no (Ca)_j is positive, (Cα)_j ≥ 0 for every j. This is the authors'
 *       {@code EPO_LP} balance problem.
 *   <li>μ ≤ ε (on the ray), descent: maximize 1ᵀCα over the simplex subject to Cα ≥ 0 and αᵀCa ≥
 *       min(max_j (Ca)_j, 0), the authors' restricted descent problem.
 * </ul>
 *
 * <p>The program is solved by the simplex method with Bland's rule, on C divided by its largest
 * entry (α does not change with the scale of C). Where it has no solution, or the losses are not
 * all positive and finite (μ is then undefined), the weights are r/Σr, as the authors' training
 * loop falls back to when their solver fails.
 */
final class EpoSearchDirection {

    /** Whether the balance or the descent program chose α, or neither (the fallback). */
    enum Mode {
        BALANCE,
        DESCENT,
        FALLBACK
    }

    /**
     * A direction.
     *
     * @param alpha simplex weights over the tasks
     * @param mode which program gave them
     * @param mu the non-uniformity μ of r⊙l (NaN for the fallback)
     */
    record Result(double[] alpha, Mode mode, double mu) {}

    private static final double TOLERANCE = 1e-10;

    private EpoSearchDirection() {}

    /**
     * The direction for one step.
     *
     * @param losses l, one per task
     * @param gramian C, symmetric
     * @param preference r, every entry positive
     * @param epsilon ε, the non-uniformity under which the descent program is used
     * @return α and how it was found
     */
    static Result solve(double[] losses, double[][] gramian, double[] preference, double epsilon) {
        int m = losses.length;
        double[] rl = new double[m];
        double sum = 0;
        for (int i = 0; i < m; i++) {
            rl[i] = preference[i] * losses[i];
            sum += rl[i];
        }
        for (int i = 0; i < m; i++) {
            if (!(rl[i] > 0) || !Double.isFinite(rl[i])) {
                return fallback(preference);
            }
        }
        double[] hat = new double[m];
        double mu = 0;
        for (int i = 0; i < m; i++) {
            hat[i] = rl[i] / sum;
            if (hat[i] > Math.ulp(1.0)) {
                mu += hat[i] * Math.log(hat[i] * m);
            }
        }
        double[] a = new double[m];
        for (int i = 0; i < m; i++) {
            a[i] = preference[i] * (Math.log(hat[i] * m) - mu);
        }
        double scale = 0;
        for (double[] row : gramian) {
            for (double v : row) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        if (!(scale > 0) || !Double.isFinite(scale)) {
            // every gradient zero: no direction to choose between
            return fallback(preference);
        }
        double[][] c = new double[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                c[i][j] = gramian[i][j] / scale;
            }
        }
        double[] ca = times(c, a);
        List<LinearConstraint> constraints = new ArrayList<>();
        double[] ones = new double[m];
        Arrays.fill(ones, 1.0);
        constraints.add(new LinearConstraint(ones, Relationship.EQ, 1.0));
        LinearObjectiveFunction objective;
        Mode mode;
        if (mu > epsilon) {
            mode = Mode.BALANCE;
            boolean anyPositive = false;
            for (double v : ca) {
                anyPositive |= v > 0;
            }
            double largest = Double.NEGATIVE_INFINITY;
            for (double v : rl) {
                largest = Math.max(largest, v);
            }
            for (int j = 0; j < m; j++) {
                double rhs;
                if (!anyPositive || rl[j] == largest) {
                    rhs = 0;
                } else if (ca[j] > 0) {
                    continue;
                } else {
                    rhs = ca[j];
                }
                constraints.add(new LinearConstraint(c[j], Relationship.GEQ, rhs));
            }
            objective = new LinearObjectiveFunction(ca, 0);
        } else {
            mode = Mode.DESCENT;
            double maxCa = Double.NEGATIVE_INFINITY;
            for (double v : ca) {
                maxCa = Math.max(maxCa, v);
            }
            constraints.add(new LinearConstraint(ca, Relationship.GEQ, Math.min(maxCa, 0)));
            for (int j = 0; j < m; j++) {
                constraints.add(new LinearConstraint(c[j], Relationship.GEQ, 0));
            }
            double[] columnSums = new double[m];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    columnSums[j] += c[i][j];
                }
            }
            objective = new LinearObjectiveFunction(columnSums, 0);
        }
        try {
            PointValuePair solution =
                    new SimplexSolver(TOLERANCE, 10, 1e-14)
                            .optimize(
                                    new MaxIter(10_000),
                                    objective,
                                    new LinearConstraintSet(constraints),
                                    GoalType.MAXIMIZE,
                                    new NonNegativeConstraint(true),
                                    PivotSelectionRule.BLAND);
            double[] alpha = solution.getPoint();
            // the simplex method's vertices can carry rounding just below 0 or off Σ α = 1
            double total = 0;
            for (int i = 0; i < m; i++) {
                alpha[i] = Math.max(0, alpha[i]);
                total += alpha[i];
            }
            if (!(total > 0)) {
                return fallback(preference);
            }
            for (int i = 0; i < m; i++) {
                alpha[i] /= total;
            }
            return new Result(alpha, mode, mu);
        } catch (NoFeasibleSolutionException | UnboundedSolutionException e) {
            return fallback(preference);
        }
    }

    private static Result fallback(double[] preference) {
        return new Result(PreferenceVector.normalized(preference), Mode.FALLBACK, Double.NaN);
    }

    private static double[] times(double[][] c, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < y.length; i++) {
            double s = 0;
            for (int j = 0; j < x.length; j++) {
                s += c[i][j] * x[j];
            }
            y[i] = s;
        }
        return y;
    }
}
