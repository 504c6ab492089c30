/**
 * {@code ./mtl adapt}: how a finished run's trunk serves a task it never trained on. A new head
 * for the held-out task is trained from k labelled examples per class, over seeded draws, with the
 * trunk frozen (features computed once), fine-tuned, or trained from scratch with the same
 * architecture; {@code adapt.json} and {@code adapt.md} record the test metrics and the steps to a
 * target. {@link org.openmtl.core.adapt.FrozenProbe}, the head on a frozen trunk's cached
 * features, is also every readout of {@code ./mtl transfer}. Depends on the run machinery ({@code run}, {@code train}, {@code config}, {@code result})
 * and on nothing that depends on it.
 */
package org.openmtl.core.adapt;
