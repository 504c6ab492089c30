/**
 * Arithmetic on arrays that may be in the autograd graph, safe on DJL's PyTorch engine.
 *
 * <p>{@link org.openmtl.api.tensor.GraphScalars} combines an array with a number through a scalar
 * the engine allocates, instead of DJL's {@code add/sub/mul/div/pow/maximum/minimum(Number)},
 * whose scalar the graph may read after its memory was freed. Every plugin that does scalar
 * arithmetic on a loss, an activation or a parameter uses it; the plugin test kit checks that a
 * plugin's gradients survive garbage collection.
 *
 * <p>{@link org.openmtl.api.tensor.EngineAllocations} makes the engine zero-fill the memory it
 * allocates, which keeps a fault of its convolution kernels (reading padding they never wrote) from
 * turning a run into NaN. Depends on the JDK and DJL's {@code ai.djl} API (and JNA, which that API
 * depends on) only, like the rest of the SPI.
 */
package org.openmtl.api.tensor;
