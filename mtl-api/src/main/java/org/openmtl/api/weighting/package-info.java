/**
 * Weightings: how per-task losses, or per-task gradients, become one update.
 *
 * <p>A {@link org.openmtl.api.weighting.Weighting} declares its {@link
 * org.openmtl.api.weighting.GradientRequirement}; the trainer computes exactly that and nothing
 * more. Loss-based methods implement {@link org.openmtl.api.weighting.LossWeighting} (one backward
 * of the objective they return); gradient-based methods implement {@link
 * org.openmtl.api.weighting.GradientWeighting} and turn {@link
 * org.openmtl.api.weighting.TaskGradients} into a {@link org.openmtl.api.weighting.Combination}:
 * task weights, or a direction of their own.
 */
package org.openmtl.api.weighting;
