package org.openmtl.plugins.weighting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.weighting.GradientWeighting;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class EpoWeightingTest {

    private static final List<String> TWO = List.of("left", "right");

    private static EpoWeighting initialized(NDManager manager, List<String> tasks, String... settings) {
        EpoWeighting weighting = (EpoWeighting) TestPlugins.create(new EpoWeightingFactory(), settings);
        weighting.initialize(GramianTesting.context(manager, tasks));
        return weighting;
    }

    private static String list(double[] values) {
        StringBuilder s = new StringBuilder();
        for (double v : values) {
            s.append(s.length() == 0 ? "" : ",").append(v);
        }
        return s.toString();
    }

    /**
     * The authors' EPO_LP (dbmptr/EPOSearch at 19f14dd6, multiMNIST/epo_lp.py, solved by GLPK) on
     * fixed gradients, losses and preferences, with the loss weights m·α of their training loop:
     * the same program (balance or descent), non-uniformity μ, and weights to 1e-5 relative.
     */
    @Test
    void weightsMatchTheAuthorsLinearProgramOnFixedGradients() {
        List<JsonObject> cases = ReferenceValues.cases("epo");
        assertEquals(9, cases.size());
        try (NDManager manager = ContractTensors.newManager()) {
            for (JsonObject c : cases) {
                String name = c.get("name").getAsString();
                double[][] gramian = GramianTesting.gramian(ReferenceValues.matrix(c, "gradients"));
                double[] losses = ReferenceValues.vector(c, "losses");
                double[] r = ReferenceValues.vector(c, "preference");
                List<String> tasks = GramianTesting.tasks(r.length);
                EpoWeighting weighting = initialized(manager, tasks, "preference=" + list(r), "eps=" + c.get("eps").getAsDouble());
                double[] w = GramianSteps.combine(weighting, manager, tasks, gramian, losses, 1);
                GramianSteps.assertClose(ReferenceValues.vector(c, "weights"), w, ReferenceValues.RELATIVE, name);
                String mode = c.get("mode").getAsString();
                assertEquals(mode.equals("bal") ? EpoSearchDirection.Mode.BALANCE : EpoSearchDirection.Mode.DESCENT,
                        weighting.lastMode(), name);
                EpoSearchDirection.Result result = EpoSearchDirection.solve(losses, gramian, r, 1e-4);
                assertEquals(c.get("mu").getAsDouble(), result.mu(), 1e-12, name + ": mu");
            }
        }
    }

    /**
     * On the preference ray every adjustment a_i is 0, so the descent program maximizes Σ_j (Cα)_j
     * subject to Cα ≥ 0; for orthogonal gradients that is all the weight on the larger gradient.
     */
    @Test
    void onTheRayOrthogonalGradientsPutEveryWeightOnTheLargerGradient() {
        try (NDManager manager = ContractTensors.newManager()) {
            EpoWeighting weighting = initialized(manager, TWO, "preference=1,3");
            // r ⊙ l = (1.5, 1.5): on the ray
            double[] w = GramianSteps.combine(
                    weighting, manager, TWO, new double[][] {{1, 0}, {0, 4}}, new double[] {1.5, 0.5}, 1);
            assertEquals(EpoSearchDirection.Mode.DESCENT, weighting.lastMode());
            assertArrayEquals(new double[] {0, 2}, w, 1e-12);
        }
    }

    /**
     * Off the ray, with orthogonal gradients and r = (1, 1), l = (2, 1): a = r(log(2 l̂) − μ) is
     * positive for the first task only, which also has the largest r·l; the balance program then
     * maximizes α_1 a_1 ‖g_1‖² + α_2 a_2 ‖g_2‖² with a_1 &gt; 0 &gt; a_2, so all the weight goes to
     * the task whose weighted loss is too large.
     */
    @Test
    void offTheRayTheTaskWithTheLargestWeightedLossIsTrained() {
        try (NDManager manager = ContractTensors.newManager()) {
            EpoWeighting weighting = initialized(manager, TWO);
            double[] w = GramianSteps.combine(
                    weighting, manager, TWO, new double[][] {{1, 0}, {0, 1}}, new double[] {2, 1}, 1);
            assertEquals(EpoSearchDirection.Mode.BALANCE, weighting.lastMode());
            assertArrayEquals(new double[] {2, 0}, w, 1e-12);
            double mu = 2.0 / 3 * Math.log(4.0 / 3) + 1.0 / 3 * Math.log(2.0 / 3);
            assertEquals(mu, EpoSearchDirection.solve(new double[] {2, 1}, new double[][] {{1, 0}, {0, 1}},
                    new double[] {1, 1}, 1e-4).mu(), 1e-15);
        }
    }

    /**
     * Every α is feasible for its program: on the simplex, and in balance mode (Cα)_j ≥ 0 for
     * the tasks of largest r_j l_j (where some (Ca)_j &gt; 0), checked on random problems against
     * the Gramian.
     */
    @Test
    void theDirectionNeverIncreasesTheLossFurthestFromTheRay() {
        Random random = new Random(3);
        for (int trial = 0; trial < 300; trial++) {
            int k = 2 + random.nextInt(4);
            double[][] g = GramianTesting.randomVectors(random, k, 8, 0.7);
            double[][] c = GramianTesting.gramian(g);
            double[] l = new double[k];
            double[] r = new double[k];
            for (int i = 0; i < k; i++) {
                l[i] = 0.1 + 2 * random.nextDouble();
                r[i] = 0.05 + random.nextDouble();
            }
            EpoSearchDirection.Result result = EpoSearchDirection.solve(l, c, r, 1e-4);
            double[] alpha = result.alpha();
            double sum = 0;
            for (double a : alpha) {
                assertTrue(a >= 0, "trial " + trial);
                sum += a;
            }
            assertEquals(1, sum, 1e-12);
            double[] ca = GramianTesting.times(c, alpha);
            double scale = 0;
            for (int i = 0; i < k; i++) {
                scale = Math.max(scale, c[i][i]);
            }
            if (result.mode() == EpoSearchDirection.Mode.BALANCE) {
                int worst = 0;
                for (int i = 1; i < k; i++) {
                    worst = r[i] * l[i] > r[worst] * l[worst] ? i : worst;
                }
                assertTrue(ca[worst] >= -1e-9 * scale, String.format(Locale.ROOT, "trial %d: %g", trial, ca[worst]));
            } else {
                assertEquals(EpoSearchDirection.Mode.DESCENT, result.mode());
                for (int i = 0; i < k; i++) {
                    assertTrue(ca[i] >= -1e-9 * scale, "descent for every task, trial " + trial);
                }
            }
        }
    }

    @Test
    void aTaskWithPreferenceZeroTakesNoPart() {
        try (NDManager manager = ContractTensors.newManager()) {
            List<String> three = List.of("a", "b", "c");
            EpoWeighting weighting = initialized(manager, three, "preference=0.5,0,0.5");
            double[][] gramian = {{1, 0.2, 0}, {0.2, 2, 0.1}, {0, 0.1, 1}};
            double[] w = GramianSteps.combine(weighting, manager, three, gramian, new double[] {1, 1, 1}, 1);
            assertEquals(0, w[1]);
            // a and c are on their ray (0.5·1 = 0.5·1) with equal orthogonal gradients: the descent
            // program's objective is flat along α_a + α_c = 1, so only the sum is fixed: 3·1
            assertEquals(3, w[0] + w[2], 1e-12);

            EpoWeighting single = initialized(manager, three, "preference=0,1,0");
            double[] only = GramianSteps.combine(single, manager, three, gramian, new double[] {1, 2, 3}, 1);
            assertArrayEquals(new double[] {0, 3, 0}, only, 0);
            assertArrayEquals(new double[] {0, 1, 0}, single.preference(), 0);
        }
    }

    @Test
    void lossesThatAreNotPositiveFallBackToThePreference() {
        try (NDManager manager = ContractTensors.newManager()) {
            EpoWeighting weighting = initialized(manager, TWO, "preference=1,3");
            double[] w = GramianSteps.combine(
                    weighting, manager, TWO, new double[][] {{1, 0}, {0, 1}}, new double[] {0, 1}, 1);
            assertEquals(EpoSearchDirection.Mode.FALLBACK, weighting.lastMode());
            assertArrayEquals(new double[] {0.5, 1.5}, w, 1e-15);
        }
    }

    @Test
    void thePreferenceIsReportedScaledToSumOne() {
        try (NDManager manager = ContractTensors.newManager()) {
            assertArrayEquals(new double[] {0.25, 0.75}, initialized(manager, TWO, "preference=1,3").preference(), 1e-15);
            assertArrayEquals(new double[] {0.5, 0.5}, initialized(manager, TWO).preference(), 1e-15);
        }
    }

    @Test
    void aBadPreferenceIsRefusedNamingTheKey() {
        try (NDManager manager = ContractTensors.newManager()) {
            GradientWeighting wrong = (GradientWeighting) TestPlugins.create(new EpoWeightingFactory(), "preference=1");
            PluginConfigException e =
                    assertThrows(PluginConfigException.class, () -> wrong.initialize(GramianTesting.context(manager, TWO)));
            assertEquals("weighting.epo.preference", e.getKey());
            assertTrue(e.getMessage().contains("1 weights for 2 tasks"), e.getMessage());
            GradientWeighting zero = (GradientWeighting) TestPlugins.create(new EpoWeightingFactory(), "preference=0,0");
            e = assertThrows(PluginConfigException.class, () -> zero.initialize(GramianTesting.context(manager, TWO)));
            assertEquals("weighting.epo.preference", e.getKey());
            assertTrue(e.getMessage().contains("every weight is zero"), e.getMessage());
        }
        PluginConfigException negative = assertThrows(
                PluginConfigException.class, () -> TestPlugins.create(new EpoWeightingFactory(), "preference=-1,2"));
        assertEquals("weighting.epo.preference", negative.getKey());
        assertTrue(negative.getMessage().contains("out of range"), negative.getMessage());
    }
}
