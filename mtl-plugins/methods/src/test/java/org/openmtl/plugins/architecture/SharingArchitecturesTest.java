package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.Architecture;
import org.openmtl.api.architecture.MultiTaskNetwork;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.plugin.PluginFactory;
import org.openmtl.api.task.Task;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

/**
 * The sharing architectures against hand counts and independently computed expectations: parameter
 * counts, cross-stitch with identity units = independent networks, concatenation = sum
 * conditioning with matching weights, the group-sparse proximal step, the soft-l2 gradient, MMoE's
 * gates.
 */
class SharingArchitecturesTest {

    private static final List<Task> TASKS = List.of(Task.classification("a", 3, 0),
            Task.classification("b", 2, 1), Task.regression("c", 2, 2));
    private static final Shape VECTOR = new Shape(8);
    private static final Shape IMAGE = new Shape(1, 28, 28);

    /** mlp trunk 8→64→64, head 64→32→o: the design's defaults. */
    private static final long TRUNK = (8 * 64 + 64) + (64 * 64 + 64);
    private static final long HEAD_HIDDEN = 64 * 32 + 32;

    private static long head(int outputs) {
        return HEAD_HIDDEN + 32L * outputs + outputs;
    }

    private static final long HEADS = head(3) + head(2) + head(2);

    private static MultiTaskNetwork build(NDManager manager, PluginFactory<Architecture> factory, Shape example,
            String... settings) {
        ContractTensors.seedEngine(1);
        return TestPlugins.create(factory, settings).build(new NetworkContext(TASKS, example, manager, 1));
    }

    private static long count(MultiTaskNetwork network) {
        return network.block().getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum();
    }

    private static long count(List<Parameter> parameters) {
        return parameters.stream().mapToLong(p -> p.getArray().size()).sum();
    }

    @Test
    void parameterCountsAndOutputShapesMatchAHandCount() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork cross = build(manager, new CrossStitchFactory(), VECTOR);
            // three columns, two units of 3x3 (one after each of the two stages)
            assertEquals(3 * TRUNK + HEADS + 2 * 9, count(cross));
            assertEquals(3 * TRUNK, count(cross.sharedParameters()));
            assertEquals(18, count(cross.extraParameters()));
            MultiTaskNetwork lastOnly = build(manager, new CrossStitchFactory(), VECTOR, "units.after=1");
            // with one unit after stage 1, the second stage of each column is its task's own
            assertEquals(3 * (8 * 64 + 64), count(lastOnly.sharedParameters()));
            assertEquals((64 * 64 + 64) + head(3), count(lastOnly.taskParameters("a")));

            MultiTaskNetwork mmoe = build(manager, new MmoeFactory(), VECTOR);
            // 4 expert trunks; per task a gate 8→4 and a head
            assertEquals(4 * TRUNK + 3 * (8 * 4 + 4) + HEADS, count(mmoe));
            assertEquals(4 * TRUNK, count(mmoe.sharedParameters()));
            assertEquals((8 * 4 + 4) + head(2), count(mmoe.taskParameters("b")));

            assertEquals(3 * TRUNK + HEADS, count(build(manager, new SoftL2Factory(), VECTOR)));
            assertEquals(3 * TRUNK + HEADS, count(build(manager, new GroupSparseFactory(), VECTOR)));
            // group-sparse reads images as 784 pixels through the mlp trunk
            long pixels = (784 * 64 + 64) + (64 * 64 + 64);
            assertEquals(3 * pixels + HEADS, count(build(manager, new GroupSparseFactory(), IMAGE)));

