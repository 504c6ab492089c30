package org.openmtl.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On planted task groups, AdaShare's learned policies are closer within the planted groups ({t0, t2}
 * and {t1, t3}) than across them: the committed example config, trained through the command line
 * for seeds 1 to 3 (each its own draw of the tasks and of the network). The distance between two
 * tasks is the mean absolute difference of their blocks' select probabilities; every within-group
 * pair must be closer than every across-group pair. The config's header gives the counts over seeds
 * 1 to 10.
 */
class AdaShareRunTest {

    private static final int[][] WITHIN = {{0, 2}, {1, 3}};
    private static final int[][] ACROSS = {{0, 1}, {0, 3}, {2, 1}, {2, 3}};

    @TempDir Path dir;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {1, 2, 3})
    @SuppressWarnings("unchecked")
    void thePoliciesAreCloserWithinThePlantedGroups(int seed) throws Exception {
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
        for (int[] pair : WITHIN) {
            farthestWithin = Math.max(farthestWithin, distance(p, pair));
        }
        double nearestAcross = Double.MAX_VALUE;
        for (int[] pair : ACROSS) {
            nearestAcross = Math.min(nearestAcross, distance(p, pair));
        }
        assertTrue(farthestWithin < nearestAcross, "seed " + seed + ": a planted pair is " + farthestWithin
                + " apart, a pair across the groups " + nearestAcross + "; select probabilities " + p);
        // the fixed decisions agree: fewer differing blocks within the groups than across, on average
        assertTrue(meanHamming(policy, WITHIN) < meanHamming(policy, ACROSS), "seed " + seed + ": policy " + policy);
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
