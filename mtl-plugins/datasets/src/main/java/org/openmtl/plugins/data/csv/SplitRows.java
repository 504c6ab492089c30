package org.openmtl.plugins.data.csv;

import java.nio.file.Path;
import java.util.Arrays;
import org.openmtl.api.data.Split;

/**
 * One split's rows as they are read: the features (4 bytes a value) and, per task, one float a row
 * (a class id or a regression target; NaN where the label is missing). It also remembers, per
 * classification task, where its largest class was seen, so that a class the training split never
 * had can be reported with its file, line and column once the class count is known.
 */
final class SplitRows {

    final Split split;
    final int limit;
    final GrowingFloats features = new GrowingFloats();
    final GrowingFloats[] labels;
    final float[] largestClass;
    final Path[] largestClassFile;
    final long[] largestClassLine;
    final int[] largestClassColumn;
    int rows;
    /** Rows of the split read but not kept because of the limit. */
    long dropped;
    final int[] labelled;

    /**
     * Starts a split.
     *
     * @param split the split
     * @param tasks the number of tasks
     * @param limit keep at most this many rows; 0 for all
     */
    SplitRows(Split split, int tasks, int limit) {
        this.split = split;
        this.limit = limit;
        this.labels = new GrowingFloats[tasks];
        for (int t = 0; t < tasks; t++) {
            labels[t] = new GrowingFloats();
        }
        this.largestClass = new float[tasks];
        Arrays.fill(largestClass, -1f);
        this.largestClassFile = new Path[tasks];
        this.largestClassLine = new long[tasks];
        this.largestClassColumn = new int[tasks];
        this.labelled = new int[tasks];
    }

    /** Whether another row is kept. */
    boolean full() {
        return limit > 0 && rows >= limit;
    }
}
