package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class ParetoMtlWeightingTest {

    private static final List<String> TWO = List.of("left", "right");

    private static ParetoMtlWeighting initialized(NDManager manager, List<String> tasks, String... settings) {
        ParetoMtlWeighting weighting =
                (ParetoMtlWeighting) TestPlugins.create(new ParetoMtlWeightingFactory(), settings);
        weighting.initialize(GramianTesting.context(manager, tasks));
        return weighting;
    }

    /**
     * The authors' code (Xi-L/ParetoMTL at 0407f354, multiMNIST/train.py) on fixed gradients and
     * losses: the reference vectors, the initial phase's weights and feasibility, the main phase's
     * weights and the weights its training loop uses after rescaling, to 1e-5 relative.
     */
    @Test
    void weightsMatchTheAuthorsCodeOnFixedGradients() {
        List<JsonObject> cases = ReferenceValues.cases("pareto-mtl");
        assertEquals(9, cases.size());
        try (NDManager manager = ContractTensors.newManager()) {
            for (JsonObject c : cases) {
                String name = c.get("name").getAsString();
                double[][] gradients = ReferenceValues.matrix(c, "gradients");
                double[][] gramian = GramianTesting.gramian(gradients);
                double[] losses = ReferenceValues.vector(c, "losses");
                double[][] references = ReferenceValues.matrix(c, "references");
                int index = c.get("index").getAsInt();
                String[] settings = {"references=" + references.length, "index=" + index};

                double[][] ours = ParetoMtlSubproblem.referenceVectors(2, references.length);
                for (int j = 0; j < references.length; j++) {
                    GramianSteps.assertClose(references[j], ours[j], 1e-15, name + " reference " + j);
                }

                ParetoMtlWeighting init = initialized(manager, TWO, settings);
                double[] first = GramianSteps.combine(init, manager, TWO, gramian, losses, 1);
                boolean feasible = c.get("init_feasible").getAsBoolean();
                assertEquals(feasible, init.feasible(), name + ": feasible after the first step");
                if (!feasible) {
                    GramianSteps.assertClose(
                            ReferenceValues.vector(c, "init_weights"), first, ReferenceValues.RELATIVE,
                            name + " initial phase");
                }

                double[][] active = ParetoMtlSubproblem.active(differences(references, index), losses);
                assertEquals(c.getAsJsonArray("active").size(), active.length, name + ": active constraints");
                GramianSteps.assertClose(
                        ReferenceValues.vector(c, "main_weights"),
                        ParetoMtlSubproblem.mainWeights(gramian, active),
                        ReferenceValues.RELATIVE,
                        name + " main phase");

                ParetoMtlWeighting main = initialized(manager, TWO, settings[0], settings[1], "init.epochs=0");
                double[] step = GramianSteps.combine(main, manager, TWO, gramian, losses, 1);
                GramianSteps.assertClose(
                        ReferenceValues.vector(c, "step_weights"), step, ReferenceValues.RELATIVE, name + " step");
                if (feasible) {
                    // the step that finds the point feasible trains with the main phase's weights
                    GramianSteps.assertClose(
                            ReferenceValues.vector(c, "step_weights"), first, ReferenceValues.RELATIVE,
                            name + " first step");
                }
            }
        }
    }

    private static double[][] differences(double[][] references, int index) {
        double[][] w = new double[references.length - 1][];
        int n = 0;
        for (int j = 0; j < references.length; j++) {
            if (j != index) {
                w[n++] = new double[] {
                    references[j][0] - references[index][0], references[j][1] - references[index][1]
                };
            }
        }
        return w;
    }

    @Test
    void twoTaskReferenceVectorsAreEvenlySpreadUnitVectorsFromTheFirstAxis() {
        double[][] v = ParetoMtlSubproblem.referenceVectors(2, 4);
        assertEquals(4, v.length);
        for (int j = 0; j < 4; j++) {
            double angle = j * Math.PI / 6;
            assertEquals(Math.cos(angle), v[j][0], 1e-15);
            assertEquals(Math.sin(angle), v[j][1], 1e-15);
        }
    }

    @Test
    void moreTasksUseTheUnitVectorsOfTheSimplexGrid() {
        // 3 tasks, 3 references: the grid with 2 divisions, C(4, 2) = 6 vectors
        double[][] v = ParetoMtlSubproblem.referenceVectors(3, 3);
        assertEquals(6, v.length);
        assertEquals(6.0, ParetoMtlSubproblem.referenceCount(3, 3));
        double h = Math.sqrt(0.5);
        double[][] expected = {{0, 0, 1}, {0, h, h}, {0, 1, 0}, {h, 0, h}, {h, h, 0}, {1, 0, 0}};
        for (int j = 0; j < 6; j++) {
            assertArrayEquals(expected[j], v[j], 1e-15);
        }
    }

    /**
     * One violated constraint: the initial phase's min-norm problem has one vector, so the weights
     * are that constraint's row u_j − u itself.
     */
    @Test
    void oneViolatedConstraintGivesItsOwnRowAsTheInitialWeights() {
        try (NDManager manager = ContractTensors.newManager()) {
            ParetoMtlWeighting weighting = initialized(manager, TWO, "references=3", "index=1");
            // references at 0, 45 and 90 degrees; u = (√½, √½); losses at about 11 degrees violate
            // only the first vector's constraint
            double[][] gramian = {{2, 0.3}, {0.3, 1}};
            double[] w = GramianSteps.combine(weighting, manager, TWO, gramian, new double[] {5, 1}, 1);
            double h = Math.sqrt(0.5);
            assertArrayEquals(new double[] {1 - h, -h}, w, 1e-12);
            assertFalse(weighting.feasible());
        }
    }

    /**
     * Losses in the run's own sector: no constraint, so the main phase is MGDA on the two
     * gradients; for orthogonal gradients of norms a and b the min-norm weights are (b², a²)/(a² +
     * b²), rescaled so that their absolute values add up to 2.
     */
    @Test
    void feasibleLossesGiveRescaledMgdaWeights() {
        try (NDManager manager = ContractTensors.newManager()) {
            ParetoMtlWeighting weighting = initialized(manager, TWO, "references=3", "index=1");
            double a2 = 4;
            double b2 = 1;
            double[] w = GramianSteps.combine(
                    weighting, manager, TWO, new double[][] {{a2, 0}, {0, b2}}, new double[] {1, 1.2}, 1);
            assertArrayEquals(new double[] {2 * b2 / (a2 + b2), 2 * a2 / (a2 + b2)}, w, 1e-12);
            assertTrue(weighting.feasible());
            // the initial phase is over: a violated constraint now enters the main phase
            double[] next = GramianSteps.combine(
                    weighting, manager, TWO, new double[][] {{a2, 0}, {0, b2}}, new double[] {5, 1}, 1);
            assertEquals(2, Math.abs(next[0]) + Math.abs(next[1]), 1e-12);
        }
    }

    /** After init.epochs the main phase runs even when constraints are still violated. */
    @Test
    void theInitialPhaseEndsAfterItsEpochs() {
        try (NDManager manager = ContractTensors.newManager()) {
            ParetoMtlWeighting weighting = initialized(manager, TWO, "references=3", "index=1", "init.epochs=2");
            double[][] gramian = {{2, 0.3}, {0.3, 1}};
            double[] losses = {5, 1};
            double[] inEpoch2 = GramianSteps.combine(weighting, manager, TWO, gramian, losses, 2);
            assertEquals(1 - Math.sqrt(0.5), inEpoch2[0], 1e-12);
            double[] inEpoch3 = GramianSteps.combine(weighting, manager, TWO, gramian, losses, 3);
            assertEquals(2, Math.abs(inEpoch3[0]) + Math.abs(inEpoch3[1]), 1e-12);
            double[][] active = ParetoMtlSubproblem.active(
                    new double[][] {{1 - Math.sqrt(0.5), -Math.sqrt(0.5)}, {-Math.sqrt(0.5), 1 - Math.sqrt(0.5)}},
                    losses);
            double[] main = ParetoMtlSubproblem.mainWeights(gramian, active);
            double sum = Math.abs(main[0]) + Math.abs(main[1]);
            assertArrayEquals(new double[] {2 * main[0] / sum, 2 * main[1] / sum}, inEpoch3, 1e-12);
        }
    }

    /**
     * The main phase's direction d = Σ w_k g_k (before rescaling) is the min-norm point of the
     * hull of the task gradients and the violated constraints' gradients: every one of those
     * vectors v has v·d ≥ ‖d‖² (the optimality condition of a min-norm point), checked on random
     * three-task problems against the vectors themselves.
     */
    @Test
    void mainPhaseDirectionIsTheMinNormPointOfTasksAndViolatedConstraints() {
        Random random = new Random(7);
        int checkedWithConstraints = 0;
        for (int trial = 0; trial < 200; trial++) {
            double[][] g = GramianTesting.randomVectors(random, 3, 6, 0.5);
            double[][] gramian = GramianTesting.gramian(g);
            double[][] references = ParetoMtlSubproblem.referenceVectors(3, 4);
            int index = random.nextInt(references.length);
            double[][] rows = new double[references.length - 1][3];
            int n = 0;
            for (int j = 0; j < references.length; j++) {
                if (j != index) {
                    for (int t = 0; t < 3; t++) {
                        rows[n][t] = references[j][t] - references[index][t];
                    }
                    n++;
                }
            }
            double[] losses = {0.1 + random.nextDouble(), 0.1 + random.nextDouble(), 0.1 + random.nextDouble()};
            double[][] active = ParetoMtlSubproblem.active(rows, losses);
            checkedWithConstraints += active.length > 0 ? 1 : 0;
            double[] w = ParetoMtlSubproblem.mainWeights(gramian, active);
            double[] d = GramianTesting.combined(w, g);
            double dd = GramianTesting.dot(d, d);
            double tolerance = 1e-7 * (gramian[0][0] + gramian[1][1] + gramian[2][2]);
            for (int t = 0; t < 3; t++) {
                assertTrue(GramianTesting.dot(g[t], d) >= dd - tolerance, "task " + t + " in trial " + trial);
            }
            for (double[] row : active) {
                double[] v = GramianTesting.combined(row, g);
                assertTrue(GramianTesting.dot(v, d) >= dd - tolerance, "constraint in trial " + trial);
            }
        }
        assertTrue(checkedWithConstraints > 100, "most trials have violated constraints: " + checkedWithConstraints);
    }

    @Test
    void aPreferenceAimsAtTheDirectionOfItsReciprocals() {
        try (NDManager manager = ContractTensors.newManager()) {
            ParetoMtlWeighting weighting = initialized(manager, TWO, "preference=0.25,0.75");
            // u ∝ (1/0.25, 1/0.75) = (4, 4/3), i.e. (3, 1)/√10: along it 0.25·l_1 = 0.75·l_2
            assertArrayEquals(new double[] {3 / Math.sqrt(10), 1 / Math.sqrt(10)}, weighting.target(), 1e-15);
            assertArrayEquals(new double[] {0.25, 0.75}, weighting.preference(), 1e-15);

            ParetoMtlWeighting corner = initialized(manager, TWO, "preference=0,1");
            // the limit: the loss of the task with weight 0 unbounded next to the other's
            assertArrayEquals(new double[] {1, 0}, corner.target(), 0);
            assertArrayEquals(new double[] {0, 1}, corner.preference(), 0);

            ParetoMtlWeighting equal = initialized(manager, TWO);
            assertArrayEquals(new double[] {0.5, 0.5}, equal.preference(), 1e-15);
        }
    }

    @Test
    void anIndexReportsThePreferenceOfItsReferenceVector() {
        try (NDManager manager = ContractTensors.newManager()) {
            // u = (cos 30°, sin 30°): p ∝ (1/cos 30°, 1/sin 30°)
            ParetoMtlWeighting weighting = initialized(manager, TWO, "references=4", "index=1");
            double a = 1 / Math.cos(Math.PI / 6);
            double b = 1 / Math.sin(Math.PI / 6);
            assertArrayEquals(new double[] {a / (a + b), b / (a + b)}, weighting.preference(), 1e-15);
            // index 0 is (1, 0): the loss of the first task largest, the second task preferred
            double[] first = initialized(manager, TWO, "index=0").preference();
            assertEquals(0, first[0], 1e-15);
            assertEquals(1, first[1], 1e-15);
        }
    }

    @Test
    void aStepOfSomeTasksUsesTheirComponents() {
        try (NDManager manager = ContractTensors.newManager()) {
            List<String> three = List.of("a", "b", "c");
            ParetoMtlWeighting weighting = initialized(manager, three, "preference=1,2,4");
            double[][] gramian = {{1, 0}, {0, 1}};
            double[] w = GramianSteps.combine(weighting, manager, List.of("c", "a"), gramian, new double[] {1, 1}, 5);
            assertEquals(2, w.length);
            assertEquals(2, Math.abs(w[0]) + Math.abs(w[1]), 1e-12);
            double[] last = weighting.lastWeights();
            assertEquals(w[1], last[0]);
            assertEquals(1.0, last[1]);
            assertEquals(w[0], last[2]);
        }
    }

    @Test
    void aPreferenceOfTheWrongLengthOrAllZeroIsRefusedNamingTheKey() {
        try (NDManager manager = ContractTensors.newManager()) {
            GradientWeighting wrong = (GradientWeighting) TestPlugins.create(new ParetoMtlWeightingFactory(), "preference=1,2,3");
            PluginConfigException e =
                    assertThrows(PluginConfigException.class, () -> wrong.initialize(GramianTesting.context(manager, TWO)));
            assertEquals("weighting.pareto-mtl.preference", e.getKey());
            assertTrue(e.getMessage().contains("3 weights for 2 tasks"), e.getMessage());

            GradientWeighting zero = (GradientWeighting) TestPlugins.create(new ParetoMtlWeightingFactory(), "preference=0,0");
            e = assertThrows(PluginConfigException.class, () -> zero.initialize(GramianTesting.context(manager, TWO)));
            assertEquals("weighting.pareto-mtl.preference", e.getKey());

            GradientWeighting far = (GradientWeighting) TestPlugins.create(new ParetoMtlWeightingFactory(), "index=5");
            e = assertThrows(PluginConfigException.class, () -> far.initialize(GramianTesting.context(manager, TWO)));
            assertEquals("weighting.pareto-mtl.index", e.getKey());
            assertTrue(e.getMessage().contains("5 reference vectors"), e.getMessage());
        }
        PluginConfigException negative = assertThrows(
                PluginConfigException.class, () -> TestPlugins.create(new ParetoMtlWeightingFactory(), "preference=1,-1"));
        assertEquals("weighting.pareto-mtl.preference", negative.getKey());
        assertTrue(negative.getMessage().contains("out of range"), negative.getMessage());

        PluginConfigException both = assertThrows(
                PluginConfigException.class,
                () -> TestPlugins.create(new ParetoMtlWeightingFactory(), "preference=1,2", "index=1"));
        assertEquals("weighting.pareto-mtl.index", both.getKey());
    }

    @Test
    void tooManyReferenceVectorsAreRefusedNamingTheKey() {
        try (NDManager manager = ContractTensors.newManager()) {
            GradientWeighting weighting = (GradientWeighting) TestPlugins.create(new ParetoMtlWeightingFactory(), "references=100");
            List<String> six = GramianTesting.tasks(6);
            PluginConfigException e =
                    assertThrows(PluginConfigException.class, () -> weighting.initialize(GramianTesting.context(manager, six)));
            assertEquals("weighting.pareto-mtl.references", e.getKey());
        }
    }

    @Test
    void theAuthorsPairRuleKeepsATenthOfAPercentOfTheOtherVector() {
        // v1 alone is the min-norm point (v1·v2 ≥ v1·v1): 0.999 on v1
        assertArrayEquals(new double[] {0.999, 1 - 0.999}, ParetoMtlSubproblem.authorsPair(1, 2, 9), 0);
        assertArrayEquals(new double[] {0.001, 1 - 0.001}, ParetoMtlSubproblem.authorsPair(9, 2, 1), 0);
        // orthogonal unit vectors: the midpoint
        assertArrayEquals(new double[] {0.5, 0.5}, ParetoMtlSubproblem.authorsPair(1, 0, 1), 1e-15);
    }
}
