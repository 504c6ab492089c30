/**
 * The HTML report of a run or sweep: one self-contained page with the per-method results table and
 * figures drawn here as inline SVG (learning curves, the two-task Pareto front, each configuration's Pareto fronts from the sweep summary, task weights,
 * gradient cosines, task affinity, learned structures, cost). Depends only on the JDK, Gson and
 * {@code org.openmtl.core.io} (which publishes the page durably); callers (the sweep runner, the
 * CLI) hand it result maps and, for sweeps, the summary.
 */
package org.openmtl.core.report;
