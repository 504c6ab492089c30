/**
 * Run results: the {@code result.json} contract (status, per-task metrics, resolved config,
 * provenance, per-epoch history) and its atomic writing.
 */
package org.openmtl.core.result;
