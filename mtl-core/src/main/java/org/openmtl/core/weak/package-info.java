/**
 * Weak supervision in the framework: reading a user's labeling-source outputs ({@link
 * org.openmtl.core.weak.SourceVotesCsv}). Depends on the SPI's {@code weak} and {@code data}
 * packages and on nothing else in core.
 */
package org.openmtl.core.weak;
