package org.openmtl.core.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openmtl.core.config.ConfigSource;
import org.openmtl.core.run.MtlRuntime;

/**
 * A sweep's summary names the CPUs its trials ran on, since trials on CPUs that differ in model,
 * instruction sets or reported caches need not agree bit for bit; hand-made results, no training.
 */
class SweepCpusTest {

    private final MtlRuntime mtl = MtlRuntime.discover(Path.of("no-plugins-dir"));

    private static final Map<String, Object> EPYC =
            Map.of("model", "AMD EPYC", "vector", "sse4_1 avx avx2 avx512f avx512_bf16", "caches", "L1d 48K, L2 1024K");
    private static final Map<String, Object> OTHER_EPYC = Map.of("model", "AMD EPYC", "family", "25", "model_number", "1",
            "vector", "sse4_1 avx avx2", "caches", "L1d 32K");
    private static final Map<String, Object> EPYC_NO_CACHES =
            Map.of("model", "AMD EPYC", "vector", "sse4_1 avx avx2 avx512f avx512_bf16", "caches", "none reported");

    private Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>> trial(int seed, String status, Map<String, Object> cpu) {
        Map<String, String> point = Map.of("seed", Integer.toString(seed));
        Map<String, String> values = new LinkedHashMap<>(point);
        values.put("dataset", "synthetic");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("status", status);
        result.put("tasks", Map.of("t0", Map.of("mse", 0.5), "t1", Map.of("mse", 0.5)));
        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("build", "test:one");
        if (cpu != null) {
            provenance.put("cpu", cpu);
        }
        result.put("provenance", provenance);
        return Map.entry(new SweepRunner.ResolvedTrial("t" + seed, point, mtl.configure(ConfigSource.of(values))), result);
    }

    @Test
    void trialsOnOneCpuAreCountedUnderIt() {
        List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> trials = new ArrayList<>();
        trials.add(trial(1, "completed", EPYC));
        trials.add(trial(2, "completed", EPYC));
        trials.add(trial(3, "failed", EPYC_NO_CACHES)); // failed trials computed none of the numbers
        Map<String, Object> summary = SweepSummary.summarize(trials);
        assertEquals(Map.of("AMD EPYC (avx512_bf16; caches L1d 48K, L2 1024K)", 2), summary.get("cpus"));
        assertEquals("ran on one CPU: AMD EPYC (avx512_bf16; caches L1d 48K, L2 1024K) (2 trials)",
                SweepSummary.cpusLine(summary));
        String md = SweepSummary.markdown(summary);
        assertTrue(md.contains("Computed by build test:one (2 trials). Ran on one CPU: AMD EPYC (avx512_bf16; caches L1d 48K,"
                + " L2 1024K) (2 trials).\n"), md);
    }

    @Test
    void trialsOnCpusThatReportDifferentCachesAreToldApart() {
        List<Map.Entry<SweepRunner.ResolvedTrial, Map<String, Object>>> trials = new ArrayList<>();
        trials.add(trial(1, "completed", EPYC));
        trials.add(trial(2, "completed", EPYC_NO_CACHES));
        trials.add(trial(3, "completed", null));
        trials.add(trial(4, "completed", OTHER_EPYC));
        String line = SweepSummary.cpusLine(SweepSummary.summarize(trials));
        assertTrue(line.startsWith("ran on 4 different CPUs: "), line);
        assertTrue(line.contains("AMD EPYC (family 25 model 1; avx2; caches L1d 32K) (1 trial)"), line);
        assertTrue(line.contains("AMD EPYC (avx512_bf16; caches none reported) (1 trial)"), line);
        assertTrue(line.contains("AMD EPYC (avx512_bf16; caches L1d 48K, L2 1024K) (1 trial)"), line);
        assertTrue(line.contains("unknown (1 trial)"), line);
        assertTrue(line.endsWith("can differ in its last bits between them, and so in its accuracies"), line);
    }

    @Test
    void aSummaryWithoutCompletedTrialsNamesNoCpu() {
        assertEquals("", SweepSummary.cpusLine(SweepSummary.summarize(List.of(trial(1, "failed", EPYC)))));
    }

    @Test
    void trialsFromBeforeTheCpuWasRecordedLeaveTheLineOut() {
        Map<String, Object> summary = SweepSummary.summarize(List.of(trial(1, "completed", null), trial(2, "completed", null)));
        assertEquals(Map.of("unknown", 2), summary.get("cpus"));
        assertEquals("", SweepSummary.cpusLine(summary));
        String md = SweepSummary.markdown(summary);
        assertTrue(md.contains("Computed by build test:one (2 trials).\n"), md);
    }
}
