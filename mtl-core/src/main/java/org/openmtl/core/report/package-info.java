/**
 * The HTML report of a run or sweep: one self-contained page with the per-method results table and
 * figures drawn here as inline SVG (learning curves, the two-task Pareto front, each configuration's Pareto fronts from the sweep summary, task weights,
 * gradient cosines, task affinity, learned structures, cost). Depends on the JDK, Gson, {@code
 * org.openmtl.core.io} (which publishes the page durably) and the typed result of {@code
 * org.openmtl.core.api}, through which it reads each trial's status, metrics and costs; callers (the
 * sweep runner, the CLI) hand it result maps and, for sweeps, the summary. {@link
 * org.openmtl.core.report.ReportWriter} is the service a Guice module may replace.
 */
package org.openmtl.core.report;
