/**
 * The plugin contract test kit, published as the artifact {@code org.openmtl:mtl-testkit}: abstract JUnit 5 classes that
 * check a plugin against the SPI's contract on real tensors (DJL's PyTorch engine). A plugin
 * author extends the contract of the plugin's kind with one small class that names the factory,
 * and optionally overrides the configuration or an expectation:
 *
 * <pre>{@code
 * class MyWeightingContractTest extends WeightingContract {
 *     protected PluginFactory<Weighting> factory() { return new MyWeightingFactory(); }
 *     protected Map<String, String> config() { return Map.of("alpha", "1.5"); }
 * }
 * }</pre>
 *
 * <p>The test classpath needs {@code org.openmtl:mtl-testkit:<version>} (which brings {@code
 * mtl-api}, JUnit Jupiter's API and DJL's {@code pytorch-engine}), a JUnit Jupiter engine, and a
 * PyTorch native library of the project's choosing ({@code ai.djl.pytorch:pytorch-jni} and {@code
 * pytorch-native-cpu} with the platform's classifier), and the JVM {@code -Dai.djl.offline=true}
 * when the native library is on the classpath rather than downloaded.
 *
 * <p>Contracts: {@link org.openmtl.testkit.ArchitectureContract}, {@link
 * org.openmtl.testkit.WeightingContract}, {@link org.openmtl.testkit.SelectorContract}, {@link
 * org.openmtl.testkit.OptimizerContract}, each inheriting the checks every plugin passes from
 * {@link org.openmtl.testkit.PluginContract}. {@link org.openmtl.testkit.ArrayTaskLosses} and
 * {@link org.openmtl.testkit.MatrixTaskGradients} let a plugin's own unit tests feed a weighting
 * without a trainer; {@link org.openmtl.testkit.ContractTensors} holds the engine access.
 *
 * <p>{@link org.openmtl.testkit.MemorySafety} is the check the architecture and weighting
 * contracts run on every plugin: a forward and backward pass undisturbed and again with garbage
 * collected and freed native memory overwritten in between must give bit-identical gradients, which
 * fails for a plugin that puts a Java number into the autograd graph instead of using {@link
 * org.openmtl.api.tensor.GraphScalars}. It needs no large heap: the kit's own test runs it with
 * {@code -Xmx64m -XX:MaxDirectMemorySize=32m}, so a plugin's test JVM may be as small. Tests
 * that open a gradient collector must run sequentially in a JVM (PyTorch allows one collector at a
 * time); the contracts never open two.
 */
package org.openmtl.testkit;
