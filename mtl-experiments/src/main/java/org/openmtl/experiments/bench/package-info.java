/**
 * The step benchmark: times the MultiMNIST MultiLeNet training step three ways in one sitting —
 * through the framework's trainer ({@link org.openmtl.core.run.MtlRuntime}), through a bare DJL
 * loop on the same model, and in eager PyTorch ({@code pytorch_reference.py}) — and reports
 * medians and ratios ({@link org.openmtl.experiments.bench.StepBenchmark}).
 *
 * <p>May depend on mtl-core's public API and on DJL; nothing in the framework depends on it. The
 * bare loop is the reference the trainer's step is held to, so it stays deliberately plain: it
 * uses DJL's own blocks, loss and optimizer, and keeps only the memory discipline of the design
 * (a sub-manager per step, no walk over the engine's arrays).
 */
package org.openmtl.experiments.bench;
