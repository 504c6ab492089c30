package org.openmtl.plugins.architecture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openmtl.api.architecture.NetworkContext;
import org.openmtl.api.architecture.PreferenceConditionedNetwork;
import org.openmtl.api.plugin.PluginConfigException;
import org.openmtl.api.task.Task;
import org.openmtl.plugins.TestPlugins;
import org.openmtl.testkit.ContractTensors;

class CosmosTest {

    private static final List<Task> TWO = List.of(Task.classification("a", 3, 0), Task.classification("b", 2, 1));
    private static final List<Task> THREE = List.of(Task.classification("a", 3, 0), Task.classification("b", 2, 1),
            Task.classification("c", 2, 2));

    private static PreferenceConditionedNetwork build(NDManager manager, List<Task> tasks, Shape example, String... settings) {
        return (PreferenceConditionedNetwork) TestPlugins.create(new CosmosFactory(), settings)
                .build(new NetworkContext(tasks, example, manager, 1));
    }

    @Test
    void aGridFrontEnumeratesTheSimplexInTheSweepsOrder() {
        try (NDManager manager = ContractTensors.newManager()) {
            List<double[]> two = build(manager, TWO, new Shape(4), "front=simplex:2:4").frontPreferences();
            double[][] expected = {{0, 1}, {0.25, 0.75}, {0.5, 0.5}, {0.75, 0.25}, {1, 0}};
            assertEquals(expected.length, two.size());
            for (int i = 0; i < expected.length; i++) {
                assertArrayEquals(expected[i], two.get(i), 0);
            }
            // simplex:<divisions> over three tasks: C(4 + 2, 2) = 15 vectors, each a multiple of 1/4 summing to 1
            List<double[]> three = build(manager, THREE, new Shape(4), "front=simplex:4").frontPreferences();
            assertEquals(15, three.size());
            for (double[] p : three) {
                assertEquals(1.0, p[0] + p[1] + p[2], 1e-12);
                for (double w : p) {
                    assertEquals(0, (w * 4) % 1, 1e-12);
                }
            }
            assertEquals(15, three.stream().map(java.util.Arrays::toString).distinct().count());
        }
    }

    @Test
    void listedPreferencesAreNormalized() {
        try (NDManager manager = ContractTensors.newManager()) {
            List<double[]> front = build(manager, TWO, new Shape(4), "front=9,1; 1,1 ;0,2").frontPreferences();
            assertEquals(3, front.size());
            assertArrayEquals(new double[] {0.9, 0.1}, front.get(0), 1e-15);
            assertArrayEquals(new double[] {0.5, 0.5}, front.get(1), 1e-15);
            assertArrayEquals(new double[] {0, 1}, front.get(2), 1e-15);
        }
    }

    @Test
    void badFrontsAreRefusedNamingTheKey() {
        CosmosFactory factory = new CosmosFactory();
        for (String front : List.of("", "simplex:", "simplex:a", "simplex:0", "simplex:1:4", "simplex:2:3:4", "0.5,-0.5",
                "0,0", "1,x", "1,2;1,2,3", "NaN,1", "Infinity,1")) {
            PluginConfigException e = assertThrows(PluginConfigException.class,
                    () -> TestPlugins.create(factory, "front=" + front), front);
            assertEquals("architecture.cosmos.front", e.getKey(), front);
        }
        // what depends on the run's tasks is refused when the network is built
        try (NDManager manager = ContractTensors.newManager()) {
            for (String front : List.of("simplex:3:4", "0.2,0.3,0.5", "simplex:200")) {
                PluginConfigException e = assertThrows(PluginConfigException.class,
                        () -> build(manager, front.equals("simplex:200") ? THREE : TWO, new Shape(4), "front=" + front), front);
                assertEquals("architecture.cosmos.front", e.getKey(), front);
            }
        }
    }

    @Test
    void theOutputsDependOnThePreferenceAndAPreferenceMustBeOne() {
        for (Shape example : List.of(new Shape(5), new Shape(1, 16, 16))) {
            for (String conditioning : List.of("input", "constant")) {
                try (NDManager manager = ContractTensors.newManager()) {
                    ContractTensors.seedEngine(2);
                    PreferenceConditionedNetwork network = build(manager, TWO, example, "conditioning=" + conditioning);
                    assertArrayEquals(new double[] {0.5, 0.5}, network.preference(), "built at the uniform preference");
                    assertArrayEquals(network.selectionPreference(), network.preference());
                    ParameterStore store = new ParameterStore(manager, false);
                    NDArray input = manager.randomNormal(new Shape(3).addAll(example));
                    network.condition(new double[] {0.9, 0.1});
                    float[] first = network.decode(store, network.encode(store, input, false), "a", false).toFloatArray();
                    network.condition(new double[] {0.1, 0.9});
                    float[] second = network.decode(store, network.encode(store, input, false), "a", false).toFloatArray();
                    network.condition(new double[] {0.9, 0.1});
                    float[] again = network.decode(store, network.encode(store, input, false), "a", false).toFloatArray();
                    String what = example + " " + conditioning;
                    assertFalse(java.util.Arrays.equals(first, second), what + ": the preference changes the outputs");
                    assertArrayEquals(first, again, what);
                    for (double[] bad : new double[][] {{0.5}, {0.7, 0.7}, {-0.5, 1.5}, {Double.NaN, 1}}) {
                        assertThrows(IllegalArgumentException.class, () -> network.condition(bad), what);
                    }
                    assertTrue(network.sharedParameters().size() > 0);
                }
            }
        }
    }
}
