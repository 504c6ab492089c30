/**
 * The stable service-provider interface of OpenMTL.
 *
 * <p>Everything a method, dataset or experiment module needs to plug into the framework lives
 * below this package: the plugin descriptor and factory ({@code plugin}), the task model
 * ({@code task}), multi-task data ({@code data}), and one package per plugin kind
 * ({@code architecture}, {@code weighting}, {@code selector}, {@code optim}, and {@code weak} for
 * label models).
 *
 * <p>Dependency rule: this module imports only the JDK and DJL's {@code ai.djl} API types (never
 * an engine, an injection framework or a configuration library). A test enforces it.
 */
package org.openmtl.api;
