/**
 * Durable publication of the files that hold the framework's state ({@code result.json}, the
 * checkpoints, summaries, reports): a reader, or a run resumed after a kill or a power cut, sees
 * the previous version of a file or the new one, never a part of either. Depends on the JDK and
 * SLF4J only; every other package may use it.
 */
package org.openmtl.core.io;
