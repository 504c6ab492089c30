package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On planted task groups ({t0, t2} and {t1, t3}), AdaShare's learned policies are closer within the
 * planted groups than across them on most seeds: the committed example config, trained through the
 * command line for seeds 1 to 10 (each its own draw of the tasks and of the network). The claim is
 * a rate over the seeds, not a property of every seed (DESIGN.md 4b).
 *
 * <p>The distance between two tasks is the mean absolute difference of their blocks' select
 * probabilities. Measured with this config and AdaShare's reference defaults (soft sampling, the
 * search on two halves of the training split, re-training from scratch, the final policy sampled),
 * seeds 1-30, one run per seed in its own JVM with MALLOC_PERTURB_=255 (the environment the tests
 * run in), serially, {@code ./mtl run mtl-experiments/configs/adashare.yaml seed=N}:
 * <ul>
 *   <li>every within-group pair closer than every across-group pair: 16 of 30 (seeds 1-10: 7);
 *   <li>mean within-group distance below the mean across-group one: 28 of 30 (seeds 1-10: 10);
 *   <li>the fixed decisions' mean Hamming distance lower within the groups: 15 of 30 (seeds 1-10:
 *       5). The decisions are now one draw from the select probabilities (the reference's fixed
 *       policy), so this is much noisier than with the likelier decisions.
 * </ul>
 * Thresholds: at least 3, 8 and 2 of 10. A method at the measured rates (0.53, 0.93, 0.50) falls
 * below them with probability 3.5%, 2.5% and 1.1% (binomial), should a change of numerics draw
 * other outcomes. Policies unrelated to the tasks (select probabilities uniform at random,
 * decisions p &gt; 0.5) pass one seed's checks with probability 0.074, 0.47 and 0.38 and the
 * thresholds with probability 3.3%, 3.7% and 94%: the first two checks tell a learned grouping
 * from chance, the third only guards against a gross regression.
 */
class AdaShareRunTest {

    private static final int SEEDS = 10;
    private static final int AT_LEAST_EVERY = 3;
    private static final int AT_LEAST_MEAN = 8;
    private static final int AT_LEAST_HAMMING = 2;
    private static final int[][] WITHIN = {{0, 2}, {1, 3}};
    private static final int[][] ACROSS = {{0, 1}, {0, 3}, {2, 1}, {2, 3}};

    @TempDir Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void thePoliciesAreCloserWithinThePlantedGroupsOnMostSeeds() throws Exception {
        int every = 0;
        int mean = 0;
        int hamming = 0;
        List<String> seeds = new ArrayList<>();
        for (int seed = 1; seed <= SEEDS; seed++) {
            Path out = dir.resolve("adashare-" + seed);
            Cli.Outcome o = Cli.run("run", "configs/adashare.yaml", "seed=" + seed, "progress=none", "checkpoint=false",
                    "output.dir=" + out);
            assertEquals(0, o.exitCode(), o.out() + o.err());
            Map<String, Object> result = new Gson().fromJson(Files.readString(out.resolve("result.json")), Map.class);
            assertEquals("completed", result.get("status"));
            Map<String, Object> structure = (Map<String, Object>) result.get("structure");
            assertEquals(List.of("t0", "t1", "t2", "t3"), structure.get("tasks"));
            assertEquals("retrain", structure.get("mode"), "the run ends re-training with a fixed policy");
            List<List<Double>> p = (List<List<Double>>) structure.get("select_probability");
            List<List<Double>> policy = (List<List<Double>>) structure.get("policy");
            assertEquals(4, p.size());
            assertEquals(4, policy.size());
            double farthestWithin = 0;
            double nearestAcross = Double.MAX_VALUE;
            for (int[] pair : WITHIN) {
                farthestWithin = Math.max(farthestWithin, distance(p, pair));
            }
            for (int[] pair : ACROSS) {
                nearestAcross = Math.min(nearestAcross, distance(p, pair));
            }
            boolean e = farthestWithin < nearestAcross;
            boolean m = meanDistance(p, WITHIN) < meanDistance(p, ACROSS);
            boolean h = meanHamming(policy, WITHIN) < meanHamming(policy, ACROSS);
            every += e ? 1 : 0;
            mean += m ? 1 : 0;
            hamming += h ? 1 : 0;
            seeds.add("seed " + seed + ": every " + e + ", mean " + m + ", hamming " + h + ", p " + p);
        }
        String table = String.join("\n", seeds);
        System.out.println("AdaShareRunTest: every " + every + ", mean " + mean + ", hamming " + hamming + " of " + SEEDS);
        assertTrue(every >= AT_LEAST_EVERY, "every within-group pair closer than every across-group pair on " + every
                + " of " + SEEDS + " seeds, expected at least " + AT_LEAST_EVERY + ":\n" + table);
        assertTrue(mean >= AT_LEAST_MEAN, "mean within-group distance below the across-group one on " + mean
                + " of " + SEEDS + " seeds, expected at least " + AT_LEAST_MEAN + ":\n" + table);
        assertTrue(hamming >= AT_LEAST_HAMMING, "fixed decisions closer within the groups (mean Hamming) on " + hamming
                + " of " + SEEDS + " seeds, expected at least " + AT_LEAST_HAMMING + ":\n" + table);
    }

    /** Mean |p_i,k − p_j,k| over the blocks k. */
    private static double distance(List<List<Double>> p, int[] pair) {
        List<Double> a = p.get(pair[0]);
        List<Double> b = p.get(pair[1]);
        double sum = 0;
        for (int k = 0; k < a.size(); k++) {
            sum += Math.abs(a.get(k) - b.get(k));
        }
        return sum / a.size();
    }

    private static double meanDistance(List<List<Double>> p, int[][] pairs) {
        double sum = 0;
        for (int[] pair : pairs) {
            sum += distance(p, pair);
        }
        return sum / pairs.length;
    }

    private static double meanHamming(List<List<Double>> policy, int[][] pairs) {
        double sum = 0;
        for (int[] pair : pairs) {
            List<Double> a = policy.get(pair[0]);
            List<Double> b = policy.get(pair[1]);
            for (int k = 0; k < a.size(); k++) {
                sum += a.get(k).doubleValue() != b.get(k).doubleValue() ? 1 : 0;
            }
        }
        return sum / pairs.length;
    }
}
