/** HTML reports of one or more runs: a results table and learning curves drawn as inline SVG. */
package org.openmtl.core.report;
