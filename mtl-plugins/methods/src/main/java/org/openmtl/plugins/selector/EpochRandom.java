package org.openmtl.plugins.selector;

import java.util.SplittableRandom;

/**
 * The random stream of one epoch of a selector: a function of the selector's seed and the epoch
 * only, so an epoch's plan is reproducible on its own (a resumed run plans epoch 7 exactly as an
 * uninterrupted one) and differs from every other epoch's.
 */
final class EpochRandom {

    private EpochRandom() {}

    /**
     * The stream for one epoch.
     *
     * @param seed the selector's seed
     * @param epoch the epoch, from 1
     * @return a new random stream
     */
    static SplittableRandom forEpoch(long seed, int epoch) {
        // Mix seed and epoch through a bijective finalizer: seeding with seed + epoch would make
        // consecutive epochs' streams shifted copies of each other.
        return new SplittableRandom(mix64(seed ^ mix64(epoch + 0x9E3779B97F4A7C15L)));
    }

    /**
     * Shuffles an array in place (Fisher-Yates).
     *
     * @param values the array
     * @param random the stream
     */
    static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = values[i];
            values[i] = values[j];
            values[j] = swap;
        }
    }

    private static long mix64(long z) {
        // Stafford's variant 13 of the MurmurHash3 finalizer, as in SplitMix64.
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
