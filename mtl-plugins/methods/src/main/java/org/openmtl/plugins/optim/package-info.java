/**
 * The built-in optimizers: {@code sgd}, {@code adam} and {@code adamw}, each a thin layer over
 * DJL's fused update kernels with a learning-rate schedule shared by all three (constant, step,
 * cosine, linear warm-up). Their updaters own their state (moments, update counts, the global step)
 * and write it to checkpoints bit for bit.
 *
 * <p>Depends on {@code org.openmtl.api} and DJL's {@code ai.djl} API only.
 */
package org.openmtl.plugins.optim;
