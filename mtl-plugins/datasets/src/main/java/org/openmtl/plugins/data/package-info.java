/**
 * The built-in datasets of OpenMTL, as plugins of kind {@code dataset}, and what they are built
 * from: {@link org.openmtl.plugins.data.ArrayDataset}, a reusable in-heap {@link
 * org.openmtl.api.data.MultiTaskDataset} for both multi-task layouts (shared inputs with per-task
 * labels, and per-task data).
 *
 * <p>Sub-packages: {@code idx} reads the IDX file format of MNIST-like data, plain or gzipped;
 * {@code fetch} fetches (npm, Debian packages) and installs verified data files; {@code mnist} is
 * the MNIST data source and the MultiMNIST dataset; {@code fashion} is the Fashion-MNIST data
 * source and the MultiFashion and Multi-(Fashion+MNIST) datasets; {@code synthetic} generates
 * tasks with a planted group structure. Everything here
 * depends only on {@code mtl-api} and DJL's {@code api}.
 */
package org.openmtl.plugins.data;
