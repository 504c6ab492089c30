/**
 * The framework's runtime: configuration ({@code config}), plugin discovery ({@code plugin}), the
 * multi-task trainer and gradient service ({@code train}), results and provenance ({@code
 * result}), the public run API ({@code run}) and the command line ({@code cli}, a thin layer over
 * {@code run}). Everything engine-specific sits in {@link org.openmtl.core.train.EngineOps}.
 */
package org.openmtl.core;
