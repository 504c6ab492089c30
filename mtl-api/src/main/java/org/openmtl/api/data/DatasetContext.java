package org.openmtl.api.data;

import java.nio.file.Path;

/**
 * What a dataset provider gets from the run.
 *
 * @param dataDirectory where downloaded data lives ({@code data.dir})
 * @param trainLimit use at most this many training examples ({@code dataset.train.limit}); 0 for
 *     all
 * @param seed the seed for any sampling or generation the dataset does
 */
public record DatasetContext(Path dataDirectory, int trainLimit, long seed) {}
