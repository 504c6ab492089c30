/**
 * The typed Java API for experiment code: {@link org.openmtl.core.api.Mtl} (the framework, wired by
 * Guice, with an experiment module's own bindings), {@link org.openmtl.core.api.Run} and {@link
 * org.openmtl.core.api.Sweep} (builders validated exactly as the command line validates), and their
 * results, {@link org.openmtl.core.api.RunResult} (the typed form of {@code result.json}) and {@link
 * org.openmtl.core.api.SweepResult}.
 *
 * <p>May depend on the rest of mtl-core; nothing in mtl-core's training path depends on it, except
 * the command line and the report, which read results through it.
 */
package org.openmtl.core.api;
