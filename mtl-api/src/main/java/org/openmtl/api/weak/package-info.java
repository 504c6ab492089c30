/**
 * Weak supervision: training labels from noisy labeling sources instead of hand labels.
 *
 * <p>A {@link org.openmtl.api.weak.TaskGraph} names the tasks, their classes and the logical
 * relations between them (a fine task subsumed by a coarse one), which fix the feasible label
 * combinations. A {@link org.openmtl.api.weak.LabelingSource} covers some of the tasks and emits,
 * per example, a label vector over them ({@code 0} = abstain); {@link
 * org.openmtl.api.weak.SourceVotes} holds these outputs for a set of examples, and {@link
 * org.openmtl.api.weak.SourceDependencies} the pairs of sources the user knows to be correlated. A
 * {@link org.openmtl.api.weak.LabelModel} (plugin kind {@code label-model}) turns the votes into
 * {@link org.openmtl.api.weak.ProbabilisticLabels}, one distribution per example and task.
 *
 * <p>Pure Java data: nothing here touches tensors, so label models may use any numerics.
 */
package org.openmtl.api.weak;
