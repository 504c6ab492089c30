package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.api.plugin.ConfigKey;
import org.openmtl.api.task.TaskType;
import org.openmtl.api.weighting.LossWeighting;
import org.openmtl.api.weighting.Weighting;
import org.openmtl.api.weighting.WeightingContext;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class UncertaintyWeightingTest {

    private static final List<String> TASKS = List.of("depth", "labels", "normals");
    private static final Map<String, Integer> SIZES =
            Map.of("depth", 10, "labels", 10, "normals", 10);
    private static final Map<String, TaskType> TYPES =
            Map.of(
                    "depth", TaskType.REGRESSION,
                    "labels", TaskType.CLASSIFICATION,
                    "normals", TaskType.REGRESSION);

    /** Initialized with a context that declares no task types (every task a classification). */
    private static UncertaintyWeighting initialized(
            NDManager manager, List<String> tasks, String... settings) {
        Weighting weighting = TestPlugins.create(new UncertaintyWeightingFactory(), settings);
        Map<String, Integer> sizes = new java.util.HashMap<>();
        tasks.forEach(t -> sizes.put(t, 10));
        weighting.initialize(WeightingTesting.context(manager, tasks, sizes));
        return (UncertaintyWeighting) weighting;
    }

    /** Initialized with the given task types, as the trainer's context gives them. */
    private static UncertaintyWeighting initialized(
            NDManager manager,
            List<String> tasks,
            Map<String, TaskType> types,
            String... settings) {
        Weighting weighting = TestPlugins.create(new UncertaintyWeightingFactory(), settings);
        Map<String, Integer> sizes = new java.util.HashMap<>();
        tasks.forEach(t -> sizes.put(t, 10));
        weighting.initialize(new WeightingContext(tasks, sizes, manager, 10, types));
        return (UncertaintyWeighting) weighting;
    }

    private static Parameter logVariance(Weighting weighting) {
        return weighting.parameters().get(0);
    }

    @Test
    void oneLogVariancePerTaskStartsAtInit() {
        try (NDManager manager = ContractTensors.newManager()) {
            UncertaintyWeighting weighting = initialized(manager, TASKS, "init=0.25");
            Parameter s = logVariance(weighting);
            assertEquals("log_variance", s.getName());
            assertArrayEquals(new double[] {0.25, 0.25, 0.25}, ObjectiveProbe.values(s), 1e-7);
            double w = Math.exp(-0.25);
            assertArrayEquals(new double[] {w, w, w}, weighting.lastWeights(), 1e-7);
        }
    }

    @Test
    void simpleFormValueAndGradientsMatchTheAnalyticExpressions() {
        try (NDManager manager = ContractTensors.newManager()) {
            UncertaintyWeighting weighting = initialized(manager, TASKS);
            double[] s = {-0.5, 0.2, 1.3};
            double[] l = {0.8, 2.5, 0.1};
            ObjectiveProbe.set(logVariance(weighting), s);
            ObjectiveProbe.Result result = ObjectiveProbe.step(weighting, manager, 0, TASKS, l);
            double expected = 0;
            double[] dLoss = new double[3];
            double[] dS = new double[3];
            for (int i = 0; i < 3; i++) {
                // exp(-s) L + s: d/dL = exp(-s), d/ds = 1 - exp(-s) L
                expected += Math.exp(-s[i]) * l[i] + s[i];
                dLoss[i] = Math.exp(-s[i]);
                dS[i] = 1 - Math.exp(-s[i]) * l[i];
            }
            assertEquals(expected, result.objective(), 1e-5);
            assertArrayEquals(dLoss, result.lossGradients(), 1e-5);
            assertArrayEquals(dS, result.parameterGradients().get(0), 1e-5);
            assertArrayEquals(dLoss, weighting.lastWeights(), 1e-6);
        }
    }

    @Test
    void autoFormTakesEachTasksTermFromItsTypeInTheContext() {
        try (NDManager manager = ContractTensors.newManager()) {
            // depth and normals are regressions, labels a classification
            UncertaintyWeighting weighting = initialized(manager, TASKS, TYPES, "form=auto");
            double[] s = {0.4, -0.3, 0.9};
            double[] l = {1.5, 0.7, 0.2};
            ObjectiveProbe.set(logVariance(weighting), s);
            ObjectiveProbe.Result result = ObjectiveProbe.step(weighting, manager, 0, TASKS, l);
            // regression: L/(2 sigma^2) + log sigma = 0.5 exp(-s) L + 0.5 s
            // classification: L/sigma^2 + log sigma = exp(-s) L + 0.5 s
            double[] a = {0.5, 1.0, 0.5};
            double expected = 0;
            double[] dLoss = new double[3];
            double[] dS = new double[3];
            for (int i = 0; i < 3; i++) {
                expected += a[i] * Math.exp(-s[i]) * l[i] + 0.5 * s[i];
                dLoss[i] = a[i] * Math.exp(-s[i]);
                dS[i] = 0.5 - a[i] * Math.exp(-s[i]) * l[i];
            }
            assertEquals(expected, result.objective(), 1e-5);
            assertArrayEquals(dLoss, result.lossGradients(), 1e-5);
            assertArrayEquals(dS, result.parameterGradients().get(0), 1e-5);
            assertArrayEquals(dLoss, weighting.lastWeights(), 1e-6);
        }
    }

    @Test
    void autoFormWithoutDeclaredTypesTreatsEveryTaskAsAClassification() {
        try (NDManager manager = ContractTensors.newManager()) {
            // the four-argument context declares no types: every task is a classification
            UncertaintyWeighting weighting = initialized(manager, TASKS, "form=auto");
            double[] s = {0.4, -0.3, 0.9};
            double[] l = {1.5, 0.7, 0.2};
            ObjectiveProbe.set(logVariance(weighting), s);
            ObjectiveProbe.Result result = ObjectiveProbe.step(weighting, manager, 0, TASKS, l);
            double expected = 0;
            double[] dLoss = new double[3];
            for (int i = 0; i < 3; i++) {
                expected += Math.exp(-s[i]) * l[i] + 0.5 * s[i];
                dLoss[i] = Math.exp(-s[i]);
            }
            assertEquals(expected, result.objective(), 1e-5);
            assertArrayEquals(dLoss, result.lossGradients(), 1e-5);
        }
    }

    @Test
    void simpleFormIgnoresTheTaskTypes() {
        try (NDManager manager = ContractTensors.newManager()) {
            UncertaintyWeighting weighting = initialized(manager, TASKS, TYPES);
            double[] s = {0.4, -0.3, 0.9};
            double[] l = {1.5, 0.7, 0.2};
            ObjectiveProbe.set(logVariance(weighting), s);
            ObjectiveProbe.Result result = ObjectiveProbe.step(weighting, manager, 0, TASKS, l);
            double expected = 0;
            for (int i = 0; i < 3; i++) {
                expected += Math.exp(-s[i]) * l[i] + s[i];
            }
            assertEquals(expected, result.objective(), 1e-5);
        }
    }

    @Test
    void aStepOfSomeTasksUsesThoseTasksTypes() {
        try (NDManager manager = ContractTensors.newManager()) {
            UncertaintyWeighting weighting = initialized(manager, TASKS, TYPES, "form=auto");
            double[] s = {0.4, -0.3, 0.9};
            ObjectiveProbe.set(logVariance(weighting), s);
            // labels (classification) then depth (regression)
            ObjectiveProbe.Result result =
                    ObjectiveProbe.step(
                            weighting, manager, 0, List.of("labels", "depth"), 0.7, 1.5);
            double expected =
                    Math.exp(0.3) * 0.7 + 0.5 * -0.3 + 0.5 * Math.exp(-0.4) * 1.5 + 0.5 * 0.4;
            assertEquals(expected, result.objective(), 1e-5);
            assertArrayEquals(
                    new double[] {Math.exp(0.3), 0.5 * Math.exp(-0.4)},
                    result.lossGradients(),
                    1e-5);
        }
    }

    @Test
    void theTaskTypesComeFromTheContextOnly() {
        assertEquals(
                List.of("form", "init"),
                new UncertaintyWeightingFactory()
                        .descriptor().keys().stream().map(ConfigKey::name).toList());
    }

    /**
     * Two regression tasks whose best predictor leaves noise of variance sigma_1^2 = 0.25 and
     * sigma_2^2 = 4, so their mean squared errors are L_i = sigma_i^2. With L fixed, the objective
     * in s alone is minimal where its derivative vanishes: simple form 1 - exp(-s) L = 0 and the
     * paper's regression form 0.5 - 0.5 exp(-s) L = 0 both give s* = log L = log sigma^2; the
     * classification form 0.5 - exp(-s) L = 0 (the same losses, the tasks declared classifications)
     * gives s* = log 2L. Gradient descent on s, with the gradient of the real objective, must reach
     * these and so recover the noise ratio.
     */
    @Test
    void gradientDescentOnTheLogVariancesRecoversTheNoiseVariances() {
        double[] variances = {0.25, 4.0};
        List<String> tasks = List.of("near", "far");
        Map<String, TaskType> regressions =
                Map.of("near", TaskType.REGRESSION, "far", TaskType.REGRESSION);
        Map<String, TaskType> classifications =
                Map.of("near", TaskType.CLASSIFICATION, "far", TaskType.CLASSIFICATION);
        assertRecovers(
                tasks, regressions, variances, new double[] {Math.log(0.25), Math.log(4.0)});
        assertRecovers(
                tasks,
                regressions,
                variances,
                new double[] {Math.log(0.25), Math.log(4.0)},
                "form=auto");
        assertRecovers(
                tasks,
                classifications,
                variances,
                new double[] {Math.log(2 * 0.25), Math.log(2 * 4.0)},
                "form=auto");
    }

    private static void assertRecovers(
            List<String> tasks,
            Map<String, TaskType> types,
            double[] losses,
            double[] optimum,
            String... settings) {
        try (NDManager manager = ContractTensors.newManager()) {
            UncertaintyWeighting weighting = initialized(manager, tasks, types, settings);
            Parameter s = logVariance(weighting);
            double[] current = ObjectiveProbe.values(s);
            for (int iteration = 0; iteration < 150; iteration++) {
                double[] gradient =
                        ObjectiveProbe.step(weighting, manager, iteration, tasks, losses)
                                .parameterGradients()
                                .get(0);
                for (int i = 0; i < current.length; i++) {
                    current[i] -= 0.5 * gradient[i];
                }
                ObjectiveProbe.set(s, current);
            }
            assertArrayEquals(optimum, current, 1e-4, String.join(" ", settings));
            // the ratio of the learned variances is the ratio of the noise variances
            assertEquals(
                    optimum[1] - optimum[0], current[1] - current[0], 1e-4, "log noise ratio");
            assertEquals(Math.log(16), current[1] - current[0], 1e-4);
        }
    }

    @Test
    void aStepOfSomeTasksTrainsOnlyTheirLogVariances() {
        try (NDManager manager = ContractTensors.newManager()) {
            UncertaintyWeighting weighting = initialized(manager, TASKS);
            double[] s = {0.1, 0.2, 0.3};
            ObjectiveProbe.set(logVariance(weighting), s);
            ObjectiveProbe.Result result =
                    ObjectiveProbe.step(
                            weighting, manager, 0, List.of("normals", "depth"), 2.0, 3.0);
            double expected = Math.exp(-0.3) * 2.0 + 0.3 + Math.exp(-0.1) * 3.0 + 0.1;
            assertEquals(expected, result.objective(), 1e-5);
            assertArrayEquals(
                    new double[] {Math.exp(-0.3), Math.exp(-0.1)}, result.lossGradients(), 1e-5);
            assertArrayEquals(
                    new double[] {1 - Math.exp(-0.1) * 3.0, 0.0, 1 - Math.exp(-0.3) * 2.0},
                    result.parameterGradients().get(0),
                    1e-5);
            // labels was not trained: its weight is still the initial exp(-0) = 1
            assertArrayEquals(
                    new double[] {Math.exp(-0.1), 1.0, Math.exp(-0.3)},
                    weighting.lastWeights(),
                    1e-6);
        }
    }

    @Test
    void stepsLeaveNothingInTheRunsManager() {
        try (NDManager base = ContractTensors.newManager();
                NDManager run = base.newSubManager()) {
            Weighting weighting = TestPlugins.create(new UncertaintyWeightingFactory());
            weighting.initialize(WeightingTesting.context(run, TASKS, SIZES));
            int before = run.getManagedArrays().size();
            for (int step = 0; step < 5; step++) {
                WeightingTesting.objective((LossWeighting) weighting, base, TASKS, 1, 2, 3);
                WeightingTesting.objective(
                        (LossWeighting) weighting, base, List.of("labels"), 0.5);
            }
            assertEquals(before, run.getManagedArrays().size());
        }
    }

    /**
     * LibMTL's UW (reference/uncertainty) minimizes Σ L_i/(2 exp(s_i)) + s_i/2, the paper's
     * regression form for every task: it is {@code form=auto} with every task a regression, to
     * 1e-5 relative, and {@code form=simple} is exactly twice it (value, gradients and weights), so
     * under Adam the two take the same steps up to ε.
     */
    @Test
    void matchesTheReferenceImplementationAsAutoFormOfRegressionsAndTwiceItAsSimpleForm() {
        for (com.google.gson.JsonObject c : ReferenceValues.cases("uncertainty")) {
            String name = c.get("name").getAsString();
            double[] s = ReferenceValues.vector(c, "logScales");
            double[] l = ReferenceValues.vector(c, "losses");
            List<String> tasks = new java.util.ArrayList<>();
            Map<String, TaskType> regressions = new java.util.HashMap<>();
            for (int i = 0; i < s.length; i++) {
                tasks.add("t" + i);
                regressions.put("t" + i, TaskType.REGRESSION);
            }
            for (String form : List.of("auto", "simple")) {
                double factor = form.equals("auto") ? 1.0 : 2.0;
                String what = name + ", form " + form;
                try (NDManager manager = ContractTensors.newManager()) {
                    UncertaintyWeighting weighting =
                            initialized(manager, tasks, regressions, "form=" + form);
                    ObjectiveProbe.set(logVariance(weighting), s);
                    ObjectiveProbe.Result result = ObjectiveProbe.step(weighting, manager, 0, tasks, l);
                    ReferenceValues.assertClose(
                            new double[] {factor * c.get("objective").getAsDouble()},
                            new double[] {result.objective()},
                            what + ", objective");
                    ReferenceValues.assertClose(
                            scaled(ReferenceValues.vector(c, "lossGradients"), factor),
                            result.lossGradients(),
                            what + ", loss gradients");
                    ReferenceValues.assertClose(
                            scaled(ReferenceValues.vector(c, "logScaleGradients"), factor),
                            result.parameterGradients().get(0),
                            what + ", log-scale gradients");
                    ReferenceValues.assertClose(
                            scaled(ReferenceValues.vector(c, "weights"), factor),
                            weighting.lastWeights(),
                            what + ", weights");
                }
            }
        }
    }

    private static double[] scaled(double[] v, double factor) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = factor * v[i];
        }
        return out;
    }
}
