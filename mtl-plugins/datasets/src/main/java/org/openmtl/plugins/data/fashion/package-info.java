/**
 * Fashion-MNIST and the datasets of Lin et al., "Pareto Multi-Task Learning" (NeurIPS 2019) built
 * from it: {@link org.openmtl.plugins.data.fashion.FashionMnistSource} fetches and verifies the
 * gzipped IDX files from Debian's {@code dataset-fashion-mnist} package ({@code ./mtl data fetch
 * fashion-mnist}); {@link org.openmtl.plugins.data.fashion.MultiFashionFactory} (plugin {@code
 * multifashion}) and {@link org.openmtl.plugins.data.fashion.MultiFashionMnistFactory} (plugin
 * {@code multifashion-mnist}) register the two-task datasets, and {@link
 * org.openmtl.plugins.data.fashion.MultiFashionMnistManyFactory} (plugin {@code
 * multifashion-mnist-many}) the same examples with six tasks, composed by the MultiMNIST classes
 * of {@code org.openmtl.plugins.data.mnist}, which is what this package depends on besides {@code
 * fetch}, {@code idx} and {@code mtl-api}.
 */
package org.openmtl.plugins.data.fashion;
