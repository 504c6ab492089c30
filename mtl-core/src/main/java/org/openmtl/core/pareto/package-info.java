/**
 * Pareto fronts of finished runs: non-dominated filtering with a direction per objective,
 * hypervolume (exact for any number of objectives), spread and preference alignment. Pure Java on
 * {@code double} arrays, with no dependency on DJL or on the rest of the framework, so the sweep
 * summary and reports may use it and it is tested against closed-form values. See
 * docs/pareto.md for the formulas and the reference-point rule.
 */
package org.openmtl.core.pareto;
