/**
 * MNIST and the datasets built from it: {@link org.openmtl.plugins.data.mnist.MnistSource} fetches
 * and verifies the IDX files ({@code ./mtl data fetch mnist}); {@link
 * org.openmtl.plugins.data.mnist.MultiMnist} (plugin {@code multimnist}) composes the two-digit
 * MultiMNIST benchmark of Sener &amp; Koltun (NeurIPS 2018) from them, with {@link
 * org.openmtl.plugins.data.mnist.MultiMnistComposer}; {@link
 * org.openmtl.plugins.data.mnist.MultiMnistManyFactory} (plugin {@code multimnist-many}) labels
 * the same examples for seven tasks, each a {@link org.openmtl.plugins.data.mnist.PairTask}
 * computed from the two digits' classes. Both take any {@link
 * org.openmtl.plugins.data.mnist.MnistFormatCollection} (28x28 images, 10 classes, MNIST's four
 * IDX files) on either side, which is how the {@code fashion} package builds MultiFashion and
 * Multi-(Fashion+MNIST) without a copy of the composition.
 */
package org.openmtl.plugins.data.mnist;
