package org.openmtl.experiments.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchmarkOptionsTest {

    @Test
    void defaultsMeasureTheThreeWaysThreeTimesWithTwoThreads() {
        BenchmarkOptions o = BenchmarkOptions.parse();
        assertEquals(3, o.rounds());
        assertEquals(60, o.steps());
        assertEquals(10, o.warmup());
        assertEquals(1, o.warmupRounds());
        assertEquals(2, o.threads());
        assertEquals(256, o.batch());
        assertEquals(Path.of("/usr/bin/python3"), o.python());
        assertEquals(List.of("ew"), o.pythonModes());
        assertEquals(List.of("trainer", "bare", "pytorch"), o.ways());
        assertEquals(3, o.retries());
        assertEquals("random", o.bareInput());
        assertEquals("djl", o.bareLoss());
        assertNull(o.out());
    }

    @Test
    void everyOptionIsRead() {
        BenchmarkOptions o = BenchmarkOptions.parse("--rounds", "5", "--steps", "100", "--warmup", "20",
                "--warmup-rounds", "0", "--python", "/opt/py", "--script", "ref.py", "--out", "docs/b.md",
                "--python-modes", "ew, rep", "--trainer-set", "train.metrics=none", "--ways", "trainer,replica",
                "--quiet-wait", "0", "--retries", "1", "--bare-input", "multimnist", "--bare-loss", "gather");
        assertEquals(5, o.rounds());
        assertEquals(100, o.steps());
        assertEquals(20, o.warmup());
        assertEquals(0, o.warmupRounds());
        assertEquals(Path.of("/opt/py"), o.python());
        assertEquals(Path.of("ref.py"), o.script());
        assertEquals(Path.of("docs/b.md"), o.out());
        assertEquals(List.of("ew", "rep"), o.pythonModes());
        assertEquals(List.of("train.metrics=none"), o.trainerOverrides());
        assertEquals(List.of("trainer", "replica"), o.ways());
        assertEquals(0.0, o.quietWait());
        assertEquals(1, o.retries());
        assertEquals("multimnist", o.bareInput());
        assertEquals("gather", o.bareLoss());
    }

    @Test
    void badUsageNamesTheOption() {
        assertMessage("--rounds", "--rounds", "0");
        assertMessage("--steps", "--steps", "many");
        assertMessage("unknown option --fast", "--fast", "1");
        assertMessage("--out needs a value", "--out");
        assertMessage("--python-modes", "--python-modes", "rep");
        assertMessage("--ways", "--ways", "trainer,gpu");
        assertMessage("--trainer-set", "--trainer-set", "novalue");
        assertMessage("--bare-input", "--bare-input", "imagenet");
    }

    @Test
    void helpIsRecognized() {
        assertTrue(BenchmarkOptions.parse("--help").help());
    }

    private static void assertMessage(String expected, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BenchmarkOptions.parse(args));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
