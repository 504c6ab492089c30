/**
 * Arithmetic helpers shared by the methods for arrays that carry gradients. Depends on DJL's
 * {@code ai.djl} API only; the architectures and weightings of this module may depend on it.
 */
package org.openmtl.plugins.tensor;
