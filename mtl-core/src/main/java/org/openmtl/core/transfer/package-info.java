/**
 * {@code ./mtl transfer}: the Taskonomy transfer matrix over a dataset's tasks (Zamir, Sax, Shen,
 * Guibas, Malik &amp; Savarese, "Taskonomy: Disentangling Task Transfer Learning", CVPR 2018). One
 * encoder per source task (and per configured multi-task group) is trained as a sweep trial; per
 * (source, target) a readout is trained on the frozen encoder's features as another sweep trial;
 * the raw matrices, their ordinal (win-rate tournament) normalization and the rank correlation
 * with the framework's task affinities go into {@code transfer.json}, {@code transfer.md} and the
 * report. Depends on the run, sweep, adapt and report machinery and on nothing that depends on it.
 */
package org.openmtl.core.transfer;
