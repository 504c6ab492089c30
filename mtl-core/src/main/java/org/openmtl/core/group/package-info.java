/** Task grouping: which tasks to train together under a budget ({@code ./mtl group}). */
package org.openmtl.core.group;
