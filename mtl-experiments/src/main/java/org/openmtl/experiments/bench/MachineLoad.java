package org.openmtl.experiments.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the machine is with work other than this benchmark, from Linux's {@code /proc}: the
 * CPU time all processes used ({@code /proc/stat}) minus the time this JVM and its finished child
 * processes used ({@code /proc/self/stat}), per second of wall time, in cores.
 *
 * <p>On a small machine shared with other work (builds, tests) this says whether a measurement
 * ran on a quiet machine, which the load average, a slow moving average, does not. Elsewhere than
 * Linux every figure is NaN and waiting for quiet returns at once.
 */
final class MachineLoad {

    /** Linux reports CPU times in clock ticks of 1/100 s on every common configuration. */
    private static final double TICKS_PER_SECOND = 100;

    /**
     * A reading of the counters.
     *
     * @param busyTicks CPU ticks of all processes, all CPUs, not idle
     * @param ownTicks CPU ticks of this process and its reaped children
     * @param nanos when it was read
     */
    record Sample(long busyTicks, long ownTicks, long nanos) {

        /**
         * The cores' worth of CPU other processes used between an earlier sample and this one.
         *
         * @param earlier the earlier sample
         * @return cores (0 is a quiet machine), NaN when the counters cannot be read
         */
        double foreignCoresSince(Sample earlier) {
            if (busyTicks < 0 || earlier.busyTicks < 0) {
                return Double.NaN;
            }
            double seconds = (nanos - earlier.nanos) / 1e9;
            if (seconds <= 0) {
                return Double.NaN;
            }
            long foreign = (busyTicks - earlier.busyTicks) - (ownTicks - earlier.ownTicks);
            return Math.max(0, foreign / TICKS_PER_SECOND / seconds);
        }
    }

    private MachineLoad() {}

    /**
     * Reads the counters now.
     *
     * @return the sample; its tick counts are -1 where {@code /proc} cannot be read
     */
    static Sample sample() {
        try {
            long busy = busyTicks(Files.readString(Path.of("/proc/stat")));
            long own = ownTicks(Files.readString(Path.of("/proc/self/stat")));
            return new Sample(busy, own, System.nanoTime());
        } catch (IOException | RuntimeException e) {
            return new Sample(-1, -1, System.nanoTime());
        }
    }

    /**
     * Waits until other processes use less than a given share of the CPUs over one second, or a
     * time limit passes.
     *
     * @param thresholdCores the most foreign CPU use counted as quiet, in cores
     * @param maxSeconds the longest wait
     * @return the foreign CPU use of the last second waited, in cores (NaN if unknown)
     */
    static double awaitQuiet(double thresholdCores, double maxSeconds) {
        long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
        double foreign;
        do {
            Sample before = sample();
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Double.NaN;
            }
            foreign = sample().foreignCoresSince(before);
        } while (!(Double.isNaN(foreign) || foreign < thresholdCores) && System.nanoTime() < deadline);
        return foreign;
    }

    /**
     * The non-idle ticks of the {@code cpu} line of {@code /proc/stat}: user, nice, system, irq,
     * softirq and steal (idle and iowait excluded; guest time is already inside user).
     *
     * @param procStat the file's text
     * @return the ticks
     * @throws IllegalArgumentException if there is no {@code cpu} line
     */
    static long busyTicks(String procStat) {
        for (String line : procStat.lines().toList()) {
            if (line.startsWith("cpu ")) {
                String[] f = line.trim().split("\\s+");
                long user = Long.parseLong(f[1]);
                long nice = Long.parseLong(f[2]);
                long system = Long.parseLong(f[3]);
                long irq = f.length > 6 ? Long.parseLong(f[6]) : 0;
                long softirq = f.length > 7 ? Long.parseLong(f[7]) : 0;
                long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
                return user + nice + system + irq + softirq + steal;
            }
        }
        throw new IllegalArgumentException("no 'cpu' line in /proc/stat");
    }

    /**
     * utime + stime + cutime + cstime of {@code /proc/self/stat} (fields 14 to 17).
     *
     * @param procSelfStat the file's text
     * @return the ticks
     */
    static long ownTicks(String procSelfStat) {
        // the command name (field 2) may hold spaces and parentheses: count fields after the last ')'
        String[] f = procSelfStat.substring(procSelfStat.lastIndexOf(')') + 2).trim().split("\\s+");
        // f[0] is field 3 (state); field n is f[n - 3]
        return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }
}
