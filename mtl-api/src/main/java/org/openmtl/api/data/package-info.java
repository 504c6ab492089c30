/**
 * Multi-task data. A {@link org.openmtl.api.data.MultiTaskDataset} is a set of examples per split;
 * each example has one input and a label for some of the tasks. Both classic layouts fit: shared
 * inputs with per-task labels (multi-label; a missing label is masked) and per-task data (each
 * example labelled for one task only). Datasets are plugins of kind {@code dataset}, created by a
 * {@link org.openmtl.api.data.DatasetProvider}.
 */
package org.openmtl.api.data;
