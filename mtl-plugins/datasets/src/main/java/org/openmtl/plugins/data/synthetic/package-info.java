/**
 * The {@code synthetic} dataset: generated tasks with a planted group structure ({@link
 * org.openmtl.plugins.data.synthetic.SyntheticTasks} documents the generative model), for tests,
 * for a demo that needs no download, and for checking that task grouping recovers known groups.
 */
package org.openmtl.plugins.data.synthetic;
