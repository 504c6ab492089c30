package org.openmtl.plugins.data.csv;

import java.util.ArrayList;
import java.util.List;

/**
 * Floats appended one at a time into fixed-size blocks, so a table of unknown length is stored at
 * 4 bytes a value while it is read; {@link #toArray} joins the blocks into one exact array (the
 * form {@link org.openmtl.plugins.data.ArrayDataset} holds) and frees them.
 */
final class GrowingFloats {

    private static final int BLOCK = 1 << 20;

    private final List<float[]> blocks = new ArrayList<>();
    private float[] current;
    private int used = BLOCK;
    private long size;

    void add(float value) {
        if (used == BLOCK) {
            current = new float[BLOCK];
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
            int n = (int) Math.min(BLOCK, size - at);
            System.arraycopy(block, 0, out, at, n);
            at += n;
        }
        blocks.clear();
        current = null;
        used = BLOCK;
        size = 0;
        return out;
    }
}
