/**
 * Plugin discovery: {@link java.util.ServiceLoader} on the class path plus the jars of the
 * plugins directory, each plugin checked (descriptor, SPI version, unique name) and contributed to
 * the run's Guice injector as a module binding its factory into a per-kind {@code MapBinder}.
 */
package org.openmtl.core.plugin;
