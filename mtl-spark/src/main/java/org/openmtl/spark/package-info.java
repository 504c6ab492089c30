/**
 * The Spark executor of a sweep ({@code executor=spark}): each trial runs as a one-task Spark job
 * whose task calls {@link org.openmtl.core.sweep.TrialRunner} inside an executor JVM, one trial per
 * executor at a time. Trials and outcomes cross the wire as JSON strings, so no framework type has
 * to be serializable. This module is optional: nothing in the core depends on it, and its jars
 * (Spark among them) stay off the default classpath.
 */
package org.openmtl.spark;
