/**
 * The public Java API for runs: {@link org.openmtl.core.run.MtlRuntime} discovers plugins,
 * resolves configurations and trains; experiment code drives runs with it, and the command line
 * is a thin layer over it.
 */
package org.openmtl.core.run;
