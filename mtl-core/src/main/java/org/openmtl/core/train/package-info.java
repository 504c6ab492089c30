/**
 * The multi-task trainer. One step: the selector's plan, one forward through the shared part,
 * per-task losses, the gradient work the weighting declared (nothing more), the optimizer update;
 * every array of the step lives in a sub-manager closed when the step ends. Engine-specific calls
 * are confined to {@link org.openmtl.core.train.EngineOps}.
 */
package org.openmtl.core.train;
