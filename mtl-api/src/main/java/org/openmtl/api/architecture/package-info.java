/**
 * Architectures: how parameters are shared between tasks. An {@link
 * org.openmtl.api.architecture.Architecture} builds a {@link
 * org.openmtl.api.architecture.MultiTaskNetwork}, split into a shared part ({@code encode}, whose
 * output is the shared representation) and task-specific parts ({@code decode}), so the trainer
 * can take gradients with respect to the representation or the shared parameters. Architectures
 * that learn their structure run their own {@link org.openmtl.api.architecture.TrainingPhase}s
 * and may change their parameters between phases and epochs; the trainer follows without knowing
 * which architecture it runs. A {@link org.openmtl.api.architecture.PreferenceConditionedNetwork}
 * reads a preference over the tasks as an input, set by the trainer before each forward pass, so
 * that one network covers a Pareto front.
 */
package org.openmtl.api.architecture;
