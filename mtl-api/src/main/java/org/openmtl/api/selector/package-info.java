/**
 * Task selectors: which tasks, and which of their examples, each training step uses. A selector
 * plans one epoch at a time as a sequence of {@link org.openmtl.api.selector.StepPlan}s and may
 * observe each step's losses (for loss-driven sampling).
 */
package org.openmtl.api.selector;
