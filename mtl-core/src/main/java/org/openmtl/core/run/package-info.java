/**
 * Runs as the framework executes them: {@link org.openmtl.core.run.MtlRuntime} resolves
 * configurations and trains, on the services {@link org.openmtl.core.run.MtlModule} binds in Guice
 * (plugin registry, progress display, trial executors, results database, report writer).
 * Experiment code uses the typed API over it, {@code org.openmtl.core.api}, and so does the
 * command line.
 */
package org.openmtl.core.run;
