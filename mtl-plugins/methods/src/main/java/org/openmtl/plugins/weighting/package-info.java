/**
 * The built-in loss weightings: {@code equal} (Σ L_i) and {@code static} (Σ w_i L_i with fixed
 * weights). Both are {@link org.openmtl.api.weighting.LossWeighting}s: the trainer runs one
 * backward of their objective and computes no per-task gradients.
 *
 * <p>Depends on {@code org.openmtl.api} and DJL's {@code ai.djl} API only.
 */
package org.openmtl.plugins.weighting;
