/**
 * {@code ./mtl weak}: weak supervision end to end. A user's labeling-source outputs are read from
 * CSV ({@link org.openmtl.core.weak.SourceVotesCsv}) or come with the dataset; a label model turns
 * them into probabilistic labels; {@link org.openmtl.core.weak.SoftLabelledDataset} puts those in
 * place of the training labels, and the normal trainer trains the end model on them ({@link
 * org.openmtl.core.weak.WeakRunner}). Depends on the SPI, the run and train machinery, config and
 * result files; nothing in core depends on it but the CLI.
 */
package org.openmtl.core.weak;
