package org.openmtl.plugins.data.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Values come back in order, whatever the blocks they were stored in. */
class GrowingFloatsTest {

    @Test
    void valuesAcrossManyBlocksComeBackInOrder() {
        GrowingFloats floats = new GrowingFloats();
        int n = 3_000_000; // blocks of 1,024, 1,024, 2,048, ... then 2^20 each
        for (int i = 0; i < n; i++) {
            floats.add(i);
        }
        assertEquals(n, floats.size());
        float[] out = floats.toArray();
        assertEquals(n, out.length);
        for (int i = 0; i < n; i++) {
            if (out[i] != (float) i) {
                assertEquals((float) i, out[i], "value " + i);
            }
        }
        assertEquals(0, floats.size(), "emptied");
        floats.add(7f);
        assertEquals(7f, floats.toArray()[0]);
    }
}
