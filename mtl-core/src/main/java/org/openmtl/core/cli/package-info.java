/**
 * The {@code ./mtl} command line, a thin layer over {@link org.openmtl.core.run.MtlRuntime}. Exit
 * codes: 0 success, 2 bad usage, configuration or input data (a message naming the key or file,
 * no stack trace), 1 a failure while running.
 */
package org.openmtl.core.cli;
