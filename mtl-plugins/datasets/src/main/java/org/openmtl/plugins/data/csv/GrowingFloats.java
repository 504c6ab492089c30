package org.openmtl.plugins.data.csv;

import java.util.ArrayList;
import java.util.List;

/**
 * Floats appended one at a time into blocks, so a table of unknown length is stored at 4 bytes a
 * value while it is read; {@link #toArray} joins the blocks into one exact array (the form {@link
 * org.openmtl.plugins.data.ArrayDataset} holds) and frees them. Each new block is as large as all
 * before it, from 1,024 up to 2^20 values, so a short column (a small file, a split of a few rows,
 * one of many label columns) takes little more than it holds, and a long one is never copied while
 * it grows.
 */
final class GrowingFloats {

    private static final int FIRST_BLOCK = 1 << 10;
    private static final int LARGEST_BLOCK = 1 << 20;

    private final List<float[]> blocks = new ArrayList<>();
    private float[] current = new float[0];
    private int used;
    private long size;

    void add(float value) {
        if (used == current.length) {
            current = new float[(int) Math.min(LARGEST_BLOCK, Math.max(FIRST_BLOCK, size))];
            blocks.add(current);
            used = 0;
        }
        current[used++] = value;
        size++;
    }

    long size() {
        return size;
    }

    /**
     * Joins the values into one array and empties this store.
     *
     * @return the values in the order they were added
     * @throws IllegalStateException if they are too many for one Java array
     */
    float[] toArray() {
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException(size + " values do not fit one array");
        }
        float[] out = new float[(int) size];
        int at = 0;
        for (float[] block : blocks) {
            int n = (int) Math.min(block.length, size - at);
            System.arraycopy(block, 0, out, at, n);
            at += n;
        }
        blocks.clear();
        current = new float[0];
        used = 0;
        size = 0;
        return out;
    }
}
