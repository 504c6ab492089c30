package org.openmtl.core.adapt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Exactly k examples of every class, from the pool only, a function of the seed. */
class FewShotSamplerTest {

    /** A pool of 3 classes with 7, 5 and 9 members; example i has class labels[i]. */
    private static final int[] EXAMPLES = {3, 4, 8, 10, 11, 12, 15, 17, 20, 21, 22, 30, 31, 33, 40, 41, 42, 50, 51, 52, 60};
    private static final int[] LABELS = {0, 1, 2, 0, 1, 2, 2, 0, 2, 1, 0, 2, 2, 0, 1, 2, 0, 2, 1, 2, 0};

    private final FewShotSampler sampler = new FewShotSampler(EXAMPLES, LABELS, 3);

    private Map<Integer, Integer> classOf() {
        Map<Integer, Integer> m = new HashMap<>();
        for (int i = 0; i < EXAMPLES.length; i++) {
            m.put(EXAMPLES[i], LABELS[i]);
        }
        return m;
    }

    @Test
    void drawsExactlyKDistinctPoolExamplesOfEveryClass() {
        Map<Integer, Integer> classOf = classOf();
        assertArrayEquals(new int[] {7, 5, 9}, sampler.classCounts());
        for (int k = 1; k <= 5; k++) {
            for (long seed = 0; seed < 20; seed++) {
                int[] drawn = sampler.sample(k, seed);
                assertEquals(3 * k, drawn.length);
                assertEquals(drawn.length, Arrays.stream(drawn).distinct().count(), "no example twice");
                int[] perClass = new int[3];
                for (int e : drawn) {
                    assertTrue(classOf.containsKey(e), e + " is not in the pool");
                    perClass[classOf.get(e)]++;
                }
                assertArrayEquals(new int[] {k, k, k}, perClass, "k=" + k + " seed " + seed);
                int[] sorted = drawn.clone();
                Arrays.sort(sorted);
                assertArrayEquals(sorted, drawn, "ascending");
            }
        }
    }

    @Test
    void theSameSeedDrawsTheSameExamplesAndAnotherSeedOthers() {
        assertArrayEquals(sampler.sample(3, 42), new FewShotSampler(EXAMPLES, LABELS, 3).sample(3, 42));
        Set<String> draws = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            draws.add(Arrays.toString(sampler.sample(3, seed)));
        }
        assertTrue(draws.size() > 15, "20 seeds gave only " + draws.size() + " different draws");
    }

    @Test
    void everyMemberOfAClassIsEquallyLikely() {
        // class 1 has 5 members; with k=2 each is drawn with probability 2/5. Over 20000 seeds the
        // frequency's standard error is 0.0035, so 0.4 +- 0.02 fails a biased shuffle, not chance.
        int seeds = 20_000;
        Map<Integer, Integer> counts = new HashMap<>();
        Map<Integer, Integer> classOf = classOf();
        for (long seed = 0; seed < seeds; seed++) {
            for (int e : sampler.sample(2, seed)) {
                if (classOf.get(e) == 1) {
                    counts.merge(e, 1, Integer::sum);
                }
            }
        }
        assertEquals(5, counts.size());
        counts.forEach((e, c) -> assertEquals(0.4, c / (double) seeds, 0.02, "example " + e));
    }

    @Test
    void aKLargerThanAClassIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sampler.sample(6, 1));
        assertTrue(e.getMessage().contains("class 1 has 5 examples"), e.getMessage());
        assertEquals(15, sampler.sample(5, 1).length);
    }

    @Test
    void aLabelOutsideTheClassesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FewShotSampler(new int[] {1, 2}, new int[] {0, 3}, 3));
        assertArrayEquals(new int[] {1, 0, 1}, new FewShotSampler(new int[] {1, 2}, new int[] {0, 2}, 3).classCounts());
    }
}
