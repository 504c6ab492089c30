/**
 * Sweeps: a grid of runs over any configuration keys (plugin names, their keys, seeds), each
 * trial a fully resolved configuration with a stable id, written under
 * {@code <output.dir>/trials/<id>/}; finished trials are kept and skipped when a sweep is run
 * again, and a summary table aggregates seeds.
 */
package org.openmtl.core.sweep;
