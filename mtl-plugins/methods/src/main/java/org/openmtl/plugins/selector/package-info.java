/**
 * The built-in task selectors: {@code all} (every task every step, one shuffled pass per epoch) and
 * {@code uniform} (naive MT-SGD, tasks sampled uniformly per step). Each epoch's plan is a function
 * of the selector's seed and the epoch alone.
 *
 * <p>Depends on {@code org.openmtl.api} only.
 */
package org.openmtl.plugins.selector;
