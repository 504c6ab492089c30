package org.openmtl.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Reading Linux's /proc counters behind the quiet-machine check and the page-fault counts. */
class ProcCountersTest {

    // a process whose name holds a space and a parenthesis, as a thread name may
    private static final String SELF_STAT = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 "
            + "98765 12 3 0 250 40 7 5 20 0 24 0 12345 9627600 105629 18446744073709551615";

    @Test
    void busyTicksAreTheCpuLineWithoutIdleAndIowait() {
        String stat = "cpu  145933 17 22506 454217 997 3 215 274 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n";
        assertEquals(145933 + 17 + 22506 + 3 + 215 + 274, MachineLoad.busyTicks(stat));
    }

    @Test
    void ownTicksAreUserSystemAndReapedChildrenTicks() {
        assertEquals(250 + 40 + 7 + 5, MachineLoad.ownTicks(SELF_STAT));
    }

    @Test
    void minorFaultsAreFieldTen() {
        assertEquals(98765, PageFaults.minorFaults(SELF_STAT));
    }

    @Test
    void foreignCoresAreTheBusyTicksOthersUsedPerSecond() {
        MachineLoad.Sample before = new MachineLoad.Sample(1000, 300, 0);
        MachineLoad.Sample after = new MachineLoad.Sample(1000 + 150, 300 + 100, 2_000_000_000L);
        // 150 busy ticks in 2 s, 100 of them ours: 50 ticks = 0.5 s of CPU over 2 s
        assertEquals(0.25, after.foreignCoresSince(before), 1e-12);
        assertTrue(Double.isNaN(new MachineLoad.Sample(-1, -1, 5).foreignCoresSince(before)));
    }

    @Test
    void faultsPerStepLeaveTheWarmUpOut() {
        PageFaults faults = new PageFaults();
        assertTrue(Double.isNaN(faults.perStep(2)));
    }
}
