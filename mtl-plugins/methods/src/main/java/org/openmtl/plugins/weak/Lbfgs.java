package org.openmtl.plugins.weak;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Limited-memory BFGS with a backtracking (Armijo) line search, for the label models' smooth,
 * small objectives (a few thousand variables). Deterministic.
 */
final class Lbfgs {

    /** A differentiable function. */
    interface Objective {
        /**
         * Evaluates the function.
         *
         * @param x the point (not modified)
         * @param gradient receives the gradient at x
         * @return the value at x
         */
        double evaluate(double[] x, double[] gradient);
    }

    /**
     * The outcome.
     *
     * @param x the last point
     * @param value the value there
     * @param iterations iterations run
     * @param converged whether the gradient fell below the tolerance (or the value stopped
     *     changing in floating point)
     */
    record Result(double[] x, double value, int iterations, boolean converged) {}

    private static final int MEMORY = 10;

    private Lbfgs() {}

    static Result minimize(Objective f, double[] start, int maxIterations, double gradientTolerance) {
        int n = start.length;
        double[] x = start.clone();
        double[] g = new double[n];
        double value = f.evaluate(x, g);
        Deque<double[][]> history = new ArrayDeque<>();
        double[] direction = new double[n];
        double[] trial = new double[n];
        double[] trialGradient = new double[n];
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            if (maxAbs(g) <= gradientTolerance) {
                return new Result(x, value, iteration, true);
            }
            twoLoop(g, history, direction);
            double slope = dot(g, direction);
            if (slope >= 0) {
                // not a descent direction (curvature lost): restart from steepest descent
                history.clear();
                for (int i = 0; i < n; i++) {
                    direction[i] = -g[i];
                }
                slope = dot(g, direction);
            }
            double step = history.isEmpty() ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1;
            double trialValue;
            int halvings = 0;
            while (true) {
                for (int i = 0; i < n; i++) {
                    trial[i] = x[i] + step * direction[i];
                }
                trialValue = f.evaluate(trial, trialGradient);
                if (trialValue <= value + 1e-4 * step * slope) {
                    break;
                }
                step *= 0.5;
                if (++halvings > 60) {
                    // no decrease representable in floating point: a minimum to machine precision
                    return new Result(x, value, iteration, true);
                }
            }
            double[] s = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = trial[i] - x[i];
                y[i] = trialGradient[i] - g[i];
            }
            double sy = dot(s, y);
            if (sy > 1e-300) {
                history.addLast(new double[][] {s, y, {1 / sy}});
                if (history.size() > MEMORY) {
                    history.removeFirst();
                }
            }
            boolean stalled = value - trialValue <= 1e-16 * Math.max(1, Math.abs(value));
            System.arraycopy(trial, 0, x, 0, n);
            System.arraycopy(trialGradient, 0, g, 0, n);
            value = trialValue;
            if (stalled && maxAbs(g) <= Math.sqrt(gradientTolerance)) {
                return new Result(x, value, iteration + 1, true);
            }
        }
        return new Result(x, value, maxIterations, maxAbs(g) <= gradientTolerance);
    }

    private static void twoLoop(double[] g, Deque<double[][]> history, double[] out) {
        int n = g.length;
        double[] q = g.clone();
        double[] alpha = new double[history.size()];
        int k = history.size() - 1;
        var descending = history.descendingIterator();
        while (descending.hasNext()) {
            double[][] h = descending.next();
            alpha[k] = h[2][0] * dot(h[0], q);
            for (int i = 0; i < n; i++) {
                q[i] -= alpha[k] * h[1][i];
            }
            k--;
        }
        double gamma = 1;
        if (!history.isEmpty()) {
            double[][] last = history.peekLast();
            gamma = dot(last[0], last[1]) / dot(last[1], last[1]);
        }
        for (int i = 0; i < n; i++) {
            q[i] *= gamma;
        }
        k = 0;
        for (double[][] h : history) {
            double beta = h[2][0] * dot(h[1], q);
            for (int i = 0; i < n; i++) {
                q[i] += (alpha[k] - beta) * h[0][i];
            }
            k++;
        }
        for (int i = 0; i < n; i++) {
            out[i] = -q[i];
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
