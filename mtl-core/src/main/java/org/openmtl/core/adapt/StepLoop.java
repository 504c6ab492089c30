package org.openmtl.core.adapt;

import ai.djl.engine.Engine;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The training loop of a head on a fixed set of examples, shared by every mode of {@code ./mtl
 * adapt} and by {@code ./mtl transfer}'s readouts: batches of positions into the set, taken in
 * order from a permutation drawn afresh (Fisher–Yates, from one seeded stream) whenever the rest
 * of the permutation holds less than a batch; the engine's random stream (dropout and the like)
 * seeded from the same seed before the first step. The steps themselves are the caller's.
 */
final class StepLoop {

    /** One optimizer step on the examples at some positions of the set. */
    @FunctionalInterface
    interface Step {
        /**
         * Runs the step.
         *
         * @param positions positions into the set, a batch
         * @return the batch's loss
         */
        double run(int[] positions);
    }

    private StepLoop() {}

    /**
     * Runs {@code steps} steps.
     *
     * @param engine the engine whose random stream is seeded
     * @param examples how many examples the set holds
     * @param batchSize examples per step (at most the set's size is used)
     * @param steps the number of steps
     * @param orderSeed the seed of the batch order and of the engine's stream
     * @param step the step
     * @param listener told each step's number, from 1, and loss after the step
     */
    static void run(Engine engine, int examples, int batchSize, int steps, long orderSeed, Step step,
            FrozenProbe.StepListener listener) {
        int batch = Math.min(batchSize, examples);
        int[] positions = new int[examples];
        for (int i = 0; i < examples; i++) {
            positions[i] = i;
        }
        SplittableRandom order = new SplittableRandom(orderSeed);
        int cursor = examples;
        engine.setRandomSeed(FrozenProbe.engineSeed(orderSeed));
        for (int s = 1; s <= steps; s++) {
            if (cursor + batch > examples) {
                for (int i = examples - 1; i > 0; i--) {
                    int j = order.nextInt(i + 1);
                    int swap = positions[i];
                    positions[i] = positions[j];
                    positions[j] = swap;
                }
                cursor = 0;
            }
            int[] chosen = Arrays.copyOfRange(positions, cursor, cursor + batch);
            cursor += batch;
            listener.stepEnded(s, step.run(chosen));
        }
    }
}