            // conditioned: one trunk and head body; z (3-dim one-hot) concatenated to stage 1's input
            long body = TRUNK + HEAD_HIDDEN;
            long outputs = (32 * 3 + 3) + (32 * 2 + 2) + (32 * 2 + 2);
            assertEquals(body + 3 * 64 + outputs, count(build(manager, new ConditionedFactory(), VECTOR)));
            assertEquals(body + 3 * 64 + outputs, count(build(manager, new ConditionedFactory(), VECTOR, "mode=sum")));
            assertEquals(body + 3 * 64 + 64 + outputs,
                    count(build(manager, new ConditionedFactory(), VECTOR, "mode=gate")));
            MultiTaskNetwork conditioned = build(manager, new ConditionedFactory(), VECTOR);
            assertEquals(32 * 3 + 3, count(conditioned.taskParameters("a")));

            // every architecture decodes (batch, outputs) for vectors and images
            for (PluginFactory<Architecture> f : List.of(new CrossStitchFactory(), new MmoeFactory(), new SoftL2Factory(),
                    new GroupSparseFactory(), new ConditionedFactory())) {
                for (Shape example : List.of(VECTOR, IMAGE)) {
                    MultiTaskNetwork network = build(manager, f, example);
                    ParameterStore store = new ParameterStore(manager, false);
                    NDList rep = network.encode(store, manager.randomNormal(new Shape(5).addAll(example)), false);
                    for (Task t : TASKS) {
                        assertEquals(new Shape(5, t.outputs()), network.decode(store, rep, t.name(), false).getShape());
                    }
                }
            }
        }
    }

    @Test
    void crossStitchWithIdentityUnitsIsExactlyIndependentNetworks() {
        for (Shape example : List.of(VECTOR, IMAGE)) {
            try (NDManager manager = ContractTensors.newManager()) {
                MultiTaskNetwork cross = build(manager, new CrossStitchFactory(), example);
                MultiTaskNetwork independent = build(manager, new IndependentFactory(), example);
                for (Parameter alpha : cross.extraParameters()) {
                    alpha.getArray().set(manager.eye(3).toFloatArray());
                }
                // the same weights, column by column, in layer order
                for (Task t : TASKS) {
                    List<Parameter> mine = new ArrayList<>();
                    for (Pair<String, Parameter> p : cross.block().getParameters()) {
                        if (p.getKey().replaceFirst("^[0-9]+", "").startsWith(t.name() + "_")) {
                            mine.add(p.getValue());
                        }
                    }
                    List<Parameter> theirs = independent.taskParameters(t.name());
                    assertEquals(theirs.size(), mine.size());
                    for (int i = 0; i < mine.size(); i++) {
                        assertEquals(theirs.get(i).getArray().getShape(), mine.get(i).getArray().getShape());
                        mine.get(i).getArray().set(theirs.get(i).getArray().toFloatArray());
                    }
                }
                ParameterStore store = new ParameterStore(manager, false);
                NDArray x = manager.randomNormal(new Shape(6).addAll(example));
                NDList a = cross.encode(store, x, false);
                NDList b = independent.encode(store, x, false);
                for (Task t : TASKS) {
                    assertArrayEquals(independent.decode(store, b, t.name(), false).toFloatArray(),
                            cross.decode(store, a, t.name(), false).toFloatArray(), 1e-5f, example + " " + t.name());
                }
            }
        }
    }

    @Test
    void crossStitchUnitsStartNearTheIdentityAndMixLinearly() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork cross = build(manager, new CrossStitchFactory(), VECTOR, "alpha.self=0.8");
            float[] alpha = cross.extraParameters().get(0).getArray().toFloatArray();
            assertArrayEquals(new float[] {0.8f, 0.1f, 0.1f, 0.1f, 0.8f, 0.1f, 0.1f, 0.1f, 0.8f}, alpha, 1e-7f);
            NDList columns = new NDList(manager.create(new float[] {1, 2}), manager.create(new float[] {10, 20}),
                    manager.create(new float[] {100, 200}));
            NDArray a = manager.create(new float[] {0.8f, 0.1f, 0.1f, 0, 1, 0, 0.5f, 0, 0.5f}, new Shape(3, 3));
            NDList mixed = CrossStitch.mix(a, columns);
            assertArrayEquals(new float[] {0.8f + 1 + 10, 1.6f + 2 + 20}, mixed.get(0).toFloatArray(), 1e-4f);
            assertArrayEquals(new float[] {10, 20}, mixed.get(1).toFloatArray(), 1e-5f);
            assertArrayEquals(new float[] {50.5f, 101}, mixed.get(2).toFloatArray(), 1e-4f);
        }
    }

    @Test
    void concatenationAndSumConditioningAreTheSameFunctionForALinearLayer() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork concat = build(manager, new ConditionedFactory(), VECTOR);
            MultiTaskNetwork sum = build(manager, new ConditionedFactory(), VECTOR, "mode=sum");
            Map<String, Parameter> c = new HashMap<>();
            concat.block().getParameters().forEach(p -> c.put(p.getKey(), p.getValue()));
            for (Pair<String, Parameter> p : sum.block().getParameters()) {
                Parameter target = p.getValue();
                Parameter source = c.get(p.getKey());
                if (p.getKey().contains("embedding")) {
                    continue;
                }
                if (target.getArray().getShape().equals(source.getArray().getShape())) {
                    target.getArray().set(source.getArray().toFloatArray());
                } else {
                    // stage 1's weight: W = [W_x | W_z] (64 x (8 + 3)); the sum network takes W_x
                    NDArray w = source.getArray();
                    target.getArray().set(w.get(":, 0:8").toFloatArray());
                    Parameter embedding = sum.block().getParameters().values().stream()
                            .filter(q -> q.getName().contains("embedding")).findFirst().orElseThrow();
                    // E = W_z
                    embedding.getArray().set(w.get(":, 8:11").toFloatArray());
                }
            }
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(7, 8));
            NDList a = concat.encode(store, x, false);
            NDList b = sum.encode(store, x, false);
            for (Task t : TASKS) {
                assertArrayEquals(concat.decode(store, a, t.name(), false).toFloatArray(),
                        sum.decode(store, b, t.name(), false).toFloatArray(), 1e-5f, t.name());
            }
            // and the tasks see different functions of the same input
            assertTrue(!java.util.Arrays.equals(concat.decode(store, a, "b", false).toFloatArray(),
                    concat.decode(store, a, "c", false).toFloatArray()));
        }
    }

    @Test
    void theGroupL2ProxShrinksRowsAndZeroesTheSmallOnesExactly() {
        double[] v = {3, 4};
        assertArrayEquals(new double[] {3 * 0.8, 4 * 0.8}, GroupSparse.Prox.groupL2(v, 1.0), 1e-12);
        assertArrayEquals(new double[] {0, 0}, GroupSparse.Prox.groupL2(v, 5.0), 0);
        assertArrayEquals(new double[] {0, 0}, GroupSparse.Prox.groupL2(v, 7.0), 0);
    }

    @Test
    void theLinfProxMatchesTheClippingSolutionFoundByBisection() {
        Random random = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + random.nextInt(12);
            double[] v = new double[n];
            double l1 = 0;
            for (int i = 0; i < n; i++) {
                v[i] = random.nextGaussian();
                l1 += Math.abs(v[i]);
            }
            double tau = random.nextDouble() * 1.5 * l1;
            double[] x = GroupSparse.Prox.linf(v, tau);
            // argmin ½‖x − v‖² + τ‖x‖∞: x_i = sign(v_i)·min(|v_i|, m), Σ max(|v_i| − m, 0) = τ; 0 if ‖v‖₁ ≤ τ
            double[] expected = new double[n];
            if (l1 > tau) {
                double lo = 0;
                double hi = 0;
                for (double a : v) {
                    hi = Math.max(hi, Math.abs(a));
                }
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
                for (int i = 0; i < n; i++) {
                    expected[i] = Math.signum(v[i]) * Math.min(Math.abs(v[i]), m);
                }
            }
            assertArrayEquals(expected, x, 1e-9, "trial " + trial);
        }
    }

    @Test
    void theProximalStepDropsWholeFeaturesAcrossEveryTask() {
        try (NDManager manager = ContractTensors.newManager()) {
            GroupSparse.Network network = (GroupSparse.Network) build(manager, new GroupSparseFactory(), VECTOR,
                    "lambda=1", "update=optimizer");
            List<Parameter> first = network.firstLayers();
            // feature 0 tiny in every task, feature 1 large: threshold lr·λ = 0.5
            for (Parameter p : first) {
                float[] w = p.getArray().toFloatArray();
                for (int h = 0; h < 64; h++) {
                    w[h * 8] = 0.01f;
                    w[h * 8 + 1] = 1f;
                }
                p.getArray().set(w);
            }
            List<float[]> before = new ArrayList<>();
            first.forEach(p -> before.add(p.getArray().toFloatArray()));
            network.afterUpdate(0.5);
            double[] row = new double[3 * 64];
            for (int f = 0; f < 8; f++) {
                for (int k = 0; k < 3; k++) {
                    for (int h = 0; h < 64; h++) {
                        row[k * 64 + h] = before.get(k)[h * 8 + f];
                    }
                }
                double[] expected = GroupSparse.Prox.groupL2(row, 0.5);
                for (int k = 0; k < 3; k++) {
                    float[] after = first.get(k).getArray().toFloatArray();
                    for (int h = 0; h < 64; h++) {
                        assertEquals(expected[k * 64 + h], after[h * 8 + f], 1e-6, "feature " + f);
                    }
                }
            }
            // ‖a_0‖ = 0.01·√192 < 0.5: gone in every task
            for (Parameter p : first) {
                float[] w = p.getArray().toFloatArray();
                for (int h = 0; h < 64; h++) {
                    assertEquals(0f, w[h * 8]);
                }
            }
            Map<String, Object> structure = network.structure();
            assertEquals(8, structure.get("features"));
            assertTrue(!((List<?>) structure.get("kept")).contains(0));
            assertTrue(((List<?>) structure.get("kept")).contains(1));
        }
    }

    @Test
    void theSoftL2GradientIsTheClosedForm() {
        double lambdaMean = 0.3;
        double lambdaSpread = 0.7;
        try (NDManager manager = ContractTensors.newManager()) {
            SoftL2.Network network = (SoftL2.Network) build(manager, new SoftL2Factory(), VECTOR,
                    "lambda.mean=" + lambdaMean, "lambda.spread=" + lambdaSpread);
            ParameterStore store = new ParameterStore(manager, false);
            network.block().getParameters().forEach(p -> p.getValue().getArray().setRequiresGradient(true));
            // the penalty's arrays belong to the step of the last forward pass
            network.encode(store, manager.randomNormal(new Shape(2, 8)), true);
            double expectedValue = 0;
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray omega = network.penalty(store).orElseThrow();
                collector.backward(omega);
                double value = omega.getFloat();
                int t = 3;
                for (List<Parameter> group : network.groups()) {
                    int n = (int) group.get(0).getArray().size();
                    double[] mean = new double[n];
                    List<float[]> arrays = new ArrayList<>();
                    for (Parameter p : group) {
                        float[] a = p.getArray().toFloatArray();
                        arrays.add(a);
                        for (int i = 0; i < n; i++) {
                            mean[i] += a[i] / (double) t;
                        }
                    }
                    for (int i = 0; i < n; i++) {
                        expectedValue += lambdaMean * mean[i] * mean[i];
                        for (float[] a : arrays) {
                            expectedValue += lambdaSpread / t * (a[i] - mean[i]) * (a[i] - mean[i]);
                        }
                    }
                    for (int k = 0; k < t; k++) {
                        float[] gradient = group.get(k).getArray().getGradient().toFloatArray();
                        for (int i = 0; i < n; i++) {
                            double want = 2 * lambdaMean * mean[i] / t + 2 * lambdaSpread / t * (arrays.get(k)[i] - mean[i]);
                            assertEquals(want, gradient[i], 1e-5 + 1e-4 * Math.abs(want));
                        }
                    }
                }
                assertEquals(expectedValue, value, 1e-3 * Math.abs(expectedValue));
                // the trunks are coupled: two layers, weight and bias each
                assertEquals(4, network.groups().size());
            }
        }
    }

    @Test
    void mmoeGatesAreDistributionsOverTheExperts() {
        try (NDManager manager = ContractTensors.newManager()) {
            Mmoe.Network network = (Mmoe.Network) build(manager, new MmoeFactory(), VECTOR, "experts=5");
            ParameterStore store = new ParameterStore(manager, false);
            NDArray x = manager.randomNormal(new Shape(9, 8)).mul(3);
            for (Task t : TASKS) {
                float[] g = network.gate(store, x, t.name(), false).toFloatArray();
                assertEquals(9 * 5, g.length);
                for (int b = 0; b < 9; b++) {
                    double s = 0;
                    for (int e = 0; e < 5; e++) {
                        assertTrue(g[b * 5 + e] >= 0);
                        s += g[b * 5 + e];
                    }
                    assertEquals(1.0, s, 1e-5);
                }
            }
        }
    }

    @Test
    void mtanAndPleParameterCountsMatchAHandCount() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork mtan = build(manager, new MtanFactory(), VECTOR, "attention.norm=batch");
            // per task: attention at stage 1 (64→64→64) and stage 2 ([p ; f(â)] 128→64→64); f^2 a copy of stage 2;
            // a BatchNorm after each of the four layers (gamma, beta, running mean and variance of 64 features)
            long attention = 2 * (64 * 64 + 64) + (128 * 64 + 64) + (64 * 64 + 64) + 4 * (4 * 64);
            assertEquals(TRUNK + (64 * 64 + 64) + 3 * attention + HEADS, count(mtan));
            assertEquals(TRUNK + (64 * 64 + 64), count(mtan.sharedParameters()));
            assertEquals(attention + head(2), count(mtan.taskParameters("b")));

            MultiTaskNetwork ple = build(manager, new PleFactory(), VECTOR);
            // level 1: 3 task experts + 1 shared (8→64), task gates 8→2, shared gate 8→4;
            // level 2: 3 task experts + 1 shared (64→64), task gates 64→2
            long level1 = 4 * (8 * 64 + 64) + 3 * (8 * 2 + 2) + (8 * 4 + 4);
            long level2 = 4 * (64 * 64 + 64) + 3 * (64 * 2 + 2);
            assertEquals(level1 + level2 + HEADS, count(ple));
            // a level-1 task gate feeds only its task's level-2 expert and gate (level 2 has no shared gate): the task's own
            assertEquals(level1 - 3 * (8 * 2 + 2) + (64 * 64 + 64), count(ple.sharedParameters()));
            assertEquals((8 * 2 + 2) + (64 * 64 + 64) + (64 * 2 + 2) + head(3), count(ple.taskParameters("a")));
            // one level (CGC): experts are whole trunks, no shared gate; only the shared expert is shared
            MultiTaskNetwork cgc = build(manager, new PleFactory(), VECTOR, "levels=1");
            assertEquals(4 * TRUNK + 3 * (8 * 2 + 2) + HEADS, count(cgc));
            assertEquals(TRUNK, count(cgc.sharedParameters()));
        }
    }

    @Test
    void mtanWithEveryMaskAtOneIsHardSharing() {
        for (Shape example : List.of(VECTOR, IMAGE)) {
            try (NDManager manager = ContractTensors.newManager()) {
                Mtan.Network mtan = (Mtan.Network) build(manager, new MtanFactory(), example, "attention.norm=batch");
                MultiTaskNetwork hard = build(manager, new HardSharingFactory(), example);
                // trunk and heads copied from the hard-sharing network
                List<Parameter> trunk = new ArrayList<>();
                Map<String, List<Parameter>> heads = new HashMap<>();
                for (Pair<String, Parameter> p : mtan.block().getParameters()) {
                    String key = p.getKey().replaceFirst("^[0-9]+", "");
                    if (key.startsWith("stage")) {
                        trunk.add(p.getValue());
                    }
                    for (Task t : TASKS) {
                        if (key.startsWith(t.name() + "_head")) {
                            heads.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(p.getValue());
                        }
                    }
                }
                copy(hard.sharedParameters(), trunk);
                for (Task t : TASKS) {
                    copy(hard.taskParameters(t.name()), heads.get(t.name()));
                }
                // every attention module's last layer (04: after conv or linear, BatchNorm and relu): weight 0,
                // bias 40; the BatchNorm after it evaluates with its initial running statistics (mean 0,
                // variance 1, gamma 1, beta 0), so the mask is σ(≈40) = 1 in float
                for (Pair<String, Parameter> p : mtan.block().getParameters()) {
                    String key = p.getKey().replaceFirst("^[0-9]+", "");
                    if (key.contains("_attention") && key.contains("04")) {
                        NDArray a = p.getValue().getArray();
                        a.set(manager.full(a.getShape(), p.getValue().getType() == Parameter.Type.BIAS ? 40f : 0f)
                                .toFloatArray());
                    }
                }
                ParameterStore store = new ParameterStore(manager, false);
                NDArray x = manager.randomNormal(new Shape(4).addAll(example));
                NDList a = mtan.encode(store, x, false);
                NDList b = hard.encode(store, x, false);
                for (Task t : TASKS) {
                    for (NDArray mask : mtan.masks(store, a, t.name(), false)) {
                        assertEquals(mask.size(), mask.eq(1f).sum().getLong(), "every mask is 1");
                    }
                    assertArrayEquals(hard.decode(store, b, t.name(), false).toFloatArray(),
                            mtan.decode(store, a, t.name(), false).toFloatArray(), 1e-5f, example + " " + t.name());
                }
                // with the initial weights the masks are strictly between 0 and 1
                Mtan.Network fresh = (Mtan.Network) build(manager, new MtanFactory(), example, "attention.norm=batch");
                for (NDArray mask : fresh.masks(store, fresh.encode(store, x, false), "a", false)) {
                    assertTrue(mask.gt(0f).all().getBoolean() && mask.lt(1f).all().getBoolean());
                }
            }
        }
    }

    private static void copy(List<Parameter> from, List<Parameter> to) {
        assertEquals(from.size(), to.size());
        for (int i = 0; i < from.size(); i++) {
            assertEquals(from.get(i).getArray().getShape(), to.get(i).getArray().getShape());
            to.get(i).getArray().set(from.get(i).getArray().toFloatArray());
        }
    }

    @Test
    void pleGatesAreDistributionsAndTheMixtureIsTheirWeightedSum() {
        try (NDManager manager = ContractTensors.newManager()) {
            for (String levels : List.of("1", "2")) {
                Ple.Network ple = (Ple.Network) build(manager, new PleFactory(), VECTOR, "levels=" + levels,
                        "experts.task=2", "experts.shared=3");
                ParameterStore store = new ParameterStore(manager, false);
                NDList rep = ple.encode(store, manager.randomNormal(new Shape(6, 8)), false);
                for (Task t : TASKS) {
                    float[] g = ple.lastGate(store, rep, t.name()).toFloatArray();
                    assertEquals(6 * 5, g.length);
                    for (int b = 0; b < 6; b++) {
                        double sum = 0;
                        for (int e = 0; e < 5; e++) {
                            assertTrue(g[b * 5 + e] >= 0);
                            sum += g[b * 5 + e];
                        }
                        assertEquals(1.0, sum, 1e-5);
                    }
                }
            }
            NDArray logits = manager.create(new float[] {0, (float) Math.log(3)}, new Shape(1, 2));
            NDArray mixed = Ple.mixture(logits, List.of(manager.create(new float[] {4, 8}, new Shape(1, 2)),
                    manager.create(new float[] {0, 4}, new Shape(1, 2))));
            // weights 1/4 and 3/4
            assertArrayEquals(new float[] {1, 5}, mixed.toFloatArray(), 1e-5f);
        }
    }

    @Test
    void sluiceCountsAndIdentityMixingWithTheLastLayerIsIndependentNetworks() {
        try (NDManager manager = ContractTensors.newManager()) {
            MultiTaskNetwork sluice = build(manager, new SluiceFactory(), VECTOR);
            // α: (3 tasks · 2 subspaces)² after each of the 2 stages; β: 2 equal-width stages per task
            assertEquals(3 * TRUNK + HEADS + 2 * 36 + 3 * 2, count(sluice));
            assertEquals(2 * 36 + 3 * 2, count(sluice.extraParameters()));
        }
        for (Shape example : List.of(VECTOR, IMAGE)) {
            try (NDManager manager = ContractTensors.newManager()) {
                MultiTaskNetwork sluice = build(manager, new SluiceFactory(), example);
                MultiTaskNetwork independent = build(manager, new IndependentFactory(), example);
                for (Parameter p : sluice.extraParameters()) {
                    if (p.getName().startsWith("alpha")) {
                        p.getArray().set(manager.eye(6).toFloatArray());
                    }
                }
                for (Task t : TASKS) {
                    List<Parameter> mine = new ArrayList<>();
                    for (Pair<String, Parameter> p : sluice.block().getParameters()) {
                        String key = p.getKey().replaceFirst("^[0-9]+", "");
                        if (key.startsWith(t.name() + "_") && !key.contains("beta")) {
                            mine.add(p.getValue());
                        }
                    }
                    copy(independent.taskParameters(t.name()), mine);
                }
                ParameterStore store = new ParameterStore(manager, false);
                NDArray x = manager.randomNormal(new Shape(5).addAll(example));
                NDList a = sluice.encode(store, x, false);
                NDList b = independent.encode(store, x, false);
                for (Task t : TASKS) {
                    assertArrayEquals(independent.decode(store, b, t.name(), false).toFloatArray(),
                            sluice.decode(store, a, t.name(), false).toFloatArray(), 1e-5f, example + " " + t.name());
                }
            }
        }
    }

    @Test
    void sluiceOrthogonalityPenaltyIsTheSquaredFrobeniusNormOfTheSubspaceProducts() {
        try (NDManager manager = ContractTensors.newManager()) {
            // G1 = [[1, 2], [3, 4]], G2 = [[0, 1], [1, 0]]: G1ᵀG2 = [[3, 1], [4, 2]], squared norm 9 + 1 + 16 + 4
            NDArray g1 = manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2));
            NDArray g2 = manager.create(new float[] {0, 1, 1, 0}, new Shape(2, 2));
            assertEquals(30f, Sluice.orthogonality(List.of(g1, g2)).getFloat(), 1e-5f);
            // three subspaces: every pair
            NDArray g3 = manager.create(new float[] {1, 0, 0, 0}, new Shape(2, 2));
            // G1ᵀG3 = [[1, 0], [2, 0]] → 5; G2ᵀG3 = [[0, 0], [1, 0]] → 1
            assertEquals(36f, Sluice.orthogonality(List.of(g1, g2, g3)).getFloat(), 1e-5f);
            // in a network: zero weight gives no penalty, a positive weight a positive one
            MultiTaskNetwork plain = build(manager, new SluiceFactory(), VECTOR);
            ParameterStore store = new ParameterStore(manager, false);
            plain.encode(store, manager.randomNormal(new Shape(4, 8)), false);
            assertTrue(plain.penalty(store).isEmpty());
            MultiTaskNetwork penalized = build(manager, new SluiceFactory(), VECTOR, "orthogonality=0.5");
            penalized.encode(store, manager.randomNormal(new Shape(4, 8)), false);
            assertTrue(penalized.penalty(store).orElseThrow().getFloat() > 0);
        }
    }
}
