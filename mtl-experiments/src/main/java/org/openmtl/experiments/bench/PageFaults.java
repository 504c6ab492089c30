package org.openmtl.experiments.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts this process's minor page faults step by step ({@code minflt} of {@code /proc/self/stat}).
 * A minor fault is the kernel handing the process a fresh zeroed page; a training step that frees
 * its buffers back to the operating system and maps them again next step takes thousands, which
 * costs milliseconds. Reading the counter takes some microseconds; callers read it after a step's
 * time is taken, so it never counts as step time. Elsewhere than Linux the counts are -1.
 */
final class PageFaults {

    private final List<Long> afterStep = new ArrayList<>();

    /** Records the count after a step. */
    void stepEnded() {
        afterStep.add(minorFaults());
    }

    /**
     * The mean faults per step over the steps after the warm-up.
     *
     * @param warmup the steps left out
     * @return faults per step, NaN when unknown
     */
    double perStep(int warmup) {
        if (warmup < 1 || afterStep.size() <= warmup) {
            return Double.NaN;
        }
        long first = afterStep.get(warmup - 1);
        long last = afterStep.get(afterStep.size() - 1);
        if (first < 0 || last < 0) {
            return Double.NaN;
        }
        return (double) (last - first) / (afterStep.size() - warmup);
    }

    /**
     * The process's minor page faults so far.
     *
     * @return the count, or -1 when it cannot be read
     */
    static long minorFaults() {
        try {
            return minorFaults(Files.readString(Path.of("/proc/self/stat")));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Field 10 ({@code minflt}) of a {@code /proc/PID/stat} line.
     *
     * @param procSelfStat the line
     * @return the count
     */
    static long minorFaults(String procSelfStat) {
        String[] f = procSelfStat.substring(procSelfStat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(f[10 - 3]);
    }
}
