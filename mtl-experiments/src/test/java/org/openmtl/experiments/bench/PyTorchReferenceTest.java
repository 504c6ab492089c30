package org.openmtl.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading what {@code pytorch_reference.py} prints. */
class PyTorchReferenceTest {

    private static final String OUTPUT = String.join("\n",
            "torch 1.13.0a0 threads 2 batch 256 tasks 2",
            "mode ew ms_per_step 17.41 min 16.70 max 20.98",
            "some warning the script's libraries printed",
            "mode rep ms_per_step 17.35 min 16.90 max 20.37",
            "mode param ms_per_step 30.34 min 29.56 max 42.76",
            "");

    @Test
    void theHeaderGivesTorchsVersionAndThreads() {
        PyTorchReference.Output out = PyTorchReference.parse(OUTPUT, 60);
        assertEquals("1.13.0a0", out.torchVersion());
        assertEquals(2, out.threads());
    }

    @Test
    void eachModeLineGivesMedianMinAndMaxInPrintedOrder() {
        PyTorchReference.Output out = PyTorchReference.parse(OUTPUT, 60);
        assertEquals(List.of("ew", "rep", "param"), List.copyOf(out.modes().keySet()));
        assertEquals(new StepStatistics(60, 17.41, 16.70, 20.98), out.modes().get("ew").stats());
        assertEquals(30.34, out.modes().get("param").stats().median());
    }

    @Test
    void otherLinesAndAMissingHeaderAreTolerated() {
        PyTorchReference.Output out = PyTorchReference.parse("hello\n  mode ew ms_per_step 9 min 8 max 10  \n", 5);
        assertEquals("unknown", out.torchVersion());
        assertEquals(-1, out.threads());
        assertEquals(9.0, out.modes().get("ew").stats().median());
    }

    @Test
    void aModeLineWithABadNumberIsAnErrorNamingTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PyTorchReference.parseModeLine("mode ew ms_per_step fast min 1 max 2", 60));
        assertTrue(e.getMessage().contains("mode ew ms_per_step fast"), e.getMessage());
    }

    @Test
    void aLineThatIsNoModeLineGivesNothing() {
        assertTrue(PyTorchReference.parseModeLine("mode ew ms_per_step 1.0", 60).isEmpty());
        assertTrue(PyTorchReference.parseModeLine("torch 2.0 threads 2", 60).isEmpty());
    }
}
