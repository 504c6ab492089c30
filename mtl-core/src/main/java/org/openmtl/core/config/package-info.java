/**
 * Run configuration: properties and YAML files plus {@code key=value} overrides, merged with
 * precedence overrides &gt; file &gt; defaults, every key validated against the framework's own
 * keys ({@link org.openmtl.core.config.RunKeys}) and the descriptors of the discovered plugins.
 */
package org.openmtl.core.config;
