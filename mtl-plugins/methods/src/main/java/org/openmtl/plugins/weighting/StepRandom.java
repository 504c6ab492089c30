package org.openmtl.plugins.weighting;

import java.util.SplittableRandom;

/**
 * The random stream of one training step of a weighting that draws randomness ({@code pcgrad}'s and
 * {@code gradvac}'s task orders, {@code graddrop}'s uniform numbers): a function of the plugin's
 * seed and the step's global index alone, so a run is reproducible and a resumed run draws what the
 * uninterrupted one would, with nothing to save in a checkpoint.
 */
final class StepRandom {

    private StepRandom() {}

    /**
     * The generator of one step.
     *
     * @param seed the plugin's seed
     * @param step the step's global index
     * @return a fresh generator
     */
    static SplittableRandom of(long seed, long step) {
        // SplittableRandom's stream for seed x + γ is its stream for x shifted by one draw, so
        // the step is scattered into the seed rather than added to it
        return new SplittableRandom(mix(seed ^ mix(step + 0x632BE59BD9B4E019L)));
    }

    /**
     * For each task i of a step, the other tasks in a uniformly random order (a Fisher–Yates
     * shuffle per task, drawn in the order i = 0, 1, …).
     *
     * @param random the step's generator
     * @param k the number of tasks of the step
     * @return row i: the K − 1 tasks j ≠ i, shuffled
     */
    static int[][] otherTaskOrders(SplittableRandom random, int k) {
        int[][] orders = new int[k][];
        for (int i = 0; i < k; i++) {
            int[] others = new int[k - 1];
            for (int j = 0, n = 0; j < k; j++) {
                if (j != i) {
                    others[n++] = j;
                }
            }
            for (int n = others.length - 1; n > 0; n--) {
                int m = random.nextInt(n + 1);
                int swap = others[n];
                others[n] = others[m];
                others[m] = swap;
            }
            orders[i] = others;
        }
        return orders;
    }

    /** The SplitMix64 finalizer: a bijection of longs that scatters neighbouring values. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
