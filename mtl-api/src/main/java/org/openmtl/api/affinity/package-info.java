/** Measures of how tasks relate, shared by diagnostics and by architectures that decide sharing. */
package org.openmtl.api.affinity;
