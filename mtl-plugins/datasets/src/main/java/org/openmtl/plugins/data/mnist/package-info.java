/**
 * MNIST and the datasets built from it: {@link org.openmtl.plugins.data.mnist.MnistSource} fetches
 * and verifies the IDX files ({@code ./mtl data fetch mnist}); {@link
 * org.openmtl.plugins.data.mnist.MultiMnist} (plugin {@code multimnist}) composes the two-digit
 * MultiMNIST benchmark of Sener &amp; Koltun (NeurIPS 2018) from them.
 */
package org.openmtl.plugins.data.mnist;
