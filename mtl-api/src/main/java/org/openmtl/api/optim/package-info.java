/**
 * Optimizers: the parameter update. An {@link org.openmtl.api.optim.Optimizer} plugin creates a
 * {@link org.openmtl.api.optim.ParameterUpdater} for a run; the updater owns its state (moments,
 * step count) so a checkpoint can save and restore it exactly.
 */
package org.openmtl.api.optim;
