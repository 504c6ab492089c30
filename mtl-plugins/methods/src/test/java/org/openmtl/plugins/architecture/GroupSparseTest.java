package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.task.Task;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

/**
 * {@code group-sparse}'s proximal step through {@code afterUpdate}, against the closed-form prox
 * (q = 2) and an independent bisection plus a brute-force optimality check (q = ∞), with whole rows
 * of A set exactly to zero; and a short proximal-gradient training run on a problem where only three
 * of ten features matter.
 */
class GroupSparseTest {

    private static final List<Task> TASKS = List.of(Task.classification("a", 3, 0),
            Task.classification("b", 2, 1), Task.regression("c", 2, 2));
    private static final int FEATURES = 8;
    private static final int HIDDEN = 4;

    private static MultiTaskNetwork build(NDManager manager, List<Task> tasks, Shape example, String... settings) {
        ContractTensors.seedEngine(7);
        return TestPlugins.create(new GroupSparseFactory(), settings)
                .build(new NetworkContext(tasks, example, manager, 7));
    }

    /** Each task's first-layer weight (hidden × features), found by name. */
    private static List<Parameter> firstLayers(MultiTaskNetwork network, List<Task> tasks) {
        Map<String, Parameter> byKey = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : network.block().getParameters()) {
            // a child block's parameters are named after its position ("01a_stage1_..."): keep the name only
            byKey.put(p.getKey().replaceFirst("^\\d+(?=[a-z])", ""), p.getValue());
        }
        List<Parameter> first = new ArrayList<>();
        for (Task task : tasks) {
            Parameter weight = byKey.entrySet().stream()
                    .filter(e -> e.getKey().startsWith(task.name() + "_stage1_") && e.getKey().endsWith("Linear_weight"))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            assertNotNull(weight, "no first-layer weight of " + task.name() + " among " + byKey.keySet());
            first.add(weight);
        }
        return first;
    }

    /** a_i: every first-layer weight reading feature i, task by task, hidden unit by hidden unit. */
    private static double[] row(List<float[]> weights, int feature, int hidden, int features) {
        double[] a = new double[weights.size() * hidden];
        for (int k = 0; k < weights.size(); k++) {
            for (int h = 0; h < hidden; h++) {
                a[k * hidden + h] = weights.get(k)[h * features + feature];
            }
        }
        return a;
    }

    private static List<float[]> values(List<Parameter> parameters) {
        List<float[]> v = new ArrayList<>();
        parameters.forEach(p -> v.add(p.getArray().toFloatArray()));
        return v;
    }

    private static double norm(double[] v, double q) {
        double s = 0;
        for (double x : v) {
            s = q == 1 ? s + Math.abs(x) : q == 2 ? s + x * x : Math.max(s, Math.abs(x));
        }
        return q == 2 ? Math.sqrt(s) : s;
    }

    /**
     * Sets A's rows: row 0 tiny, row 1 given, the rest random; returns A before the step.
     */
    private static List<float[]> plantRows(List<Parameter> first, double tinyEntry, double rowOneEntry) {
        Random random = new Random(13);
        List<float[]> planted = new ArrayList<>();
        for (Parameter p : first) {
            float[] w = new float[HIDDEN * FEATURES];
            for (int h = 0; h < HIDDEN; h++) {
                for (int i = 0; i < FEATURES; i++) {
                    w[h * FEATURES + i] = (float) (0.3 * random.nextGaussian());
                }
                w[h * FEATURES] = (float) (h % 2 == 0 ? tinyEntry : -tinyEntry);
                w[h * FEATURES + 1] = (float) (h % 2 == 0 ? rowOneEntry : -rowOneEntry);
            }
            p.getArray().set(w);
            planted.add(w);
        }
        return planted;
    }

    private static Map<String, float[]> otherParameters(MultiTaskNetwork network, List<Parameter> first) {
        Map<String, float[]> others = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : network.block().getParameters()) {
            if (!first.contains(p.getValue())) {
                others.put(p.getKey(), p.getValue().getArray().toFloatArray());
            }
        }
        return others;
    }

    @Test
    void theL2StepShrinksEveryRowByTheClosedFormAndZeroesSmallRowsExactly() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, TASKS, new Shape(FEATURES), "mlp.hidden=4,4", "lambda=0.1",
                    "update=optimizer");
            List<Parameter> first = firstLayers(network, TASKS);
            double lr = 0.5;
            double tau = lr * 0.1;
            // row 0: ‖a_0‖₂ = 0.014·√12 ≈ 0.0485 ≤ τ = 0.05; row 1: ≈ 0.052 > τ, shrunk but kept
            List<float[]> before = plantRows(first, 0.014, 0.015);
            Map<String, float[]> othersBefore = otherParameters(network, first);
            network.afterUpdate(lr);
            List<float[]> after = values(first);
            for (int i = 0; i < FEATURES; i++) {
                double[] v = row(before, i, HIDDEN, FEATURES);
                double[] x = row(after, i, HIDDEN, FEATURES);
                double n = norm(v, 2);
                if (n <= tau) {
                    for (double e : x) {
                        assertEquals(0.0, e, 0.0, "row " + i + " must be exactly zero");
                    }
                    continue;
                }
                double scale = 1 - tau / n;
                for (int j = 0; j < v.length; j++) {
                    assertEquals(scale * v[j], x[j], 1e-6, "row " + i);
                }
            }
            assertTrue(norm(row(before, 0, HIDDEN, FEATURES), 2) <= tau);
            assertTrue(norm(row(after, 1, HIDDEN, FEATURES), 2) > 0);
            // only A changes
            Map<String, float[]> othersAfter = otherParameters(network, first);
            othersBefore.forEach((k, v) -> assertArrayEquals(v, othersAfter.get(k), 0f, k));
            Map<String, Object> structure = network.structure();
            assertEquals(FEATURES, structure.get("features"));
            assertEquals(FEATURES - 1, structure.get("features_kept"));
            assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), structure.get("kept"));
        }
    }

    @Test
    void theLinfStepIsTheProxFoundByBisectionAndZeroesRowsWhoseL1NormIsUnderTheThreshold() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, TASKS, new Shape(FEATURES), "mlp.hidden=4,4", "lambda=0.6",
                    "q=inf", "update=optimizer");
            List<Parameter> first = firstLayers(network, TASKS);
            double lr = 0.5;
            double tau = lr * 0.6;
            // row 0: ‖a_0‖₁ = 12·0.024 = 0.288 ≤ τ = 0.3: zero. Row 1: ‖a_1‖∞ = 0.1 < τ but ‖a_1‖₁ = 1.2 > τ:
            // the prox of τ‖·‖∞ vanishes exactly when the dual norm ‖·‖₁ is at most τ, so row 1 is clipped, not zeroed
            List<float[]> before = plantRows(first, 0.024, 0.1);
            network.afterUpdate(lr);
            List<float[]> after = values(first);
            Random random = new Random(17);
            for (int i = 0; i < FEATURES; i++) {
                double[] v = row(before, i, HIDDEN, FEATURES);
                double[] x = row(after, i, HIDDEN, FEATURES);
                double[] expected = clipByBisection(v, tau);
                if (norm(v, 1) <= tau) {
                    for (double e : x) {
                        assertEquals(0.0, e, 0.0, "row " + i + " must be exactly zero");
                    }
                }
                assertArrayEquals(expected, x, 1e-6, "row " + i);
                // and no point nearby or far away does better on ½‖x − v‖² + τ‖x‖∞
                double best = objective(x, v, tau);
                for (int trial = 0; trial < 300; trial++) {
                    double size = trial < 150 ? 1e-3 : 0.3;
                    double[] y = x.clone();
                    for (int j = 0; j < y.length; j++) {
                        y[j] += size * random.nextGaussian();
                    }
                    assertTrue(objective(y, v, tau) >= best - 1e-6, "row " + i + " beaten by a perturbation");
                }
            }
            // row 1 clipped at m with 12·(0.1 − m) = 0.3: m = 0.075
            double[] clipped = row(after, 1, HIDDEN, FEATURES);
            for (double e : clipped) {
                assertEquals(0.075, Math.abs(e), 1e-6);
            }
            assertEquals(FEATURES - 1, network.structure().get("features_kept"));
        }
    }

    /** argmin_x ½‖x − v‖² + τ‖x‖∞: clip |v| at m with Σ max(|v_j| − m, 0) = τ; zero when ‖v‖₁ ≤ τ. */
    private static double[] clipByBisection(double[] v, double tau) {
        double[] x = new double[v.length];
        if (norm(v, 1) <= tau) {
            return x;
        }
        double lo = 0;
        double hi = norm(v, Double.POSITIVE_INFINITY);
        for (int it = 0; it < 200; it++) {
            double m = (lo + hi) / 2;
            double excess = 0;
            for (double a : v) {
                excess += Math.max(Math.abs(a) - m, 0);
            }
            if (excess > tau) {
                lo = m;
            } else {
                hi = m;
            }
        }
        double m = (lo + hi) / 2;
        for (int j = 0; j < v.length; j++) {
            x[j] = Math.signum(v[j]) * Math.min(Math.abs(v[j]), m);
        }
        return x;
    }

    private static double objective(double[] x, double[] v, double tau) {
        double s = 0;
        for (int j = 0; j < x.length; j++) {
            s += 0.5 * (x[j] - v[j]) * (x[j] - v[j]);
        }
        return s + tau * norm(x, Double.POSITIVE_INFINITY);
    }

    @Test
    void imagesAreReadAsPixelsByAnMlpTrunkAndNothingIsShared() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, TASKS, new Shape(1, 28, 28));
            List<Parameter> first = firstLayers(network, TASKS);
            for (Parameter p : first) {
                assertEquals(new Shape(64, 784), p.getArray().getShape());
            }
            assertEquals(784, network.structure().get("features"));
            assertEquals(784, network.structure().get("features_kept"));
            assertTrue(network.sharedParameters().isEmpty());
            assertTrue(network.penalty(new ParameterStore(manager, false)).isEmpty());
            NDArray input = manager.randomNormal(new Shape(2, 1, 28, 28));
            assertSame(input, network.encode(new ParameterStore(manager, false), input, false).singletonOrThrow());
            // per task: 784→64→64 and a head 64→32→outputs
            long trunk = (784 * 64 + 64) + (64 * 64 + 64);
            assertEquals(trunk + 64 * 32 + 32 + 32 * 3 + 3,
                    network.taskParameters("a").stream().mapToLong(q -> q.getArray().size()).sum());
        }
    }

    @Test
    void proximalGradientTrainingKeepsTheRelevantFeaturesAndDropsTheOthers() {
        for (String q : List.of("2", "inf")) {
            // a row stays at zero while λ exceeds the dual norm of its loss gradient: ‖·‖₂ for q = 2, ‖·‖₁
            // (a few times larger for these 2·16 entries) for q = ∞
            trainAndCheck(q, q.equals("2") ? 1.0 : 4.0, "prox-sgd");
        }
        // the variant in which the optimizer (here plain gradient descent) steps A
        trainAndCheck("2", 1.0, "optimizer");
    }

    @Test
    void proximalSgdStepsAByItsOwnGradientStepThenTheProxAndLeavesTheRestToTheOptimizer() {
        try (NDManager manager = ContractTensors.newManager()) {
            double eta = 0.2;
            double lambda = 0.1;
            MultiTaskNetwork network = build(manager, TASKS, new Shape(FEATURES), "mlp.hidden=4,4", "lambda=" + lambda,
                    "prox.lr=" + eta);
            List<Parameter> first = firstLayers(network, TASKS);
            assertEquals(first, network.selfUpdatedParameters());
            List<float[]> before = plantRows(first, 0.014, 0.015);
            Random random = new Random(5);
            List<float[]> gradients = new ArrayList<>();
            for (Parameter p : first) {
                float[] g = new float[(int) p.getArray().size()];
                for (int i = 0; i < g.length; i++) {
                    g[i] = (float) (0.05 * random.nextGaussian());
                }
                p.getArray().setRequiresGradient(true);
                // the gradient of Σ g ⊙ A is g
                try (GradientCollector collector = ContractTensors.newGradientCollector()) {
                    collector.backward(p.getArray().mul(manager.create(g, p.getArray().getShape())).sum());
                }
                gradients.add(g);
            }
            Map<String, float[]> othersBefore = otherParameters(network, first);
            // the optimizer's learning rate plays no part
            network.afterUpdate(123.0);
            List<float[]> after = values(first);
            double tau = eta * lambda;
            for (int i = 0; i < FEATURES; i++) {
                double[] v = row(before, i, HIDDEN, FEATURES);
                double[] g = row(gradients, i, HIDDEN, FEATURES);
                double[] stepped = new double[v.length];
                for (int j = 0; j < v.length; j++) {
                    stepped[j] = (float) (v[j] - (float) (eta * g[j]));
                }
                double n = norm(stepped, 2);
                double[] x = row(after, i, HIDDEN, FEATURES);
                for (int j = 0; j < v.length; j++) {
                    assertEquals(n <= tau ? 0.0 : (1 - tau / n) * stepped[j], x[j], 1e-6, "row " + i);
                }
            }
            Map<String, float[]> othersAfter = otherParameters(network, first);
            othersBefore.forEach((k, v) -> assertArrayEquals(v, othersAfter.get(k), 0f, k));
            // the optimizer variant steps nothing itself
            assertTrue(build(manager, TASKS, new Shape(FEATURES), "update=optimizer").selfUpdatedParameters().isEmpty());
        }
    }

    private static void trainAndCheck(String q, double lambda, String update) {
        int d = 10;
        int n = 200;
        int relevant = 3;
        List<Task> tasks = List.of(Task.regression("u", 1, 0), Task.regression("v", 1, 1));
        // y_u and y_v read only features 0, 1, 2
        double[][] coefficients = {{2.0, -1.5, 1.0}, {-1.0, 2.0, 1.5}};
        Random random = new Random(23);
        float[] x = new float[n * d];
        float[][] y = new float[2][n];
        for (int e = 0; e < n; e++) {
            for (int i = 0; i < d; i++) {
                x[e * d + i] = (float) random.nextGaussian();
            }
            for (int t = 0; t < 2; t++) {
                double s = 0;
                for (int i = 0; i < relevant; i++) {
                    s += coefficients[t][i] * x[e * d + i];
                }
                y[t][e] = (float) (s + 0.1 * random.nextGaussian());
            }
        }
        // small enough that full-batch gradient descent on this net stays stable while the prox shrinks A
        double lr = 0.005;
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork network = build(manager, tasks, new Shape(d), "mlp.hidden=16", "head.hidden=8",
                    "lambda=" + lambda, "q=" + q, "update=" + update, "prox.lr=" + lr);
            List<Parameter> self = network.selfUpdatedParameters();
            List<Parameter> parameters = List.copyOf(network.block().getParameters().values());
            parameters.forEach(p -> p.getArray().setRequiresGradient(true));
            ParameterStore store = new ParameterStore(manager, false);
            double firstLoss = Double.NaN;
            double lastLoss = Double.NaN;
            for (int step = 0; step < 500; step++) {
                try (NDManager stepManager = manager.newSubManager()) {
                    NDArray input = stepManager.create(x, new Shape(n, d));
                    double loss = 0;
                    try (GradientCollector collector = ContractTensors.newGradientCollector()) {
                        NDList representation = network.encode(store, input, true);
                        NDArray total = null;
                        for (int t = 0; t < 2; t++) {
                            NDArray prediction = network.decode(store, representation, tasks.get(t).name(), true);
                            NDArray target = stepManager.create(y[t], new Shape(n, 1));
                            NDArray mse = prediction.sub(target).square().mean();
                            total = total == null ? mse : total.add(mse);
                        }
                        loss = total.getFloat();
                        collector.backward(total);
                    }
                    // a plain gradient step on every parameter, then the proximal step, as the trainer does with sgd
                    for (Parameter p : parameters) {
                        if (self.contains(p)) {
                            continue;
                        }
                        NDArray array = p.getArray();
                        try (NDArray gradient = array.getGradient(); NDArray delta = gradient.mul((float) lr)) {
                            array.subi(delta);
                            gradient.subi(gradient);
                        }
                    }
                    network.afterUpdate(lr);
                    for (Parameter p : self) {
                        try (NDArray gradient = p.getArray().getGradient()) {
                            gradient.subi(gradient);
                        }
                    }
                    if (step == 0) {
                        firstLoss = loss;
                    }
                    lastLoss = loss;
                }
            }
            Map<String, Object> structure = network.structure();
            List<float[]> a = values(firstLayers(network, tasks));
            StringBuilder norms = new StringBuilder();
            for (int i = 0; i < d; i++) {
                norms.append(String.format(java.util.Locale.ROOT, " %.4f", norm(row(a, i, 16, d), 2)));
            }
            String what = "q=" + q + ", update=" + update + ", loss " + firstLoss + " -> " + lastLoss + ", row norms" + norms + ", " + structure;
            assertEquals(List.of(0, 1, 2), structure.get("kept"), what);
            assertEquals(relevant, structure.get("features_kept"), what);
            for (int i = 0; i < relevant; i++) {
                assertTrue(norm(row(a, i, 16, d), 2) > 0.1, "feature " + i + " kept by a margin: " + what);
            }
            for (int i = relevant; i < d; i++) {
                for (double e : row(a, i, 16, d)) {
                    assertEquals(0.0, e, 0.0, what);
                }
            }
            assertTrue(lastLoss < 0.1 * firstLoss, what);
        }
    }
}
